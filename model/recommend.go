package model

import (
	"errors"
	"fmt"
	"math"
	"slices"
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

// ranked is an item (inner id) with its ranking key.
type ranked struct {
	item  int32
	score float64
}

// rankOrder orders ranked items best first: a higher score first, a NaN
// score after every number, equal scores by lower item id.
func rankOrder(a, b ranked) int {
	an, bn := math.IsNaN(a.score), math.IsNaN(b.score)
	switch {
	case an && !bn:
		return 1
	case bn && !an:
		return -1
	case !an && a.score > b.score:
		return -1
	case !an && a.score < b.score:
		return 1
	}
	switch {
	case a.item < b.item:
		return -1
	case a.item > b.item:
		return 1
	}
	return 0
}

// topItems scores every item 0..items-1 not skipped and returns the k
// best, best first (see rankOrder). It returns all candidates when there
// are fewer than k.
func topItems(items, k int, skip func(i int32) bool, score func(i int32) float64) []ranked {
	// A sorted list of the best k so far: most candidates lose to the k-th
	// with one comparison, so this beats sorting every item.
	top := make([]ranked, 0, min(k, items)+1)
	for i := range int32(items) {
		if skip != nil && skip(i) {
			continue
		}
		c := ranked{i, score(i)}
		if len(top) == k && rankOrder(c, top[k-1]) >= 0 {
			continue
		}
		at, _ := slices.BinarySearchFunc(top, c, rankOrder)
		top = slices.Insert(top, at, c)
		if len(top) > k {
			top = top[:k]
		}
	}
	return top
}

// checkK reports an error for a k below 1.
func checkK(k int) error {
	if k < 1 {
		return fmt.Errorf("model: k must be at least 1, got %d", k)
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
		return nil, fmt.Errorf("%w %q", ErrUnknownUser, user)
	}
	skip := make(map[int32]bool, len(exclude))
	for _, raw := range exclude {
		if i, ok := m.Items.Inner(raw); ok {
			skip[i] = true
		}
	}
	top := topItems(m.Items.Len(), k,
		func(i int32) bool { return skip[i] },
		func(i int32) float64 { return float64(m.Net.Score(u, i)) })
	recs := make([]Rec, len(top))
	for j, r := range top {
		recs[j] = Rec{Item: m.Items.Raw(r.item), Score: m.FromScale(float32(r.score))}
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
		return nil, fmt.Errorf("%w %q", ErrUnknownItem, item)
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
	top := topItems(m.Items.Len(), k,
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
		recs[j] = Rec{Item: m.Items.Raw(r.item), Score: r.score}
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
