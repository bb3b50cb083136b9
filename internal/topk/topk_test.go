package topk_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/recnet/recnet/internal/topk"
)

// rankKey is the order eval's TopK had before this package: a number that
// orders as the ranking does, a NaN below every number, equal scores (0
// and -0 included) by lower item id.
func rankKey(s topk.Scored[float32]) uint64 {
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

// byRank is the order model's topItems had before this package, written
// as a sort: a higher score first, NaN last, equal scores by lower id.
func byRank[F topk.Float](a, b topk.Scored[F]) int {
	an, bn := a.Score != a.Score, b.Score != b.Score
	switch {
	case an != bn && an:
		return 1
	case an != bn:
		return -1
	case !an && a.Score > b.Score:
		return -1
	case !an && a.Score < b.Score:
		return 1
	}
	return int(a.Item - b.Item)
}

// score draws a score with many ties, zeros of both signs, infinities and
// NaNs.
func score(rng *rand.Rand) float64 {
	switch rng.IntN(10) {
	case 0:
		return math.NaN()
	case 1:
		return math.Inf(rng.IntN(2)*2 - 1)
	case 2:
		return math.Copysign(0, -1)
	case 3:
		return rng.NormFloat64()
	}
	return float64(rng.IntN(6) - 2)
}

// TestAboveMatchesRankKey checks that Above is the order eval's TopK
// ranked by, on every pair of a set of tricky scores.
func TestAboveMatchesRankKey(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var xs []topk.Scored[float32]
	for i := range int32(300) {
		xs = append(xs, topk.Scored[float32]{Item: i % 7, Score: float32(score(rng))})
	}
	for _, a := range xs {
		for _, b := range xs {
			if got, want := topk.Above(a, b), rankKey(a) > rankKey(b); got != want {
				t.Fatalf("Above(%v, %v) = %v, rankKey says %v", a, b, got, want)
			}
		}
	}
}

// TestSelectMatchesSort checks Select against sorting every candidate, for
// both score types, with skipped items, for k below, at and above the
// number of candidates, and that it scores each candidate once in order.
func TestSelectMatchesSort(t *testing.T) {
	t.Run("float32", func(t *testing.T) { selectMatchesSort[float32](t) })
	t.Run("float64", func(t *testing.T) { selectMatchesSort[float64](t) })
}

func selectMatchesSort[F topk.Float](t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := range 1000 {
		n := rng.IntN(50)
		scores := make([]F, n)
		skipped := make([]bool, n)
		var want []topk.Scored[F]
		for i := range scores {
			scores[i] = F(score(rng))
			skipped[i] = rng.IntN(5) == 0
			if !skipped[i] {
				want = append(want, topk.Scored[F]{Item: int32(i), Score: scores[i]})
			}
		}
		slices.SortFunc(want, byRank)
		k := rng.IntN(15) - 1
		want = want[:max(0, min(k, len(want)))]
		var order []int32
		got := topk.Select(nil, n, k, func(i int32) bool { return skipped[i] },
			func(i int32) F { order = append(order, i); return scores[i] })
		if !sameItems(got, want) {
			t.Fatalf("trial %d, k %d, scores %v: got %v, want %v", trial, k, scores, got, want)
		}
		if k > 0 {
			var cands []int32
			for i := range int32(n) {
				if !skipped[i] {
					cands = append(cands, i)
				}
			}
			if !slices.Equal(order, cands) {
				t.Fatalf("trial %d: scored %v, want each candidate once in order %v", trial, order, cands)
			}
		}
	}
}

// sameItems reports whether a and b list the same items in the same order
// (their scores follow; a NaN would make slices.Equal fail).
func sameItems[F topk.Float](a, b []topk.Scored[F]) bool {
	return slices.EqualFunc(a, b, func(x, y topk.Scored[F]) bool { return x.Item == y.Item })
}

func TestSelectEdges(t *testing.T) {
	desc := func(i int32) float64 { return -float64(i) }
	cases := []struct {
		name string
		n, k int
		skip func(int32) bool
		want []int32
	}{
		{"k zero", 5, 0, nil, nil},
		{"k negative", 5, -1, nil, nil},
		{"no items", 0, 3, nil, nil},
		{"k above n", 3, 10, nil, []int32{0, 1, 2}},
		{"all skipped", 4, 2, func(int32) bool { return true }, nil},
		{"sorted exclude", 6, 3, topk.Sorted([]int32{-2, 0, 2, 9}), []int32{1, 3, 4}},
	}
	for _, c := range cases {
		var ids []int32
		for _, s := range topk.Select(nil, c.n, c.k, c.skip, desc) {
			ids = append(ids, s.Item)
		}
		if !slices.Equal(ids, c.want) {
			t.Errorf("%s: %v, want %v", c.name, ids, c.want)
		}
	}
}

func TestSelectNoAllocs(t *testing.T) {
	dst := make([]topk.Scored[float32], 0, 10)
	exclude := []int32{3, 7, 50}
	scores := make([]float32, 126)
	for i := range scores {
		scores[i] = float32(i % 17)
	}
	if n := testing.AllocsPerRun(100, func() {
		dst = topk.Select(dst, len(scores), 10, topk.Sorted(exclude), func(i int32) float32 { return scores[i] })
	}); n != 0 {
		t.Errorf("Select allocates %v times per call", n)
	}
}

// The three best of five items, one left out: equal scores go by lower id
// and a NaN comes last.
func ExampleSelect() {
	scores := []float64{0.5, 0.9, math.NaN(), 0.9, 0.7}
	top := topk.Select(nil, len(scores), 4,
		func(i int32) bool { return i == 4 },
		func(i int32) float64 { return scores[i] })
	for _, s := range top {
		fmt.Println(s.Item, s.Score)
	}
	// Output:
	// 1 0.9
	// 3 0.9
	// 0 0.5
	// 2 NaN
}
