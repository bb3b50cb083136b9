package train

import (
	"slices"
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

// BenchmarkEpochAutoRec is one epoch of autorec's defaults on
// ml-latest-small's 80% training part (skipped when the file is absent),
// on one goroutine.
func BenchmarkEpochAutoRec(b *testing.B) {
	s, err := dataset.SplitRandom(mlsData(b), dataset.Fractions{}, 42)
	if err != nil {
		b.Fatal(err)
	}
	cfg := model.Config{Kind: autorecKind}.WithDefaults()
	m := &model.Model{Config: cfg, Min: s.Min, Max: s.Max}
	t := newAutoRecTrainer(s, m, 1)
	order := slices.Clone(t.rated)
	b.ResetTimer()
	for range b.N {
		t.epoch(order, cfg.Batch, nil)
	}
	b.ReportMetric(float64(len(t.r.user)*b.N)/b.Elapsed().Seconds(), "ratings/s")
}
