package train_test

import (
	"context"
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
	"github.com/recnet/recnet/train"
)

// BenchmarkRatedEpoch trains dot (its default preset) and mf (its
// defaults), each without and with the svdpp setting, for five epochs on
// the built-in data and, when present, ml-latest-small (mlsRatings), and
// reports the mean time of an epoch (Model.History, validation excluded)
// as ms/epoch. The sub-benchmarks of a data set alternate under -count,
// so that their ratios are measured in one run.
func BenchmarkRatedEpoch(b *testing.B) {
	b.Run("builtin", func(b *testing.B) { benchRated(b, dataset.Builtin()) })
	b.Run("ml-latest-small", func(b *testing.B) {
		d, err := dataset.Load(context.Background(), mlsRatings(b), dataset.Options{})
		if err != nil {
			b.Fatal(err)
		}
		benchRated(b, d)
	})
}

// benchRated is BenchmarkRatedEpoch on d.
func benchRated(b *testing.B, d *dataset.Dataset) {
	s, err := dataset.SplitRandom(d, dataset.Fractions{}, 42)
	if err != nil {
		b.Fatal(err)
	}
	for _, kind := range []string{"dot", "mf"} {
		for _, svdpp := range []bool{false, true} {
			name := kind
			if svdpp {
				name += "-svdpp"
			}
			b.Run(name, func(b *testing.B) {
				cfg := model.Config{Kind: kind, Training: model.Training{Epochs: 5, Patience: -1}, Settings: model.Settings{SVDpp: svdpp}}
				var sec float64
				var epochs int
				for range b.N {
					m, err := train.Fit(context.Background(), s, cfg)
					if err != nil {
						b.Fatal(err)
					}
					for _, e := range m.History {
						sec += e.Seconds
						epochs++
					}
				}
				b.ReportMetric(1000*sec/float64(epochs), "ms/epoch")
			})
		}
	}
}
