package model

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestTopItemsMatchesSort checks topItems against sorting every candidate
// (a higher score first, NaN last, ties by lower id) on scores with many
// ties and NaNs, for k below, at and above the number of candidates.
func TestTopItemsMatchesSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	byRank := func(a, b ranked) int {
		an, bn := math.IsNaN(a.score), math.IsNaN(b.score)
		switch {
		case an != bn && an:
			return 1
		case an != bn:
			return -1
		case !an && a.score != b.score && a.score > b.score:
			return -1
		case !an && a.score != b.score:
			return 1
		}
		return int(a.item - b.item)
	}
	for trial := range 500 {
		items := rng.IntN(40)
		scores := make([]float64, items)
		skipped := make([]bool, items)
		for i := range scores {
			switch rng.IntN(8) {
			case 0:
				scores[i] = math.NaN()
			case 1:
				scores[i] = math.Inf(rng.IntN(2)*2 - 1)
			default:
				scores[i] = float64(rng.IntN(6)) // ties
			}
			skipped[i] = rng.IntN(5) == 0
		}
		var want []ranked
		for i, s := range scores {
			if !skipped[i] {
				want = append(want, ranked{int32(i), s})
			}
		}
		slices.SortFunc(want, byRank)
		k := 1 + rng.IntN(12)
		want = want[:min(k, len(want))]
		got := topItems(items, k, func(i int32) bool { return skipped[i] }, func(i int32) float64 { return scores[i] })
		same := len(got) == len(want)
		for j := 0; same && j < len(got); j++ {
			same = got[j].item == want[j].item
		}
		if !same {
			t.Fatalf("trial %d, k %d, scores %v: got %v, want %v", trial, k, scores, got, want)
		}
	}
}
