package topk

import (
	"math"
	"slices"
)

// Float is the type of a score.
type Float interface{ ~float32 | ~float64 }

// Scored is an item (inner id) with its score.
type Scored[F Float] struct {
	Item  int32
	Score F
}

// Above reports whether a ranks above b: a higher score first, a NaN score
// after every number, equal scores (or two NaNs) by lower item id.
func Above[F Float](a, b Scored[F]) bool {
	switch {
	case a.Score > b.Score:
		return true
	case a.Score < b.Score:
		return false
	}
	if an, bn := a.Score != a.Score, b.Score != b.Score; an != bn {
		return bn
	}
	return a.Item < b.Item
}

// order sorts Scored best first (see Above).
func order[F Float](a, b Scored[F]) int {
	switch {
	case Above(a, b):
		return -1
	case Above(b, a):
		return 1
	}
	return 0
}

// Select returns the k best of the items 0..n-1 that skip does not leave
// out (nil skips none), best first (see Above). It calls skip and then
// score once for each item, in item order. The list is shorter than k when
// fewer items are candidates, and empty when k <= 0.
//
// Select keeps the k best in a heap written into dst, grown when its
// capacity is below min(k, n): with such a dst, and skip and score that do
// not escape, it does not allocate.
func Select[F Float](dst []Scored[F], n, k int, skip func(i int32) bool, score func(i int32) F) []Scored[F] {
	if k <= 0 || n <= 0 {
		return dst[:0]
	}
	if cap(dst) < min(k, n) {
		dst = make([]Scored[F], 0, min(k, n))
	}
	h := dst[:0]
	for i := range int32(min(n, math.MaxInt32)) {
		if skip != nil && skip(i) {
			continue
		}
		c := Scored[F]{i, score(i)}
		if len(h) < k {
			h = append(h, c)
			up(h, len(h)-1)
			continue
		}
		// Most candidates score below the worst kept: one comparison
		// rejects them (it is false for NaN, which Above then orders).
		if c.Score < h[0].Score {
			continue
		}
		if Above(c, h[0]) {
			h[0] = c
			down(h, 0)
		}
	}
	slices.SortFunc(h, order)
	return h
}

// The heap keeps the worst of the k best at its root: a parent never ranks
// above its children.

func up[F Float](h []Scored[F], j int) {
	for j > 0 {
		p := (j - 1) / 2
		if !Above(h[p], h[j]) {
			return
		}
		h[p], h[j] = h[j], h[p]
		j = p
	}
}

func down[F Float](h []Scored[F], j int) {
	n := len(h)
	for {
		c := 2*j + 1
		if c >= n {
			return
		}
		if r := c + 1; r < n && Above(h[c], h[r]) {
			c = r
		}
		if !Above(h[j], h[c]) {
			return
		}
		h[j], h[c] = h[c], h[j]
		j = c
	}
}

// Sorted returns a skip function for Select that leaves out the ids in
// exclude, which must be sorted ascending, walking them beside the items
// in increasing order; ids outside the items are ignored. It keeps its
// place, so use it for one Select only.
func Sorted(exclude []int32) func(i int32) bool {
	x := 0
	return func(i int32) bool {
		for x < len(exclude) && exclude[x] < i {
			x++
		}
		return x < len(exclude) && exclude[x] == i
	}
}
