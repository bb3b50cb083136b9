package eval

import (
	"slices"

	"github.com/recnet/recnet/internal/topk"
	"github.com/recnet/recnet/model"
)

// Scored is an item (inner id) with its score.
type Scored = topk.Scored[float32]

// TopK returns the k best items for user u among the items 0..items-1 that
// are not in exclude, best first: by descending s.Score(u, i), a NaN score
// last, equal scores by lower item id, so the result is deterministic (the
// order of model.Model.Recommend too). The list is shorter than k when
// fewer items are candidates, and empty when k <= 0.
//
// exclude lists item ids to skip (the items the user has already rated);
// when it is sorted ascending it is walked beside the items at no cost,
// otherwise TopK sorts a copy. Ids outside 0..items-1 are ignored.
//
// TopK keeps the k best in a heap and writes them into dst (grown if its
// capacity is below k): with a dst of capacity k and a sorted exclude it
// does not allocate. It scores every candidate once, in item order.
func TopK(dst []Scored, s model.Scorer, u int32, items int, exclude []int32, k int) []Scored {
	if !slices.IsSorted(exclude) {
		exclude = slices.Clone(exclude)
		slices.Sort(exclude)
	}
	return topk.Select(dst, items, k, topk.Sorted(exclude), func(i int32) float32 { return s.Score(u, i) })
}
