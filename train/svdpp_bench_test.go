package train_test

import (
	"context"
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
	"github.com/recnet/recnet/train"
)

// BenchmarkRatedEpoch trains dot (its default preset) and mf (its
// defaults) for five epochs on the built-in data and, when present,
// ml-latest-small (mlsRatings), without and with the svdpp setting in
// turn, and reports the mean time of an epoch of each (Model.History,
// validation excluded) and their ratio: alternating the two keeps a
// loaded machine's drift out of the ratio.
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
		b.Run(kind, func(b *testing.B) {
			var sec [2]float64
			for range b.N {
				for k, svdpp := range []bool{false, true} {
					cfg := model.Config{Kind: kind, Training: model.Training{Epochs: 5, Patience: -1}, Settings: model.Settings{SVDpp: svdpp}}
					m, err := train.Fit(context.Background(), s, cfg)
					if err != nil {
						b.Fatal(err)
					}
					for _, e := range m.History {
						sec[k] += e.Seconds / float64(len(m.History)*b.N)
					}
				}
			}
			b.ReportMetric(1000*sec[0], "ms/epoch")
			b.ReportMetric(1000*sec[1], "svdpp-ms/epoch")
			b.ReportMetric(sec[1]/sec[0], "ratio")
		})
	}
}
