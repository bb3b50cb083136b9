package model

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/recnet/recnet/internal/quote"
	"github.com/recnet/recnet/internal/topk"
)

// ErrUnsupported is returned when a model's net lacks what an operation
// needs: item embeddings for Similar, embeddings and biases for FoldIn,
// user and item embedding tables for Export.
var ErrUnsupported = errors.New("model: not supported by this kind of net")

// Rec is one recommended item.
type Rec struct {
	// Item is the raw item id.
	Item string
	// Score is what the list is ranked by: for Recommend and FoldIn the
	// model's unclipped output on the original scale, a predicted rating
	// (ScoreRating) or, for the implicit task, a probability
	// (ScoreProbability), as ScoreName says; for Similar the cosine
	// similarity.
	Score float64
	// Beyond is +1 when a predicted rating passes the top of the rating
	// scale (Score > Max), -1 when it falls below the bottom (Score <
	// Min), and 0 otherwise and for probabilities and cosines.
	Beyond int
	// New is set for an item of a model trained with item features that
	// had no interaction to train on: its score comes from its features
	// alone.
	New bool
}

// RecommendOptions set what Recommend leaves out. The zero value leaves
// out the user's seen items (see Model.Seen) and nothing else.
type RecommendOptions struct {
	// IncludeSeen keeps the items the user rated in the rows the model
	// was fitted on among the candidates.
	IncludeSeen bool
	// Exclude lists raw item ids to leave out; ids the model does not
	// know are ignored.
	Exclude []string
}

// checkK reports an error for a k below 1.
func checkK(k int) error {
	if k < 1 {
		return fmt.Errorf("model: k %d: must be at least 1", k)
	}
	return nil
}

// rec returns the Rec of inner item i with score s on the training scale:
// the score unclipped on the original scale, and where it passes the
// rating scale.
func (m *Model) rec(i int32, s float32) Rec {
	r := Rec{Item: m.Items.Raw(i), Score: m.Unscale(s), New: m.Features.IsNew(i)}
	if !m.Config.Implicit() {
		switch {
		case r.Score > m.Max:
			r.Beyond = 1
		case r.Score < m.Min:
			r.Beyond = -1
		}
	}
	return r
}

// Recommend returns the k items with the highest score for a known raw
// user id, best first. By default it leaves out the items the user rated
// in the rows the model was fitted on (when the model keeps them: see
// HasSeen); o can keep them and leave out more. Items are ranked by the
// net's unclipped output, and Rec.Score is that output on the original
// scale (see Rec); equal scores go by lower inner item id. It works for
// any net. k < 1 is an error; when fewer than k items are candidates, all
// are returned. An unknown user gives an error wrapping ErrUnknownUser,
// and a user the model keeps no seen item of (when it keeps them) one
// wrapping ErrColdUser.
func (m *Model) Recommend(user string, k int, o RecommendOptions) ([]Rec, error) {
	if err := checkK(k); err != nil {
		return nil, err
	}
	u, ok := m.Users.Inner(user)
	if !ok {
		return nil, fmt.Errorf("%w %s", ErrUnknownUser, quote.Short(user))
	}
	if m.HasSeen() && m.SeenCount(u) == 0 {
		return nil, fmt.Errorf("%w %s: the model kept no training or validation row of it and learned nothing of it; fold its ratings in instead", ErrColdUser, quote.Short(user))
	}
	var skip []int32 // sorted inner ids
	if !o.IncludeSeen {
		skip, _ = m.SeenItems(u)
	}
	for _, raw := range o.Exclude {
		if i, ok := m.Items.Inner(raw); ok {
			skip = append(skip, i)
		}
	}
	slices.Sort(skip)
	net := m.Net
	top := topk.Select(nil, m.Items.Len(), k, topk.Sorted(skip),
		func(i int32) float64 { return float64(net.Score(u, i)) })
	recs := make([]Rec, len(top))
	for j, r := range top {
		recs[j] = m.rec(r.Item, float32(r.Score))
	}
	return recs, nil
}

// itemEmbedding returns the net's "item_embedding" table (a blend's
// built without its user table).
func (m *Model) itemEmbedding() (Param, error) {
	params := m.Net.Params()
	if b, ok := m.Net.(*Blend); ok {
		params = b.itemEmbeddings()
	}
	for _, p := range params {
		if p.Name == "item_embedding" {
			if p.Cols < 1 || len(p.Data) != p.Rows*p.Cols || p.Rows < m.Items.Len() {
				return Param{}, fmt.Errorf("model: item_embedding has shape %dx%d (%d values) for %d items", p.Rows, p.Cols, len(p.Data), m.Items.Len())
			}
			return p, nil
		}
	}
	return Param{}, fmt.Errorf("%w: %s net has no item embeddings", ErrUnsupported, m.Net.Kind())
}

// HasItemEmbeddings reports whether m's net has the item embeddings
// Similar needs (dot, mf and the neural kinds do; mean, bias and ease do
// not).
func (m *Model) HasItemEmbeddings() bool {
	if b, ok := m.Net.(*Blend); ok { // without building its tables
		_, cols := b.embeddingMembers()
		return cols > 0
	}
	_, err := m.itemEmbedding()
	return err == nil
}

// HasItemBiases reports whether m's net has item bias terms, which add to
// a score whatever the user rated (dot, mf and their like do, and a blend
// with such a member; ials and ease do not).
func (m *Model) HasItemBiases() bool {
	for _, p := range m.Net.Params() { // a blend's members' tables are among its own

		if p.Name == "item_bias" || strings.HasSuffix(p.Name, "/item_bias") {
			return true
		}
	}
	return false
}

// Similar returns the k items nearest to the raw item id item by cosine
// similarity of their rows of the net's "item_embedding" table, most
// similar first, leaving out item itself. Rec.Score is the cosine, in
// [-1, 1]; an all-zero row has cosine 0 with every item. Equal cosines go
// by lower inner item id. k < 1 is an error; when fewer than k items are
// candidates, all are returned. An unknown item gives an error wrapping
// ErrUnknownItem, a net without item embeddings (mean, bias) one wrapping
// ErrUnsupported, and an item whose row was never trained one wrapping
// ErrColdItem: one with an all-zero row, or, in a model that keeps its seen
// items, one no user had in the rows it was fitted on, unless item
// features stand for it (a new item).
func (m *Model) Similar(item string, k int) ([]Rec, error) {
	if err := checkK(k); err != nil {
		return nil, err
	}
	it, ok := m.Items.Inner(item)
	if !ok {
		return nil, fmt.Errorf("%w %s", ErrUnknownItem, quote.Short(item))
	}
	p, err := m.itemEmbedding()
	if err != nil {
		return nil, err
	}
	d := p.Cols
	row := func(i int32) []float32 { return p.Data[int(i)*d : int(i)*d+d] }
	norms := make([]float64, m.Items.Len())
	for i := range norms {
		norms[i] = math.Sqrt(dot64(row(int32(i)), row(int32(i))))
	}
	if norms[it] == 0 || (!m.Features.IsNew(it) && m.HasSeen() && !m.Seen.HasItem(it)) {
		return nil, fmt.Errorf("%w %s: no interaction in the rows the model was fitted on, so its embedding was never trained and no item is similar to it", ErrColdItem, quote.Short(item))
	}
	q := row(it)
	top := topk.Select(nil, m.Items.Len(), k,
		func(i int32) bool { return i == it },
		func(i int32) float64 {
			n := norms[i] * norms[it]
			if n == 0 {
				return 0
			}
			return dot64(q, row(i)) / n
		})
	recs := make([]Rec, len(top))
	for j, r := range top {
		recs[j] = Rec{Item: m.Items.Raw(r.Item), Score: r.Score, New: m.Features.IsNew(r.Item)}
	}
	return recs, nil
}

// dot64 returns the dot product of two equal-length vectors, summed in
// float64.
func dot64(p, q []float32) float64 {
	var s float64
	for k, x := range p {
		s += float64(x) * float64(q[k])
	}
	return s
}
