package train

import (
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

// benchNN runs epochs of the nn kernel on the built-in data's training part
// (the lab's shape) with dim 16 and the given layers, as the PyTorch
// comparison in the README does.
func benchNN(b *testing.B, kind, layers string, task string) {
	d := dataset.Builtin()
	s, err := dataset.SplitRandom(d, dataset.Fractions{}, 42)
	if err != nil {
		b.Fatal(err)
	}
	cfg := model.Config{Kind: kind, Training: model.Training{Task: task}, Settings: model.Settings{Dim: 16, Layers: layers}}.WithDefaults()
	m := &model.Model{Config: cfg, Users: s.Users, Items: s.Items, Min: s.Min, Max: s.Max}
	var net model.DeepNet = model.NewMLP(s.Users.Len(), s.Items.Len(), cfg)
	if kind == "neumf" {
		net = model.NewNeuMF(s.Users.Len(), s.Items.Len(), cfg)
	}
	k := newNNKernel(net, cfg)
	rows := newEpochRows(s, m)
	rng := newShuffleRNG(cfg)
	b.ResetTimer()
	n := 0
	for range b.N {
		us, is, ts := rows.next(rng)
		k.epoch(us, is, ts, cfg.Batch, nil)
		n += len(us)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkEpochMLP is one epoch of mlp with layers 64,32,16.
func BenchmarkEpochMLP(b *testing.B) { benchNN(b, "mlp", "64,32,16", "") }

// BenchmarkEpochNeuMF is one epoch of neumf with layers 64,32,16.
func BenchmarkEpochNeuMF(b *testing.B) { benchNN(b, "neumf", "64,32,16", "") }

// BenchmarkEpochMLPImplicit is one epoch of the implicit task (five times
// the rows: four sampled negatives per positive).
func BenchmarkEpochMLPImplicit(b *testing.B) { benchNN(b, "mlp", "64,32,16", model.TaskImplicit) }
