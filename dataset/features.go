package dataset

import (
	"errors"
	"fmt"
)

// MaxFeatures is the most features (genres) an item-features catalog may
// name; MaxGenres bounds the features of one item.
const MaxFeatures = 4096

// Features are the items' features (an item-features catalog's genres):
// the feature names and each item's features by inner item id, in
// compressed rows: the features of item i are Index[Offsets[i]:Offsets[i+1]],
// indices into Names.
type Features struct {
	Names   []string
	Offsets []int32 // one more than the items
	Index   []int32
}

// Of returns the features of inner item i (nil past the items).
func (f *Features) Of(i int32) []int32 {
	if f == nil || int(i)+1 >= len(f.Offsets) || i < 0 {
		return nil
	}
	return f.Index[f.Offsets[i]:f.Offsets[i+1]]
}

// Items returns the number of items f describes.
func (f *Features) Items() int { return max(len(f.Offsets)-1, 0) }

// Check checks that f describes items items with at most MaxFeatures
// features, MaxGenres an item, each index naming a feature once.
func (f *Features) Check(items int) error {
	switch {
	case len(f.Names) > MaxFeatures:
		return fmt.Errorf("%d features, at most %d", len(f.Names), MaxFeatures)
	case len(f.Offsets) != items+1:
		return fmt.Errorf("feature offsets for %d items, want %d", len(f.Offsets)-1, items)
	case f.Offsets[0] != 0 || int(f.Offsets[items]) != len(f.Index):
		return errors.New("feature offsets do not span the feature lists")
	}
	for i := range items {
		lo, hi := f.Offsets[i], f.Offsets[i+1]
		if hi < lo || hi-lo > MaxGenres {
			return fmt.Errorf("item %d has %d features (at most %d)", i, hi-lo, MaxGenres)
		}
		for k, x := range f.Index[lo:hi] {
			if x < 0 || int(x) >= len(f.Names) {
				return fmt.Errorf("item %d names feature %d of %d", i, x, len(f.Names))
			}
			for _, y := range f.Index[lo : int(lo)+k] {
				if y == x {
					return fmt.Errorf("item %d names feature %d twice", i, x)
				}
			}
		}
	}
	return nil
}

// FeatureCounts say how a catalog's items met the ratings' items.
type FeatureCounts struct {
	Added   int // catalog items absent from the ratings, added as items without interactions
	Without int // items of the ratings absent from the catalog: they have no features
}

// ItemFeatures returns the features of the items of items from the
// catalog c, a feature being a genre: every course of c absent from items
// is first added to it (an item no one has rated), and an item of items
// absent from c has no features. A catalog of more than MaxFeatures
// genres is refused.
func (c *Catalog) ItemFeatures(items *IDMap) (*Features, FeatureCounts, error) {
	if len(c.Genres) > MaxFeatures {
		return nil, FeatureCounts{}, fmt.Errorf("dataset: the catalog names %d genres, at most %d", len(c.Genres), MaxFeatures)
	}
	var n FeatureCounts
	name := make(map[string]int32, len(c.Genres))
	for k, g := range c.Genres {
		name[g] = int32(k)
	}
	lists := make(map[int32][]int32, len(c.Courses))
	for _, co := range c.Courses {
		if _, ok := items.Inner(co.ID); !ok {
			n.Added++
		}
		i := items.Add(co.ID)
		l := make([]int32, 0, len(co.Genres))
		for _, g := range co.Genres {
			k, ok := name[g]
			if !ok {
				return nil, n, fmt.Errorf("dataset: course %s has genre %q the catalog does not name", co.ID, g)
			}
			l = append(l, k)
		}
		lists[i] = l
	}
	f := &Features{Names: c.Genres, Offsets: make([]int32, items.Len()+1)}
	for i := range int32(items.Len()) {
		l, ok := lists[i]
		if !ok {
			n.Without++
		}
		f.Index = append(f.Index, l...)
		f.Offsets[i+1] = int32(len(f.Index))
	}
	if err := f.Check(items.Len()); err != nil {
		return nil, n, fmt.Errorf("dataset: %w", err)
	}
	return f, n, nil
}
