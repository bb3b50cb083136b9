package dataset

import (
	"fmt"
	"math"
)

// KFold shuffles the rows of d with seed (as Shuffle does) and deals them
// into k folds: fold j is the shuffled rows j*n/k up to (j+1)*n/k, so fold
// sizes differ by at most one row. It returns k splits; split j tests on
// fold j and trains on the other k-1 folds (in shuffled order), with an
// empty validation part (CarveValid moves training rows into it). Every
// split shares d's id maps and has d's whole rating range as Min and Max,
// so that all folds train on one scale. The same d, k and seed give the
// same folds. k must be at least 2; more folds than rows is ErrTooFewRows.
func KFold(d *Dataset, k int, seed uint64) ([]*Split, error) {
	n := d.Len()
	if k < 2 {
		return nil, fmt.Errorf("dataset: %d folds: want at least 2", k)
	}
	if k > n {
		return nil, fmt.Errorf("%w: %s has %d rows, %d folds need at least one row each", ErrTooFewRows, d.Name, n, k)
	}
	p := Shuffle(n, seed)
	lo, hi := d.Range()
	out := make([]*Split, k)
	idx := make([]int, 0, n)
	for j := range k {
		a, b := j*n/k, (j+1)*n/k
		idx = append(append(idx[:0], p[:a]...), p[b:]...)
		out[j] = &Split{
			Name: fmt.Sprintf("%s fold %d/%d", d.Name, j+1, k), Users: d.Users, Items: d.Items, Min: lo, Max: hi, Unrated: d.Unrated, Layout: d.Layout,
			Train: d.Subset(idx),
			Test:  d.Subset(p[a:b]),
		}
	}
	return out, nil
}

// CarveValid returns a copy of s in which a share frac of the training
// rows, drawn by a shuffle seeded with seed, has moved to the end of the
// validation part: int(frac*n) of the n training rows, at least one. The
// remaining training rows keep their order; s itself is not changed and
// the copy shares its test rows. frac must be in (0, 1); a split whose
// training part would be left empty is ErrTooFewRows.
func CarveValid(s *Split, frac float64, seed uint64) (*Split, error) {
	if !(frac > 0 && frac < 1) { // the negation also rejects NaN
		return nil, fmt.Errorf("dataset: validation share %g: want a fraction in (0,1)", frac)
	}
	n := s.Train.Len()
	m := max(int(math.Floor(frac*float64(n))), 1)
	if m >= n {
		return nil, fmt.Errorf("%w: %s has %d training rows, too few to carve a validation share %g", ErrTooFewRows, s.Name, n, frac)
	}
	p := Shuffle(n, seed)
	valid := make([]bool, n)
	for _, r := range p[:m] {
		valid[r] = true
	}
	keep := make([]int, 0, n-m)
	for r, v := range valid {
		if !v {
			keep = append(keep, r)
		}
	}
	c := *s
	c.Train = s.Train.Subset(keep)
	carved := s.Train.Subset(p[:m])
	c.Valid = Concat(s.Valid, carved)
	return &c, nil
}
