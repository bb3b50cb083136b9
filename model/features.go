package model

import (
	"fmt"
	"slices"

	"github.com/recnet/recnet/dataset"
)

// Feature tables of a dot net trained with item features (LightFM): an
// embedding and a bias per feature. The net's item_embedding and
// item_bias then hold each item's effective row: its id row plus the sum
// of its features' rows, which is what every reader of the net scores
// with. An item's id row is its effective row minus its features' rows.
const (
	featureEmbedding = "feature_embedding"
	featureBias      = "feature_bias"
)

// ItemFeatures are the item features of a model trained with them: which
// features each item has, and which items had no interaction to train on
// (New), scored from their features alone.
type ItemFeatures struct {
	dataset.Features
	// New holds the inner ids of the items without an interaction in the
	// rows the model was fitted on, ascending.
	New []int32
}

// IsNew reports whether inner item i had no interaction to train on.
func (f *ItemFeatures) IsNew(i int32) bool {
	if f == nil {
		return false
	}
	_, ok := slices.BinarySearch(f.New, i)
	return ok
}

// NewItemFeatures returns the features f of items items, marking as new
// those with no row in parts.
func NewItemFeatures(f *dataset.Features, items int, parts ...dataset.Ratings) *ItemFeatures {
	seen := make([]bool, items)
	for _, p := range parts {
		for _, i := range p.Item {
			if int(i) < items {
				seen[i] = true
			}
		}
	}
	out := &ItemFeatures{Features: *f}
	for i, ok := range seen {
		if !ok {
			out.New = append(out.New, int32(i))
		}
	}
	return out
}

// check checks f against a model of items items whose net has feats
// feature rows.
func (f *ItemFeatures) check(items, feats int) error {
	if err := f.Features.Check(items); err != nil {
		return err
	}
	if len(f.Names) != feats {
		return fmt.Errorf("%d feature names for %d feature rows", len(f.Names), feats)
	}
	for k, i := range f.New {
		if i < 0 || int(i) >= items || (k > 0 && f.New[k-1] >= i) {
			return fmt.Errorf("new items are not ascending inner ids below %d", items)
		}
	}
	return nil
}

// Materialize sets the effective item rows of a dot net, emb (items x dim)
// and bias (items), to the id rows idEmb and idBias plus, for each item, the
// rows of its features in featEmb and featBias. dst may alias the id rows.
func Materialize(emb, bias, idEmb, idBias, featEmb, featBias []float32, dim int, f *dataset.Features) {
	for i := range len(bias) {
		e := emb[i*dim : i*dim+dim]
		copy(e, idEmb[i*dim:i*dim+dim])
		b := idBias[i]
		for _, x := range f.Of(int32(i)) {
			fe := featEmb[int(x)*dim : int(x)*dim+dim]
			for j := range e {
				e[j] += fe[j]
			}
			b += featBias[x]
		}
		bias[i] = b
	}
}

// featureNet is a net with feature tables (dot trained with item
// features): it says how many feature rows it holds.
type featureNet interface {
	FeatureRows() int
}
