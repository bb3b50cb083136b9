package dataset

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// ErrTooFewRows is returned when a split would leave a part empty.
var ErrTooFewRows = errors.New("dataset: too few rows for the split")

// Split is a data set cut into train, validation and test rows that share
// one pair of id maps and one rating scale.
type Split struct {
	Name         string
	Users, Items *IDMap
	// Min and Max are the rating scale: the smallest and largest rating in
	// the whole data set (as the lab's min-max scaling).
	Min, Max float64
	Train    Ratings
	Valid    Ratings
	Test     Ratings
	// Unrated is set when the rows came from a table without a rating
	// column (see Dataset.Unrated): every Value is 1.
	Unrated bool
	// Layout is the Dataset's Layout (for LoadSplit, the training file's,
	// and each other part's where it differs).
	Layout string
}

// Fractions are the shares of train, validation and test rows. The zero
// value means 0.8, 0.1, 0.1.
type Fractions struct{ Train, Valid, Test float64 }

// OrDefault returns f, or 0.8, 0.1, 0.1 for the zero value: the shares
// a split cuts by.
func (f Fractions) OrDefault() Fractions {
	if f == (Fractions{}) {
		return Fractions{0.8, 0.1, 0.1}
	}
	return f
}

// Shuffle returns the row order 0..n-1 permuted by a generator seeded with
// seed. The same seed gives the same order.
func Shuffle(n int, seed uint64) []int {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	rng.Shuffle(n, func(i, j int) { p[i], p[j] = p[j], p[i] })
	return p
}

// SplitRandom shuffles the rows of d with seed and cuts them into train,
// validation and test parts as the lab did: the first int(f.Train*n) rows
// train, the next int((f.Train+f.Valid)*n) validate, the rest test. A
// fraction of zero leaves that part empty; any positive fraction that would
// give an empty part is ErrTooFewRows.
func SplitRandom(d *Dataset, f Fractions, seed uint64) (*Split, error) {
	a, b, err := cuts(d, f)
	if err != nil {
		return nil, err
	}
	return d.parts(Shuffle(d.Len(), seed), a, b), nil
}

// cuts returns where the fractions f (zero: the default) cut the n rows of
// d: the first a rows train, the rows a..b validate, the rest test, as
// SplitRandom says.
func cuts(d *Dataset, f Fractions) (a, b int, err error) {
	f = f.OrDefault()
	sum := f.Train + f.Valid + f.Test
	// Negated comparisons also reject NaN; an infinite sum makes the cuts NaN.
	if !(f.Train > 0) || !(f.Valid >= 0) || !(f.Test >= 0) || math.IsInf(sum, 0) {
		return 0, 0, fmt.Errorf("dataset: split fractions %g,%g,%g: train must be positive, none negative, all finite", f.Train, f.Valid, f.Test)
	}
	n := d.Len()
	a = int(f.Train / sum * float64(n))
	b = int((f.Train + f.Valid) / sum * float64(n))
	if f.Valid+f.Test == 0 {
		a, b = n, n
	}
	if a == 0 || (f.Valid > 0 && b == a) || (f.Test > 0 && b == n) {
		return 0, 0, fmt.Errorf("%w: %s has %d rows, split %g,%g,%g needs at least one row in each part", ErrTooFewRows, d.Name, n, f.Train, f.Valid, f.Test)
	}
	return a, b, nil
}

// parts returns the split of d whose train rows are p[:a], validation rows
// p[a:b] and test rows p[b:].
func (d *Dataset) parts(p []int, a, b int) *Split {
	lo, hi := d.Range()
	return &Split{
		Name: d.Name, Users: d.Users, Items: d.Items, Min: lo, Max: hi, Unrated: d.Unrated, Layout: d.Layout,
		Train: d.Subset(p[:a]),
		Valid: d.Subset(p[a:b]),
		Test:  d.Subset(p[b:]),
	}
}
