package eval

import (
	"math"
	"slices"

	"github.com/recnet/recnet/model"
)

// Scored is an item (inner id) with its score.
type Scored struct {
	Item  int32
	Score float32
}

// rankKey maps a Scored to a number that orders as the ranking does: a
// higher score first, a NaN score below every number, equal scores (0 and
// -0 included) by lower item id. Items must be non-negative.
func rankKey(s Scored) uint64 {
	b := math.Float32bits(s.Score)
	switch {
	case s.Score != s.Score:
		b = 0
	case s.Score == 0:
		b = 1 << 31
	case b>>31 == 1:
		b = ^b
	default:
		b |= 1 << 31
	}
	return uint64(b)<<32 | uint64(^uint32(s.Item))
}

// scoredAbove reports whether a ranks above b (see rankKey).
func scoredAbove(a, b Scored) bool { return rankKey(a) > rankKey(b) }

// scoredOrder orders Scored best first (see TopK).
func scoredOrder(a, b Scored) int {
	if ka, kb := rankKey(a), rankKey(b); ka != kb {
		if ka > kb {
			return -1
		}
		return 1
	}
	return 0
}

// TopK returns the k best items for user u among the items 0..items-1 that
// are not in exclude, best first: by descending s.Score(u, i), a NaN score
// last, equal scores by lower item id, so the result is deterministic. The
// list is shorter than k when fewer items are candidates, and empty when
// k <= 0.
//
// exclude lists item ids to skip (the items the user has already rated);
// when it is sorted ascending it is walked beside the items at no cost,
// otherwise TopK sorts a copy. Ids outside 0..items-1 are ignored.
//
// TopK keeps the k best in a heap and writes them into dst (grown if its
// capacity is below k): with a dst of capacity k and a sorted exclude it
// does not allocate. It scores every candidate once, in item order.
func TopK(dst []Scored, s model.Scorer, u int32, items int, exclude []int32, k int) []Scored {
	if k <= 0 || items <= 0 {
		return dst[:0]
	}
	if !slices.IsSorted(exclude) {
		exclude = slices.Clone(exclude)
		slices.Sort(exclude)
	}
	if cap(dst) < min(k, items) {
		dst = make([]Scored, 0, min(k, items))
	}
	h := dst[:0]
	var worst uint64 // rankKey of h[0], the worst kept
	x := 0
	for i := range int32(min(items, math.MaxInt32)) {
		for x < len(exclude) && exclude[x] < i {
			x++
		}
		if x < len(exclude) && exclude[x] == i {
			continue
		}
		c := Scored{i, s.Score(u, i)}
		if len(h) < k {
			h = append(h, c)
			heapUp(h, len(h)-1)
			worst = rankKey(h[0])
			continue
		}
		// Most candidates score below the worst kept: one comparison
		// rejects them (it is false for NaN, which rankKey then orders).
		if c.Score < h[0].Score {
			continue
		}
		if rankKey(c) > worst {
			h[0] = c
			heapDown(h, 0)
			worst = rankKey(h[0])
		}
	}
	slices.SortFunc(h, scoredOrder)
	return h
}

// The heap keeps the worst of the k best at its root: a parent is never
// better than its children.

func heapUp(h []Scored, j int) {
	for j > 0 {
		p := (j - 1) / 2
		if !scoredAbove(h[p], h[j]) {
			return
		}
		h[p], h[j] = h[j], h[p]
		j = p
	}
}

func heapDown(h []Scored, j int) {
	n := len(h)
	for {
		c := 2*j + 1
		if c >= n {
			return
		}
		if r := c + 1; r < n && scoredAbove(h[c], h[r]) {
			c = r
		}
		if !scoredAbove(h[j], h[c]) {
			return
		}
		h[j], h[c] = h[c], h[j]
		j = c
	}
}
