package train

import (
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

// benchEpoch runs epochs of the dot kernel on the built-in data's training
// part (about 186,000 rows, 33,901 users, 126 items: the lab's shape).
func benchEpoch(b *testing.B, preset string, dim int) {
	d := dataset.Builtin()
	s, err := dataset.SplitRandom(d, dataset.Fractions{}, 42)
	if err != nil {
		b.Fatal(err)
	}
	cfg, _ := model.Preset(preset)
	if dim > 0 {
		cfg.Dim = dim
	}
	net := model.NewDot(s.Users.Len(), s.Items.Len(), cfg)
	k := newDotKernel(net, cfg)
	m := &model.Model{Config: cfg, Min: s.Min, Max: s.Max}
	t := m.ScaleRatings(s.Train)
	us, is := s.Train.User, s.Train.Item
	b.ResetTimer()
	for range b.N {
		k.epoch(us, is, t, cfg.Batch, nil)
	}
	b.ReportMetric(float64(len(us))*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkEpochSeed is one epoch of the lab's preset (dim 16, batch 256).
func BenchmarkEpochSeed(b *testing.B) { benchEpoch(b, "seed", 0) }

// BenchmarkEpochDefault is one epoch of recnet's default preset.
func BenchmarkEpochDefault(b *testing.B) { benchEpoch(b, "default", 0) }
