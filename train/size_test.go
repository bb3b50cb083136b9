package train

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

// allocated returns the bytes f allocates.
func allocated(f func()) uint64 {
	var a, b runtime.MemStats
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

// TestBatchBuffersCappedByRows trains each batch-trained kind with the
// largest batch on a table of about a thousand rows: the batch buffers must
// be sized by the rows, not by the batch (they took hundreds of MB, and a
// fatal out-of-memory crash at dim 4096).
func TestBatchBuffersCappedByRows(t *testing.T) {
	d, _ := dataset.GenerateLowRank(dataset.LowRankConfig{Users: 60, Items: 30, Rank: 3, Rows: 1200, Noise: 0.2, Seed: 5})
	s, err := dataset.SplitRandom(d, dataset.Fractions{}, 42)
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"dot", "mlp", "neumf"} {
		t.Run(kind, func(t *testing.T) {
			cfg := model.Config{Kind: kind, Training: model.Training{Batch: model.MaxBatch, Epochs: 1, Patience: -1}, Settings: model.Settings{Dim: 16, Layers: "8"}}
			var err error
			n := allocated(func() { _, err = Fit(context.Background(), s, cfg) })
			if err != nil {
				t.Fatal(err)
			}
			if n > 32<<20 {
				t.Errorf("Fit of %d rows with batch %d allocated %d MB, want under 32 MB", s.Train.Len(), cfg.Batch, n>>20)
			}
		})
	}
}

// TestTrainFloats checks the size estimate against configurations that fit
// and ones that would exhaust the machine.
func TestTrainFloats(t *testing.T) {
	cases := []struct {
		name               string
		cfg                model.Config
		users, items, rows int
		tooLarge           bool
	}{
		{"default on builtin", model.Config{}, 1000, 50, 30000, false},
		{"dot 4096 batch max on 5000 rows", model.Config{Training: model.Training{Batch: model.MaxBatch}, Settings: model.Settings{Dim: 4096}}, 300, 40, 5000, false},
		{"dot 4096 on a million users", model.Config{Settings: model.Settings{Dim: 4096}}, 1_000_000, 100_000, 10_000_000, true},
		{"mlp 16x4096 batch max on a million rows", model.Config{
			Kind:     "mlp",
			Training: model.Training{Batch: model.MaxBatch},
			Settings: model.Settings{Dim: 4096, Layers: strings.Repeat("4096,", 15) + "4096"},
		}, 6000, 4000, 1_000_000, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := TrainFloats(c.cfg, c.users, c.items, c.rows)
			if got := n > MaxTrainFloats; got != c.tooLarge {
				t.Errorf("TrainFloats = %d (%.1f GiB): too large %v, want %v", n, float64(n)*4/(1<<30), got, c.tooLarge)
			}
		})
	}
}

// TestFitTooLarge asks Fit for a net whose batch buffers alone would take
// terabytes: it must refuse with ErrTooLarge before allocating.
func TestFitTooLarge(t *testing.T) {
	d, _ := dataset.GenerateLowRank(dataset.LowRankConfig{Users: 60, Items: 30, Rank: 3, Rows: 1200, Noise: 0.2, Seed: 5})
	s, err := dataset.SplitRandom(d, dataset.Fractions{}, 42)
	if err != nil {
		t.Fatal(err)
	}
	cfg := model.Config{
		Kind:     "mlp",
		Training: model.Training{Batch: model.MaxBatch, Task: model.TaskImplicit, Negatives: model.MaxNegatives},
		Settings: model.Settings{Dim: 4096, Layers: strings.Repeat("4096,", 15) + "4096"},
	}
	var m *model.Model
	n := allocated(func() { m, err = Fit(context.Background(), s, cfg) })
	if !errors.Is(err, ErrTooLarge) || m != nil {
		t.Fatalf("Fit = %v, %v; want ErrTooLarge", m, err)
	}
	if !strings.Contains(err.Error(), "GiB") {
		t.Errorf("error %q does not say the size", err)
	}
	if n > 1<<20 {
		t.Errorf("refusing allocated %d bytes", n)
	}
}

// TestNeedVariety refuses a table whose ratings are all equal for the
// rating task, scaled or not (it said "try a lower --lr"), and lets the
// implicit task, and any spread, through.
func TestNeedVariety(t *testing.T) {
	r := func(vs ...float32) dataset.Ratings {
		var out dataset.Ratings
		for k, v := range vs {
			out.Append(int32(k), 0, v)
		}
		return out
	}
	cases := []struct {
		name  string
		task  string
		parts []dataset.Ratings
		want  bool // refused
	}{
		{"all 4", "", []dataset.Ratings{r(4, 4, 4)}, true},
		{"all 4 across parts", model.TaskRating, []dataset.Ratings{r(4, 4), r(4), r()}, true},
		{"one differs in the test part", "", []dataset.Ratings{r(4, 4), r(4), r(5)}, false},
		{"implicit", model.TaskImplicit, []dataset.Ratings{r(1, 1, 1)}, false},
		{"empty", "", nil, false},
	}
	for _, c := range cases {
		err := NeedVariety("r.csv", c.task, c.parts...)
		if got := errors.Is(err, ErrConstant); got != c.want {
			t.Errorf("%s: %v, want refused %v", c.name, err, c.want)
		}
		if c.want && !strings.Contains(err.Error(), "are 4") {
			t.Errorf("%s: %v does not say the rating", c.name, err)
		}
	}
	d := dataset.Builtin()
	s, err := dataset.SplitRandom(d, dataset.Fractions{}, 42)
	if err != nil {
		t.Fatal(err)
	}
	s.Train.Value = make([]float32, s.Train.Len()) // a copy: Builtin's rows may be shared
	for k := range s.Train.Value {
		s.Train.Value[k] = 3
	}
	for _, noScale := range []bool{false, true} {
		if _, err := Fit(context.Background(), s, model.Config{Training: model.Training{NoScale: noScale, Epochs: 1}}); !errors.Is(err, ErrConstant) {
			t.Errorf("Fit on constant ratings, no scale %v: %v, want ErrConstant", noScale, err)
		}
	}
}

// TestEpochLen checks the rows of an implicit epoch: the training rows with
// their sampled negatives for a kind that samples them, the training rows
// alone for ials and ease, which weigh every cell instead.
func TestEpochLen(t *testing.T) {
	var r dataset.Ratings
	for k := range 10 {
		r.Append(int32(k%3), int32(k), 1)
	}
	s := &dataset.Split{Train: r}
	for _, c := range []struct {
		kind string
		want int
	}{{"dot", 10 * (1 + 3)}, {"mlp", 10 * (1 + 3)}, {"ials", 10}, {"ease", 10}} {
		cfg := model.Config{Kind: c.kind, Training: model.Training{Task: model.TaskImplicit, Negatives: 3}}.WithDefaults()
		if got := epochLen(s, cfg); got != c.want {
			t.Errorf("%s: epochLen %d, want %d", c.kind, got, c.want)
		}
	}
}
