package train

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

func lowRankSplit(t testing.TB, noise float64) (*dataset.Split, *dataset.LowRankTruth) {
	t.Helper()
	d, truth := dataset.GenerateLowRank(dataset.LowRankConfig{Users: 400, Items: 120, Rank: 4, Rows: 24000, Noise: noise, Seed: 3})
	s, err := dataset.SplitRandom(d, dataset.Fractions{}, 42)
	if err != nil {
		t.Fatal(err)
	}
	return s, truth
}

// TestKnownAnswer trains on data with known rank-4 factors and Gaussian
// noise, with each optimizer of dot on one and two threads: the test RMSE
// must come within 15% of the noise floor (the noise's standard deviation,
// the best any model can do) and beat the bias baseline.
func TestKnownAnswer(t *testing.T) {
	s, truth := lowRankSplit(t, 0.25)
	for _, tc := range []struct {
		opt     string
		lr      float64
		threads int
	}{
		{"adam", 0, 1},
		{"adagrad", model.AdaGradLR, 1},
		{"adagrad", model.AdaGradLR, 2},
	} {
		cfg := model.Config{Training: model.Training{Epochs: 100, Patience: 5, Optimizer: tc.opt, LR: tc.lr, Threads: tc.threads}, Settings: model.Settings{Dim: 8, L2: 1e-5}}
		m, err := Fit(context.Background(), s, cfg)
		if err != nil {
			t.Fatal(err)
		}
		got := m.Test(s.Test).RMSE
		_, bias := model.Baselines(m, s)
		b := bias.Test(s.Test).RMSE
		t.Logf("%s, %d threads: test RMSE %.4f, noise floor %.4f, bias baseline %.4f, best epoch %d", tc.opt, tc.threads, got, truth.Noise, b, m.BestEpoch)
		if got > 1.15*truth.Noise {
			t.Errorf("%s, %d threads: test RMSE %.4f is not within 15%% of the noise floor %.4f", tc.opt, tc.threads, got, truth.Noise)
		}
		if got >= b {
			t.Errorf("%s, %d threads: test RMSE %.4f does not beat the bias baseline %.4f", tc.opt, tc.threads, got, b)
		}
	}
}

// TestSeedPresetReproducible trains the lab's preset twice from one seed:
// every weight must agree to the bit. Another seed must differ.
func TestSeedPresetReproducible(t *testing.T) {
	s, _ := lowRankSplit(t, 0.25)
	cfg, err := model.Preset("seed")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Epochs = 3
	fit := func(c model.Config) *model.Model {
		m, err := Fit(context.Background(), s, c)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	a, b := fit(cfg), fit(cfg)
	for p, pa := range a.Net.Params() {
		pb := b.Net.Params()[p]
		for j := range pa.Data {
			if math.Float32bits(pa.Data[j]) != math.Float32bits(pb.Data[j]) {
				t.Fatalf("%s[%d]: %v then %v from the same seed", pa.Name, j, pa.Data[j], pb.Data[j])
			}
		}
	}
	for e := range a.History {
		if a.History[e].Loss != b.History[e].Loss || a.History[e].ValRMSE != b.History[e].ValRMSE {
			t.Errorf("epoch %d: loss %v, val RMSE %v then %v, %v", e+1, a.History[e].Loss, a.History[e].ValRMSE, b.History[e].Loss, b.History[e].ValRMSE)
		}
	}
	cfg.Seed = 43
	c := fit(cfg)
	if slices.Equal(a.Net.Params()[0].Data, c.Net.Params()[0].Data) {
		t.Error("seeds 42 and 43 gave the same user embeddings")
	}
}

// TestBestEpochRestored checks that early stopping keeps the tables of the
// epoch with the best validation RMSE.
func TestBestEpochRestored(t *testing.T) {
	s, _ := lowRankSplit(t, 0.25)
	// A high learning rate and no L2 overfit quickly, so the best epoch is
	// not the last.
	m, err := Fit(context.Background(), s, model.Config{Training: model.Training{LR: 0.02, Batch: 256, Epochs: 30, Patience: 2}, Settings: model.Settings{Dim: 32, L2: -1, BiasL2: -1}})
	if err != nil {
		t.Fatal(err)
	}
	if m.BestEpoch == len(m.History) || m.BestEpoch == 0 {
		t.Fatalf("best epoch %d of %d: the test needs overfitting after a first epoch that helps", m.BestEpoch, len(m.History))
	}
	want := m.History[m.BestEpoch-1].ValRMSE
	for _, e := range m.History {
		if e.ValRMSE < want {
			t.Errorf("epoch %d has val RMSE %.5f below the best epoch's %.5f", e.Epoch, e.ValRMSE, want)
		}
	}
	if got := m.Test(s.Valid).RMSE; math.Abs(got-want) > 1e-9 {
		t.Errorf("restored model has val RMSE %.6f, best epoch had %.6f", got, want)
	}
}

// TestNeverImprovedKeepsInitial checks that the initial weights are scored
// as epoch 0 before training: when no epoch beats them (a learning rate
// so high that every epoch overshoots), the best epoch is 0 and the model
// holds the initial weights, for every kind trained in epochs.
func TestNeverImprovedKeepsInitial(t *testing.T) {
	s, _ := lowRankSplit(t, 0.25)
	cases := []model.Config{
		{Kind: "dot", Training: model.Training{LR: 0.05, Epochs: 5, Patience: 2}, Settings: model.Settings{L2: -1, BiasL2: -1}},
		{Kind: "mlp", Training: model.Training{LR: 1, Epochs: 5, Patience: 2}, Settings: model.Settings{L2: 1e-4}},
		{Kind: "mf", Training: model.Training{LR: 0.5, Epochs: 5, Patience: 2}},
	}
	for _, cfg := range cases {
		t.Run(cfg.Kind, func(t *testing.T) {
			m, err := Fit(context.Background(), s, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if m.Initial == nil {
				t.Fatal("no initial validation score (epoch 0)")
			}
			if m.BestEpoch != 0 {
				t.Fatalf("best epoch %d (val RMSE %v) though the initial weights scored %.5f", m.BestEpoch, m.History[max(m.BestEpoch-1, 0)].ValRMSE, m.Initial.ValRMSE)
			}
			for _, e := range m.History {
				if e.ValRMSE < m.Initial.ValRMSE {
					t.Errorf("epoch %d val RMSE %.5f beat the initial %.5f", e.Epoch, e.ValRMSE, m.Initial.ValRMSE)
				}
			}
			if got := m.Test(s.Valid).RMSE; math.Abs(got-m.Initial.ValRMSE) > 1e-6 {
				t.Errorf("kept model has val RMSE %.6f, the initial weights had %.6f", got, m.Initial.ValRMSE)
			}
		})
	}
}

// TestPredictionIndependentOfBatch checks that a row's prediction is the
// same alone and inside any batch, while the lab's tensordot, which sums the
// dot product over the whole batch, would change it.
func TestPredictionIndependentOfBatch(t *testing.T) {
	s, _ := lowRankSplit(t, 0.25)
	m, err := Fit(context.Background(), s, model.Config{Training: model.Training{Epochs: 2}})
	if err != nil {
		t.Fatal(err)
	}
	r := s.Test
	n := 64
	full := m.PredictBatch(nil, r.User[:n], r.Item[:n])
	rev := slices.Clone(r.User[:n])
	revI := slices.Clone(r.Item[:n])
	slices.Reverse(rev)
	slices.Reverse(revI)
	reversed := m.PredictBatch(nil, rev, revI)
	d := m.Net.(*model.Dot)
	tensordot := func(us, is []int32) float32 { // the lab's bug: one scalar per batch
		var s float32
		for k := range us {
			s += model.Dot32(d.UserEmb[int(us[k])*d.Dim:][:d.Dim], d.ItemEmb[int(is[k])*d.Dim:][:d.Dim])
		}
		return s
	}
	for k := range n {
		alone := m.PredictBatch(nil, r.User[k:k+1], r.Item[k:k+1])[0]
		if full[k] != alone || reversed[n-1-k] != alone {
			t.Fatalf("row %d: %v in a batch, %v reversed, %v alone", k, full[k], reversed[n-1-k], alone)
		}
	}
	if tensordot(r.User[:1], r.Item[:1]) == tensordot(r.User[:n], r.Item[:n]) {
		t.Error("the tensordot reference should depend on the batch")
	}
}

// TestFitErrors covers settings and data that cannot train.
func TestFitErrors(t *testing.T) {
	s, _ := lowRankSplit(t, 0.25)
	for _, c := range []model.Config{{Settings: model.Settings{Dim: -1}}, {Training: model.Training{Optimizer: "rmsprop"}}, {Settings: model.Settings{Activation: "swish"}}, {Kind: "svd++"}} {
		if _, err := Fit(context.Background(), s, c); err == nil {
			t.Errorf("%+v: no error", c)
		}
	}
	empty := *s
	empty.Train = dataset.Ratings{}
	if _, err := Fit(context.Background(), &empty, model.Config{}); err == nil {
		t.Error("empty training part: no error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Fit(ctx, s, model.Config{}); err == nil {
		t.Error("cancelled context: no error")
	}
}

// TestProgress checks the callback sees every epoch's end in order.
func TestProgress(t *testing.T) {
	s, _ := lowRankSplit(t, 0.25)
	var ends []int
	calls := 0
	_, err := Fit(context.Background(), s, model.Config{Training: model.Training{Epochs: 3, Patience: -1, Batch: 64}}, WithProgress(func(p Progress) {
		calls++
		if p.End != nil {
			ends = append(ends, p.End.Epoch)
		}
	}))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ends, []int{1, 2, 3}) || calls <= 3 {
		t.Errorf("epoch ends %v after %d calls", ends, calls)
	}
}

// TestDefaultPresetOnBuiltin checks the promise of the presets on the
// built-in data: the default preset beats both the lab's seed preset and
// the bias baseline on the test rows.
func TestDefaultPresetOnBuiltin(t *testing.T) {
	if testing.Short() {
		t.Skip("trains two models on 233,306 rows")
	}
	s, err := dataset.SplitRandom(dataset.Builtin(), dataset.Fractions{}, 42)
	if err != nil {
		t.Fatal(err)
	}
	rmse := map[string]float64{}
	var m *model.Model
	for _, name := range []string{"seed", "default"} {
		cfg, _ := model.Preset(name)
		if m, err = Fit(context.Background(), s, cfg); err != nil {
			t.Fatal(err)
		}
		rmse[name] = m.Test(s.Test).RMSE
	}
	_, bias := model.Baselines(m, s)
	b := bias.Test(s.Test).RMSE
	t.Logf("test RMSE: default %.4f, seed %.4f, bias baseline %.4f", rmse["default"], rmse["seed"], b)
	if rmse["default"] >= rmse["seed"] || rmse["default"] >= b {
		t.Errorf("default preset %.4f does not beat the seed preset %.4f and the bias baseline %.4f", rmse["default"], rmse["seed"], b)
	}
}

// TestNeedRatings checks the one check of a table without ratings that
// Fit and recnet share: refused for the rating task, with ErrNoRatings,
// accepted for the implicit task and for a rated table.
func TestNeedRatings(t *testing.T) {
	cases := []struct {
		unrated bool
		task    string
		refused bool
	}{
		{true, "", true}, {true, model.TaskRating, true}, {true, model.TaskImplicit, false},
		{false, "", false}, {false, model.TaskImplicit, false},
	}
	for _, c := range cases {
		err := NeedRatings("t.csv", c.unrated, c.task)
		if (err != nil) != c.refused || (err != nil && (!errors.Is(err, ErrNoRatings) || !strings.Contains(err.Error(), "t.csv"))) {
			t.Errorf("unrated %v, task %q: %v", c.unrated, c.task, err)
		}
	}
}
