package dataset

import (
	"fmt"
	"math/rand/v2"
	"slices"
)

// DefaultHeldOutItems is the share of the items SplitItems holds out when
// given none.
const DefaultHeldOutItems = 0.1

// SplitItems holds out a share (zero: DefaultHeldOutItems) of the items
// of d entirely: the items are shuffled with seed, the first share of
// them are held out, and every row of a held-out item is a test row. The
// other rows are shuffled with seed and a tenth of them validate, the rest
// train. It returns the split and the held-out items (inner ids,
// ascending). A share that is not in (0, 1), or that would leave no item
// held out or none kept, is refused with ErrTooFewRows or an error.
func SplitItems(d *Dataset, share float64, seed uint64) (*Split, []int32, error) {
	if share == 0 {
		share = DefaultHeldOutItems
	}
	if !(share > 0 && share < 1) {
		return nil, nil, fmt.Errorf("dataset: held-out item share %g is not between 0 and 1", share)
	}
	// The items that occur in d, in inner order.
	occurs := make([]bool, d.Items.Len())
	for _, i := range d.Item {
		occurs[i] = true
	}
	var present []int32
	for i, ok := range occurs {
		if ok {
			present = append(present, int32(i))
		}
	}
	h := int(share * float64(len(present)))
	if h == 0 || h == len(present) {
		return nil, nil, fmt.Errorf("%w: %s has %d items, holding out %g of them needs at least one held out and one kept", ErrTooFewRows, d.Name, len(present), share)
	}
	rng := rand.New(rand.NewPCG(seed, 0x17e5))
	rng.Shuffle(len(present), func(a, b int) { present[a], present[b] = present[b], present[a] })
	held := slices.Clone(present[:h])
	slices.Sort(held)
	out := make([]bool, d.Items.Len())
	for _, i := range held {
		out[i] = true
	}
	var kept, test []int
	for r, i := range d.Item {
		if out[i] {
			test = append(test, r)
		} else {
			kept = append(kept, r)
		}
	}
	p := Shuffle(len(kept), seed)
	rows := make([]int, 0, d.Len())
	for _, k := range p {
		rows = append(rows, kept[k])
	}
	a := len(kept) - len(kept)/10
	if a == 0 || a == len(kept) {
		return nil, nil, fmt.Errorf("%w: %s keeps %d rows after holding out items, too few to validate on", ErrTooFewRows, d.Name, len(kept))
	}
	rows = append(rows, test...)
	return d.parts(rows, a, len(kept)), held, nil
}
