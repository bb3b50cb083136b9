package train

import (
	"slices"
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

// BenchmarkEpochSortedUsers runs the seed preset's epoch over the same rows
// sorted by user, so that user rows are read in order and rarely miss the
// cache: set beside BenchmarkEpochSeed it shows how much of an epoch is
// waiting for memory.
func BenchmarkEpochSortedUsers(b *testing.B) {
	s, err := dataset.SplitRandom(dataset.Builtin(), dataset.Fractions{}, 42)
	if err != nil {
		b.Fatal(err)
	}
	cfg, _ := model.Preset("seed")
	k := newDotKernel(model.NewDot(s.Users.Len(), s.Items.Len(), cfg), cfg)
	m := &model.Model{Config: cfg, Min: s.Min, Max: s.Max}
	t := m.ScaleRatings(s.Train)
	idx := make([]int, s.Train.Len())
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, c int) int { return int(s.Train.User[a] - s.Train.User[c]) })
	r := s.Train.Subset(idx)
	ts := make([]float32, len(idx))
	for j, i := range idx {
		ts[j] = t[i]
	}
	b.ResetTimer()
	for range b.N {
		k.epoch(r.User, r.Item, ts, cfg.Batch, nil)
	}
}
