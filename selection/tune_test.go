package selection_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
	"github.com/recnet/recnet/selection"
)

// tuneSplit is a small known-answer table split 0.8/0.1/0.1.
func tuneSplit(t *testing.T) *dataset.Split {
	t.Helper()
	d, _ := dataset.GenerateLowRank(dataset.LowRankConfig{Users: 200, Items: 60, Rows: 6000, Noise: 0.3, Seed: 9})
	s, err := dataset.SplitRandom(d, dataset.Fractions{}, 42)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// quickSpace is dot's space with at most 10 epochs, to keep tests fast.
func quickSpace(t *testing.T) selection.Space {
	t.Helper()
	sp, err := selection.DefaultSpace("dot")
	if err != nil {
		t.Fatal(err)
	}
	sp.Base.Epochs = 10
	return sp
}

func tune(t *testing.T, ctx context.Context, s *dataset.Split, sp selection.Space, opts ...selection.Option) selection.TuneResult {
	t.Helper()
	r, err := selection.Tune(ctx, s, sp, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestSample checks that the sequence of configurations depends only on
// the seed (a shorter sample is a prefix of a longer one) and that every
// drawn value lies in its documented set or range.
func TestSample(t *testing.T) {
	sp := quickSpace(t)
	a, _ := sp.Sample(7, 30)
	b, _ := sp.Sample(7, 30)
	c, _ := sp.Sample(7, 10)
	d, _ := sp.Sample(8, 10)
	if !slices.Equal(a, b) || !slices.Equal(a[:10], c) {
		t.Error("the same seed drew other configurations")
	}
	if slices.Equal(a[:10], d) {
		t.Error("seeds 7 and 8 drew the same configurations")
	}
	in := func(x, lo, hi float64) bool { return x >= lo && x <= hi }
	for k, cfg := range a {
		ok := slices.Contains([]int{8, 16, 32, 64, 128}, cfg.Dim) &&
			in(cfg.LR, 3e-4, 1e-2) && in(cfg.L2, 1e-6, 1e-3) && in(cfg.BiasL2, 1e-7, 1e-4) &&
			slices.Contains([]int{64, 128, 256, 512}, cfg.Batch) &&
			slices.Contains([]model.Activation{model.Linear, model.ReLU, model.Sigmoid}, cfg.Activation) &&
			cfg.Epochs == 10 && cfg.Patience == 3 && cfg.Init == "normal"
		if !ok {
			t.Errorf("config %d out of the space: %s", k, sp.Describe(cfg))
		}
		// The printed settings are the trained ones.
		if lr, _ := strconv.ParseFloat(strings.Fields(sp.Describe(cfg))[1][len("lr="):], 64); lr != cfg.LR {
			t.Errorf("config %d: described lr %g, trained %g", k, lr, cfg.LR)
		}
	}
}

// TestGrid checks that each kind's grid is exactly the documented one.
func TestGrid(t *testing.T) {
	cases := []struct {
		kind string
		grid [][]string // the documented values, by range
		get  func(model.Config) []string
	}{
		{"dot", [][]string{{"16", "32", "64"}, {"0.001", "0.003"}, {"1e-05", "0.0001"}},
			func(c model.Config) []string { return []string{fmt.Sprint(c.Dim), fmt.Sprint(c.LR), fmt.Sprint(c.L2)} }},
		{"mf", [][]string{{"50", "100"}, {"0.01", "0.02"}, {"0.002", "0.005", "0.02"}},
			func(c model.Config) []string { return []string{fmt.Sprint(c.Dim), fmt.Sprint(c.LR), fmt.Sprint(c.L2)} }},
		{"nmf", [][]string{{"15", "30"}, {"0.03", "0.06", "0.12"}},
			func(c model.Config) []string { return []string{fmt.Sprint(c.Dim), fmt.Sprint(c.L2)} }},
	}
	for _, c := range cases {
		t.Run(c.kind, func(t *testing.T) {
			if _, ok := model.Defaults(c.kind); !ok {
				t.Skipf("model %s is not registered", c.kind)
			}
			sp, err := selection.DefaultSpace(c.kind)
			if err != nil {
				t.Fatal(err)
			}
			cfgs, err := sp.Grid()
			if err != nil {
				t.Fatal(err)
			}
			want := [][]string{{}}
			for _, values := range c.grid {
				var next [][]string
				for _, w := range want {
					for _, v := range values {
						next = append(next, append(slices.Clone(w), v))
					}
				}
				want = next
			}
			if len(cfgs) != len(want) {
				t.Fatalf("grid of %d configurations, want %d", len(cfgs), len(want))
			}
			for k, cfg := range cfgs {
				if got := c.get(cfg); !slices.Equal(got, want[k]) {
					t.Errorf("grid[%d] = %v, want %v", k, got, want[k])
				}
				// Everything else is the base configuration.
				base := sp.Base
				base.Dim, base.LR, base.L2 = cfg.Dim, cfg.LR, cfg.L2
				if cfg != base {
					t.Errorf("grid[%d] changes settings outside the grid: %+v", k, cfg)
				}
			}
		})
	}
}

func TestDefaultSpaceErrors(t *testing.T) {
	for _, kind := range []string{"mean", "bias", "nope"} {
		if _, err := selection.DefaultSpace(kind); err == nil || !strings.Contains(err.Error(), kind) {
			t.Errorf("DefaultSpace(%q): %v, want an error naming it", kind, err)
		}
	}
	bad := []selection.Space{
		{Base: model.Presets["default"]},
		{Base: model.Presets["default"], Ranges: []model.Range{{Name: "colour", Values: []string{"red"}}}},
		{Base: model.Presets["default"], Ranges: []model.Range{{Name: "lr", Lo: 0, Hi: 1, Log: true}}},
		{Base: model.Presets["default"], Ranges: []model.Range{{Name: "dim", Lo: 5.2, Hi: 5.8, Int: true}}},
		{Base: model.Presets["default"], Ranges: []model.Range{{Name: "dim", Values: []string{"ten"}}}},
	}
	for k, sp := range bad {
		if _, err := sp.Sample(1, 3); err == nil {
			t.Errorf("space %d: Sample gave no error", k)
		}
	}
}

// TestTuneReproducible runs the same search twice, with one and with two
// workers: the trials (configurations and scores) and the best must agree.
func TestTuneReproducible(t *testing.T) {
	s, sp := tuneSplit(t), quickSpace(t)
	a := tune(t, context.Background(), s, sp, selection.WithTrials(4), selection.WithSeed(3), selection.WithWorkers(1))
	b := tune(t, context.Background(), s, sp, selection.WithTrials(4), selection.WithSeed(3), selection.WithWorkers(2))
	want, _ := sp.Sample(3, 4)
	if len(a.Trials) != 4 || len(b.Trials) != 4 || a.Stopped || b.Stopped {
		t.Fatalf("%d and %d trials (stopped %v, %v), want 4", len(a.Trials), len(b.Trials), a.Stopped, b.Stopped)
	}
	for k := range a.Trials {
		ta, tb := a.Trials[k], b.Trials[k]
		if ta.Index != k || ta.Config != want[k] || tb.Config != want[k] {
			t.Errorf("trial %d: index %d, configs %s / %s, want %s", k, ta.Index, sp.Describe(ta.Config), sp.Describe(tb.Config), sp.Describe(want[k]))
		}
		if ta.Score != tb.Score || !slices.Equal(ta.BestEpochs, tb.BestEpochs) {
			t.Errorf("trial %d: scores %v / %v", k, ta.Score, tb.Score)
		}
	}
	if a.Best.Index != b.Best.Index || a.Test.Model != b.Test.Model {
		t.Errorf("best trial %d / %d, test %+v / %+v", a.Best.Index, b.Best.Index, a.Test.Model, b.Test.Model)
	}
	// The best trial has the lowest score.
	for _, r := range []selection.TuneResult{a, b} {
		low := math.Inf(1)
		for _, tr := range r.Trials {
			low = min(low, tr.Score)
		}
		if r.Best.Score != low {
			t.Errorf("best score %v, the trials' minimum is %v", r.Best.Score, low)
		}
	}
	// Refitting the best configuration gives the best trial's validation
	// score: trials are deterministic.
	if got := a.Model.Test(s.Valid).RMSE; got != a.Best.Score {
		t.Errorf("refitted best scores %v on validation, its trial %v", got, a.Best.Score)
	}
}

// TestTuneStopped cancels the search (an interruption) once the first
// trial has finished: it must return the trials counted, a prefix of the
// sequence, and their best, but no refitted model, with an error wrapping
// context.Canceled, so that nothing is saved. With no finished trial it is
// an error wrapping ctx's too.
func TestTuneStopped(t *testing.T) {
	s, sp := tuneSplit(t), quickSpace(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r, err := selection.Tune(ctx, s, sp, selection.WithTrials(20), selection.WithWorkers(2),
		selection.WithTuneProgress(func(p selection.TuneProgress) {
			if p.Trial.Index == 0 { // once the first trial of the sequence has finished
				cancel()
			}
		}))
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "interrupted") {
		t.Errorf("interrupted search: error %v, want one saying interrupted, wrapping context.Canceled", err)
	}
	if !r.Stopped || len(r.Trials) == 0 || len(r.Trials) >= 20 || r.Model != nil {
		t.Fatalf("stopped %v with %d trials (model %v), want a stopped search with 1..19 and no model", r.Stopped, len(r.Trials), r.Model != nil)
	}
	t.Logf("%d trials counted, %d cancelled, %d dropped", len(r.Trials), r.Cancelled, r.Dropped)
	for k, tr := range r.Trials {
		if tr.Index != k {
			t.Errorf("counted trial %d has index %d: not a prefix", k, tr.Index)
		}
		if tr.Score < r.Best.Score {
			t.Errorf("trial %d scores %v, below the best %v", k, tr.Score, r.Best.Score)
		}
	}
	if r.Test.Model.N != 0 {
		t.Errorf("tested on %d rows, want no refit and no test", r.Test.Model.N)
	}

	_, err = selection.Tune(context.Background(), s, sp, selection.WithTrials(4), selection.WithBudget(time.Nanosecond))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a budget no trial can finish in: %v, want an error wrapping context.DeadlineExceeded", err)
	}
	done, stop := context.WithCancel(context.Background())
	stop()
	if _, err := selection.Tune(done, s, sp, selection.WithTrials(4)); !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled context: %v, want an error wrapping context.Canceled", err)
	}
}

// TestTuneHeldOut checks that the test score comes from rows the search
// never saw: the parts are disjoint, and with every test rating NaN the
// trials still score finite numbers, in both scoring modes, while the
// test score, taken on those rows, is NaN.
func TestTuneHeldOut(t *testing.T) {
	s, sp := tuneSplit(t), quickSpace(t)
	type pair [2]int32
	pairs := func(r dataset.Ratings) map[pair]bool {
		m := map[pair]bool{}
		for k := range r.Len() {
			m[pair{r.User[k], r.Item[k]}] = true
		}
		return m
	}
	test := pairs(s.Test)
	for p := range pairs(s.Train) {
		if test[p] {
			t.Fatalf("pair %v is in both the training and the test part", p)
		}
	}
	for p := range pairs(s.Valid) {
		if test[p] {
			t.Fatalf("pair %v is in both the validation and the test part", p)
		}
	}
	poisoned := *s
	poisoned.Test.Value = slices.Clone(s.Test.Value)
	for k := range poisoned.Test.Value {
		poisoned.Test.Value[k] = float32(math.NaN())
	}
	for _, opts := range [][]selection.Option{{selection.WithTrials(2)}, {selection.WithTrials(2), selection.WithFolds(3)}} {
		r := tune(t, context.Background(), &poisoned, sp, opts...)
		for _, tr := range r.Trials {
			if math.IsNaN(tr.Score) || math.IsInf(tr.Score, 0) {
				t.Errorf("%s scoring: trial %d scored %v: the search read test rows", r.Scoring, tr.Index, tr.Score)
			}
			if r.Scoring == "3-fold" && len(tr.FoldScores) != 3 {
				t.Errorf("%s scoring: %d fold scores", r.Scoring, len(tr.FoldScores))
			}
		}
		if r.Test.Model.N != s.Test.Len() || !math.IsNaN(r.Test.Model.RMSE) {
			t.Errorf("%s scoring: test on %d rows, RMSE %v; want %d rows and NaN", r.Scoring, r.Test.Model.N, r.Test.Model.RMSE, s.Test.Len())
		}
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatalf("JSON of a result with a NaN test score: %v", err)
		}
		var v map[string]any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatal(err)
		}
		for _, key := range []string{"kind", "search", "scoring", "seed", "workers", "planned", "trials", "best", "test", "stopped", "cancelled", "dropped", "search_seconds", "final_seconds"} {
			if _, ok := v[key]; !ok {
				t.Errorf("JSON lacks %s", key)
			}
		}
		// The kind is "kind", as in the config; "model" would name a file.
		if v["kind"] != r.Kind || v["model"] != nil {
			t.Errorf(`JSON "kind" %v, "model" %v; want kind %q and no "model"`, v["kind"], v["model"], r.Kind)
		}
	}
}

// TestTuneGrid runs the first three configurations of dot's grid, in grid
// order.
func TestTuneGrid(t *testing.T) {
	s, sp := tuneSplit(t), quickSpace(t)
	r := tune(t, context.Background(), s, sp, selection.WithGrid(), selection.WithTrials(3))
	grid, _ := sp.Grid()
	if r.Search != "grid" || r.Planned != 3 || len(r.Trials) != 3 {
		t.Fatalf("search %s, %d planned, %d trials", r.Search, r.Planned, len(r.Trials))
	}
	for k, tr := range r.Trials {
		if tr.Config != grid[k] {
			t.Errorf("trial %d: %s, want %s", k, sp.Describe(tr.Config), sp.Describe(grid[k]))
		}
	}
}

// Tune dot's learning rate and L2 penalty on a generated table by a
// four-trial random search, then test the best on rows the search never
// saw.
func ExampleTune() {
	d, _ := dataset.GenerateLowRank(dataset.LowRankConfig{Users: 200, Items: 60, Rows: 6000, Noise: 0.3, Seed: 1})
	s, err := dataset.SplitRandom(d, dataset.Fractions{}, 42)
	if err != nil {
		panic(err)
	}
	space := selection.Space{
		Base: model.Config{Kind: "dot", Training: model.Training{Epochs: 30, Patience: 3}, Settings: model.Settings{Dim: 8}},
		Ranges: []model.Range{
			{Name: "lr", Lo: 1e-3, Hi: 1e-2, Log: true},
			{Name: "l2", Values: []string{"1e-6", "1e-5"}},
		},
	}
	r, err := selection.Tune(context.Background(), s, space, selection.WithTrials(4), selection.WithSeed(1))
	if err != nil {
		panic(err)
	}
	for _, t := range r.Trials {
		fmt.Printf("trial %d: %s\n", t.Index+1, space.Describe(t.Config))
	}
	fmt.Println("best is trial", r.Best.Index+1)
	fmt.Println("beats the bias baseline on unseen rows:", r.Test.BeatsBias())
	// Output:
	// trial 1: lr=0.00135 l2=1e-06
	// trial 2: lr=0.00418 l2=1e-05
	// trial 3: lr=0.00236 l2=1e-05
	// trial 4: lr=0.00163 l2=1e-06
	// best is trial 2
	// beats the bias baseline on unseen rows: true
}

// TestTunedKnownAnswer tunes dot and mf on data with known rank-4 factors
// and Gaussian noise: the tuned model's test RMSE, on rows the search never
// saw, must come within 20% of the noise floor and beat the bias baseline,
// and bias must beat mean.
func TestTunedKnownAnswer(t *testing.T) {
	if testing.Short() {
		t.Skip("runs two searches")
	}
	d, truth := dataset.GenerateLowRank(dataset.LowRankConfig{Users: 400, Items: 120, Rank: 4, Rows: 24000, Noise: 0.25, Seed: 3})
	s, err := dataset.SplitRandom(d, dataset.Fractions{}, 42)
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"dot", "mf"} {
		space, err := selection.DefaultSpace(kind)
		if err != nil {
			t.Fatal(err)
		}
		r, err := selection.Tune(context.Background(), s, space, selection.WithTrials(6), selection.WithSeed(1))
		if err != nil {
			t.Fatal(err)
		}
		c := r.Test
		t.Logf("%s: tuned test RMSE %.4f, noise floor %.4f, bias %.4f, mean %.4f", kind, c.Model.RMSE, truth.Noise, c.Bias.RMSE, c.GlobalMean.RMSE)
		if c.Model.RMSE > 1.2*truth.Noise || c.Model.RMSE >= c.Bias.RMSE || c.Bias.RMSE >= c.GlobalMean.RMSE {
			t.Errorf("%s: tuned %.4f (floor %.4f, margin 20%%), bias %.4f, mean %.4f", kind, c.Model.RMSE, truth.Noise, c.Bias.RMSE, c.GlobalMean.RMSE)
		}
	}
}
