package dataset

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
)

// ErrNoTime is returned by the splits that read each row's time when the
// data set has no time column (Ratings.Time is nil).
var ErrNoTime = errors.New("dataset: the table has no time column")

// SplitTime cuts the rows of d by time, globally: ordered by Ratings.Time
// (rows of equal time by their order in d), the earliest rows train, the
// next validate and the latest test, in the shares f gives (zero: 0.8,
// 0.1, 0.1, so the last 10% of interactions by time are the test part and
// the 10% before them the validation part). The cuts are SplitRandom's;
// no seed is needed. Each part keeps d's row order.
//
// A data set without a time column is ErrNoTime; one too small for f is
// ErrTooFewRows, as in SplitRandom.
func SplitTime(d *Dataset, f Fractions) (*Split, error) {
	if d.Time == nil {
		return nil, fmt.Errorf("%w: %s cannot be split by time", ErrNoTime, d.Name)
	}
	a, b, err := cuts(d, f)
	if err != nil {
		return nil, err
	}
	p := make([]int, d.Len())
	for k := range p {
		p[k] = k
	}
	slices.SortStableFunc(p, func(x, y int) int { return cmp.Compare(d.Time[x], d.Time[y]) })
	slices.Sort(p[:a])
	slices.Sort(p[a:b])
	slices.Sort(p[b:])
	return d.parts(p, a, b), nil
}
