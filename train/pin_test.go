package train_test

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
	"github.com/recnet/recnet/train"
)

var updatePins = flag.Bool("update-pins", false, "rewrite testdata/kinds.golden from this build")

// pinCase is one trained configuration whose bits are pinned.
type pinCase struct {
	name  string
	cfg   func() model.Config
	dense bool // mlp or neumf: pinned where the dense kernels run Go loops
}

// pinCases train every kind recnet ships, and each optimizer, task and
// thread count of dot, for a few epochs of a small seeded table.
func pinCases() []pinCase {
	kind := func(k string, set func(*model.Config)) func() model.Config {
		return func() model.Config {
			c := model.Config{Kind: k, Training: model.Training{Epochs: 4, Seed: 7}}
			if set != nil {
				set(&c)
			}
			return c
		}
	}
	return []pinCase{
		{"dot", kind("dot", nil), false},
		{"dot-seed-preset", func() model.Config {
			c := model.Presets["seed"]
			c.Epochs = 4
			return c
		}, false},
		{"dot-adagrad", kind("dot", func(c *model.Config) { c.Optimizer = "adagrad" }), false},
		{"dot-sgd", kind("dot", func(c *model.Config) { c.Optimizer, c.LR = "sgd", 0.05 }), false},
		{"dot-threads-2", kind("dot", func(c *model.Config) { c.Threads = 2 }), false},
		{"dot-implicit", kind("dot", func(c *model.Config) { c.Task = model.TaskImplicit }), false},
		{"dot-noscale-relu", kind("dot", func(c *model.Config) { c.NoScale, c.Activation = true, model.ReLU }), false},
		{"dot-svdpp", kind("dot", func(c *model.Config) { c.SVDpp = true }), false},
		{"mlp", kind("mlp", nil), true},
		{"mlp-dropout-tanh", kind("mlp", func(c *model.Config) { c.Layers, c.Dropout = "16:tanh,8", 0.2 }), true},
		{"mlp-implicit", kind("mlp", func(c *model.Config) { c.Task = model.TaskImplicit }), true},
		{"neumf", kind("neumf", nil), true},
		{"neumf-implicit", kind("neumf", func(c *model.Config) { c.Task = model.TaskImplicit }), true},
		{"mf", kind("mf", nil), false},
		{"mf-svdpp", kind("mf", func(c *model.Config) { c.SVDpp = true }), false},
		{"nmf", kind("nmf", nil), false},
		{"mean", kind("mean", nil), false},
		{"bias", kind("bias", nil), false},
		{"autorec", kind("autorec", nil), false},
	}
}

// pin trains c on a small seeded table and returns a line of its bits:
// the test RMSE's, and a SHA-256 of every parameter, of the history,
// of a fold-in's recommendations and of a known user's.
func pin(t *testing.T, s *dataset.Split, c model.Config) string {
	t.Helper()
	m, err := train.Fit(context.Background(), s, c)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	w := func(v any) { binary.Write(h, binary.LittleEndian, v) }
	for _, p := range m.Net.Params() {
		h.Write([]byte(p.Name))
		w(int64(p.Rows))
		w(int64(p.Cols))
		w(p.Data)
	}
	for _, e := range m.History {
		w([]float64{e.Loss, e.ValLoss, e.ValRMSE})
	}
	w(int64(m.BestEpoch))
	// A learner folded in, and the recommendations of a known user.
	fold := map[string]float64{}
	for k := 0; k < 5; k++ {
		fold[m.Items.Raw(int32(k))] = float64(s.Train.Value[k])
	}
	res, err := m.FoldIn(fold, 10, 0)
	if errors.Is(err, model.ErrUnsupported) {
		h.Write([]byte(err.Error()))
	} else if err != nil {
		t.Fatal(err)
	}
	recs, err := m.Recommend(m.Users.Raw(0), 10, model.RecommendOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range append(res.Recs, recs...) {
		h.Write([]byte(r.Item))
		w(r.Score)
	}
	rmse := m.Test(s.Test).RMSE
	return fmt.Sprintf("%016x %x", math.Float64bits(rmse), h.Sum(nil)[:12])
}

// TestKindsPinned trains every kind recnet ships (and each optimizer,
// task and thread count of dot) on a small seeded table and compares the
// bits of its test RMSE, weights and history with testdata/kinds.golden,
// written by an earlier build (with -tags purego; a build with the
// assembly dense kernels checks every case but mlp and neumf): a change to the code's structure must not
// change a result. A change meant to change results rewrites the file
// with -update-pins, and says why in its commit.
func TestKindsPinned(t *testing.T) {
	d, _ := dataset.GenerateLowRank(dataset.LowRankConfig{Users: 120, Items: 50, Rank: 3, Rows: 3000, Noise: 0.3, Seed: 11})
	s, err := dataset.SplitRandom(d, dataset.Fractions{}, 42)
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "kinds.golden")
	want := map[string]string{}
	if !*updatePins {
		f, err := os.Open(golden)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			name, bits, _ := strings.Cut(sc.Text(), " ")
			want[name] = bits
		}
	}
	if *updatePins && !denseKernelsGo {
		t.Fatal("-update-pins needs -tags purego: mlp and neumf are pinned as the Go loops compute them")
	}
	var out strings.Builder
	for _, tc := range pinCases() {
		if tc.dense && !denseKernelsGo {
			t.Logf("%s: pinned by the -tags purego run (the dense kernels here use fused multiply-add)", tc.name)
			continue
		}
		got := pin(t, s, tc.cfg())
		fmt.Fprintf(&out, "%s %s\n", tc.name, got)
		if *updatePins {
			continue
		}
		if w, ok := want[tc.name]; !ok {
			t.Errorf("%s: not in %s (run with -update-pins once, before changing the code)", tc.name, golden)
		} else if got != w {
			t.Errorf("%s: bits %s, pinned %s", tc.name, got, w)
		}
	}
	if *updatePins {
		if err := os.WriteFile(golden, []byte(out.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
