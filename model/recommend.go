package model

import (
	"errors"
	"fmt"
	"math"

	"github.com/recnet/recnet/internal/quote"
	"github.com/recnet/recnet/internal/topk"
)

// ErrUnsupported is returned when a model's net lacks what an operation
// needs: item embeddings for Similar, embeddings and biases for FoldIn.
var ErrUnsupported = errors.New("model: not supported by this kind of net")

// Rec is one recommended item.
type Rec struct {
	// Item is the raw item id.
	Item string
	// Score is the predicted rating on the original scale (Recommend,
	// FoldIn) or the cosine similarity (Similar).
	Score float64
}

// checkK reports an error for a k below 1.
func checkK(k int) error {
	if k < 1 {
		return fmt.Errorf("model: k %d: must be at least 1", k)
	}
	return nil
}

// Recommend returns the k items with the highest predicted rating for a
// known raw user id, best first, leaving out the raw item ids in exclude
// (ids the model does not know are ignored). Items are ranked by the net's
// score on the training scale, so that items whose ratings clip to Max
// still rank by their unclipped score; equal scores go by lower inner item
// id. Rec.Score is the predicted rating on the original scale, as Predict
// gives it. It works for any net. k < 1 is an error; when fewer than k
// items are candidates, all are returned. An unknown user gives an error
// wrapping ErrUnknownUser.
func (m *Model) Recommend(user string, k int, exclude []string) ([]Rec, error) {
	if err := checkK(k); err != nil {
		return nil, err
	}
	u, ok := m.Users.Inner(user)
	if !ok {
		return nil, fmt.Errorf("%w %s", ErrUnknownUser, quote.Short(user))
	}
	var skip func(i int32) bool // nil: no item is left out
	if len(exclude) > 0 {
		set := make(map[int32]bool, len(exclude))
		for _, raw := range exclude {
			if i, ok := m.Items.Inner(raw); ok {
				set[i] = true
			}
		}
		skip = func(i int32) bool { return set[i] }
	}
	net := m.Net
	top := topk.Select(nil, m.Items.Len(), k, skip,
		func(i int32) float64 { return float64(net.Score(u, i)) })
	recs := make([]Rec, len(top))
	for j, r := range top {
		recs[j] = Rec{Item: m.Items.Raw(r.Item), Score: m.FromScale(float32(r.Score))}
	}
	return recs, nil
}

// itemEmbedding returns the net's "item_embedding" table.
func (m *Model) itemEmbedding() (Param, error) {
	for _, p := range m.Net.Params() {
		if p.Name == "item_embedding" {
			if p.Cols < 1 || len(p.Data) != p.Rows*p.Cols || p.Rows < m.Items.Len() {
				return Param{}, fmt.Errorf("model: item_embedding has shape %dx%d (%d values) for %d items", p.Rows, p.Cols, len(p.Data), m.Items.Len())
			}
			return p, nil
		}
	}
	return Param{}, fmt.Errorf("%w: %s net has no item embeddings", ErrUnsupported, m.Net.Kind())
}

// Similar returns the k items nearest to the raw item id item by cosine
// similarity of their rows of the net's "item_embedding" table, most
// similar first, leaving out item itself. Rec.Score is the cosine, in
// [-1, 1]; an all-zero row has cosine 0 with every item. Equal cosines go
// by lower inner item id. k < 1 is an error; when fewer than k items are
// candidates, all are returned. An unknown item gives an error wrapping
// ErrUnknownItem, a net without item embeddings (mean, bias) one wrapping
// ErrUnsupported.
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
		recs[j] = Rec{Item: m.Items.Raw(r.Item), Score: r.Score}
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
