package train

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

// TestMFStepByHand checks one SGD step against values worked out by hand
// from Surprise's update rules.
func TestMFStepByHand(t *testing.T) {
	net := &model.MF{Users: 1, Items: 1, Dim: 2, Mu: 0.5,
		UserEmb: []float32{0.1, -0.2}, ItemEmb: []float32{0.3, 0.4},
		UserBias: []float32{0.05}, ItemBias: []float32{-0.1}}
	k := newMFKernel(net, model.Config{Training: model.Training{LR: 0.1}, Settings: model.Settings{L2: 0.02, BiasL2: 0.05}})
	sse, err := k.epoch([]int32{0}, []int32{0}, []float32{0.9}, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	k.store()
	// est = 0.5 + 0.05 - 0.1 + (0.03 - 0.08) = 0.4, err = 0.5
	// bu = 0.05 + 0.1 (0.5 - 0.05 * 0.05) = 0.09975
	// bi = -0.1 + 0.1 (0.5 + 0.05 * 0.1) = -0.0495
	// pu = (0.1 + 0.1 (0.5*0.3 - 0.02*0.1), -0.2 + 0.1 (0.5*0.4 + 0.02*0.2)) = (0.1148, -0.1796)
	// qi = (0.3 + 0.1 (0.5*0.1 - 0.02*0.3), 0.4 + 0.1 (-0.5*0.2 - 0.02*0.4)) = (0.3044, 0.3892), with the old pu
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"sse", sse, 0.25},
		{"bu", float64(net.UserBias[0]), 0.09975},
		{"bi", float64(net.ItemBias[0]), -0.0495},
		{"pu0", float64(net.UserEmb[0]), 0.1148},
		{"pu1", float64(net.UserEmb[1]), -0.1796},
		{"qi0", float64(net.ItemEmb[0]), 0.3044},
		{"qi1", float64(net.ItemEmb[1]), 0.3892},
	} {
		if math.Abs(c.got-c.want) > 1e-6 {
			t.Errorf("%s = %.7f, want %.7f", c.name, c.got, c.want)
		}
	}
}

// surpriseSVD is a plain float64 transcription of Surprise's SVD epoch,
// the reference for the kernel.
func surpriseSVD(mu float64, bu, bi []float64, pu, qi [][]float64, us, is []int32, ts []float32, lr, reg, breg float64) {
	for r, u := range us {
		i := is[r]
		dot := 0.0
		for f := range pu[u] {
			dot += qi[i][f] * pu[u][f]
		}
		err := float64(ts[r]) - (mu + bu[u] + bi[i] + dot)
		bu[u] += lr * (err - breg*bu[u])
		bi[i] += lr * (err - breg*bi[i])
		for f := range pu[u] {
			puf, qif := pu[u][f], qi[i][f]
			pu[u][f] += lr * (err*qif - reg*puf)
			qi[i][f] += lr * (err*puf - reg*qif)
		}
	}
}

// TestMFEpochMatchesReference runs epochs over rows that share users and
// items, so that each step must see the previous one's result, and
// compares the kernel with the reference transcription.
func TestMFEpochMatchesReference(t *testing.T) {
	cfg := model.Config{Kind: "mf", Training: model.Training{LR: 0.05, Seed: 5}, Settings: model.Settings{Dim: 3, InitStd: 0.3, L2: 0.03, BiasL2: 0.01}}
	net := model.NewMF(4, 3, cfg)
	net.Mu = 0.6
	us := []int32{0, 1, 0, 2, 3, 1, 0, 3}
	is := []int32{0, 0, 1, 2, 1, 2, 2, 0}
	ts := []float32{1, 0.5, 0, 0.75, 0.25, 1, 0.5, 0}
	pu, qi := float64Rows(net.UserEmb, 4, net.Dim), float64Rows(net.ItemEmb, 3, net.Dim)
	bu, bi := make([]float64, 4), make([]float64, 3)
	k := newMFKernel(net, cfg.WithDefaults())
	for range 5 {
		if _, err := k.epoch(us, is, ts, 3, nil); err != nil {
			t.Fatal(err)
		}
		surpriseSVD(0.6, bu, bi, pu, qi, us, is, ts, 0.05, 0.03, 0.01)
	}
	k.store()
	checkNear(t, "user_bias", net.UserBias, bu)
	checkNear(t, "item_bias", net.ItemBias, bi)
	checkNear(t, "user_embedding", net.UserEmb, slices.Concat(pu...))
	checkNear(t, "item_embedding", net.ItemEmb, slices.Concat(qi...))
}

// float64Rows returns the first n rows of d values of t, in float64.
func float64Rows(t []float32, n, d int) [][]float64 {
	out := make([][]float64, n)
	for r := range out {
		for _, v := range t[r*d : (r+1)*d] {
			out[r] = append(out[r], float64(v))
		}
	}
	return out
}

// checkNear reports each value of got farther than 1e-5 from want's.
func checkNear(t *testing.T, name string, got []float32, want []float64) {
	t.Helper()
	for j, w := range want {
		if math.Abs(float64(got[j])-w) > 1e-5 {
			t.Errorf("%s[%d] = %.7f, want %.7f", name, j, got[j], w)
		}
	}
}

// TestMFKnownAnswer trains the mf kind with its defaults on data with
// known rank-4 factors and Gaussian noise: the test RMSE must come within
// 15% of the noise floor and beat the bias baseline.
func TestMFKnownAnswer(t *testing.T) {
	s, truth := lowRankSplit(t, 0.25)
	m, err := Fit(context.Background(), s, model.Config{Kind: "mf"})
	if err != nil {
		t.Fatal(err)
	}
	got := m.Test(s.Test).RMSE
	_, bias := model.Baselines(m, s)
	b := bias.Test(s.Test).RMSE
	t.Logf("mf test RMSE %.4f, noise floor %.4f, bias baseline %.4f, best epoch %d of %d", got, truth.Noise, b, m.BestEpoch, len(m.History))
	if got > 1.15*truth.Noise {
		t.Errorf("test RMSE %.4f is not within 15%% of the noise floor %.4f", got, truth.Noise)
	}
	if got >= b {
		t.Errorf("test RMSE %.4f does not beat the bias baseline %.4f", got, b)
	}
}

// TestMFReproducible trains twice from one seed: every weight must agree
// to the bit. Another seed must differ.
func TestMFReproducible(t *testing.T) {
	s, _ := lowRankSplit(t, 0.25)
	fit := func(seed uint64) *model.Model {
		m, err := Fit(context.Background(), s, model.Config{Kind: "mf", Training: model.Training{Epochs: 3, Seed: seed}})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	a, b, c := fit(42), fit(42), fit(43)
	for p, pa := range a.Net.Params() {
		pb := b.Net.Params()[p]
		for j := range pa.Data {
			if math.Float32bits(pa.Data[j]) != math.Float32bits(pb.Data[j]) {
				t.Fatalf("%s[%d]: %v then %v from the same seed", pa.Name, j, pa.Data[j], pb.Data[j])
			}
		}
	}
	if slices.Equal(a.Net.(*model.MF).UserEmb, c.Net.(*model.MF).UserEmb) {
		t.Error("seeds 42 and 43 gave the same user factors")
	}
}

// TestMFFitProgressAndEarlyStopping trains through Fit with a progress
// callback and settings that overfit: training must stop early, keep the
// best epoch's tables, and report every epoch's end in order.
func TestMFFitProgressAndEarlyStopping(t *testing.T) {
	s, _ := lowRankSplit(t, 0.25)
	var ends []int
	calls := 0
	cfg := model.Config{Kind: "mf", Training: model.Training{LR: 0.05, Batch: 64, Epochs: 60, Patience: 2}, Settings: model.Settings{Dim: 32, InitStd: 0.1, L2: -1, BiasL2: -1}}
	m, err := Fit(context.Background(), s, cfg, WithProgress(func(p Progress) {
		calls++
		if p.End != nil {
			ends = append(ends, p.End.Epoch)
		}
	}))
	if err != nil {
		t.Fatal(err)
	}
	n := len(m.History)
	if n == cfg.Epochs || m.BestEpoch >= n || m.BestEpoch < 1 {
		t.Fatalf("best epoch %d of %d (at most %d): no early stop", m.BestEpoch, n, cfg.Epochs)
	}
	want := make([]int, n)
	for e := range want {
		want[e] = e + 1
	}
	if !slices.Equal(ends, want) || calls <= n {
		t.Errorf("epoch ends %v after %d calls", ends, calls)
	}
	best := m.History[m.BestEpoch-1].ValRMSE
	if got := m.Test(s.Valid).RMSE; math.Abs(got-best) > 1e-9 {
		t.Errorf("restored model has val RMSE %.6f, best epoch had %.6f", got, best)
	}
	var b bytes.Buffer
	if err := m.Write(&b); err != nil {
		t.Fatal(err)
	}
	r, err := model.Read(&b, "mem")
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Test(s.Valid).RMSE; got != m.Test(s.Valid).RMSE {
		t.Errorf("read back model has val RMSE %v, trained one %v", got, m.Test(s.Valid).RMSE)
	}
}

// withoutTrainRowsOf returns s with every training row of user u removed.
func withoutTrainRowsOf(s *dataset.Split, u int32) *dataset.Split {
	c := *s
	var keep []int
	for r, v := range s.Train.User {
		if v != u {
			keep = append(keep, r)
		}
	}
	c.Train = s.Train.Subset(keep)
	return &c
}

// TestMFColdUser checks that a user without training rows keeps zero
// factors and bias, so it scores mu + bi like Surprise's unknown user.
func TestMFColdUser(t *testing.T) {
	base, _ := lowRankSplit(t, 0.25)
	s := withoutTrainRowsOf(base, 0)
	m, err := Fit(context.Background(), s, model.Config{Kind: "mf", Training: model.Training{Epochs: 3}})
	if err != nil {
		t.Fatal(err)
	}
	net := m.Net.(*model.MF)
	if slices.ContainsFunc(net.UserEmb[:net.Dim], func(v float32) bool { return v != 0 }) || net.UserBias[0] != 0 {
		t.Fatalf("cold user has factors %v, bias %v", net.UserEmb[:net.Dim], net.UserBias[0])
	}
	if got, want := net.Score(0, 5), net.Mu+net.ItemBias[5]; got != want {
		t.Errorf("cold user scores %v, want mu + bi = %v", got, want)
	}
}

// TestMFNMFErrors covers settings the factorization kinds reject and a
// cancelled context.
func TestMFNMFErrors(t *testing.T) {
	s, _ := lowRankSplit(t, 0.25)
	for _, c := range []model.Config{
		{Kind: "mf", Training: model.Training{Optimizer: "adam"}},
		{Kind: "mf", Settings: model.Settings{Activation: model.Sigmoid}},
		{Kind: "nmf", Settings: model.Settings{Activation: model.ReLU}},
		{Kind: "mf", Settings: model.Settings{Dim: -3}},
	} {
		if _, err := Fit(context.Background(), s, c); err == nil {
			t.Errorf("%+v: no error", c)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, kind := range []string{"mf", "nmf"} {
		if _, err := Fit(ctx, s, model.Config{Kind: kind, Training: model.Training{Batch: 16}}); err == nil {
			t.Errorf("%s: cancelled context: no error", kind)
		}
	}
}

// benchFactorEpoch runs epochs of the mf or nmf kernel with the kind's
// defaults on the built-in data's training part (about 186,000 rows).
func benchFactorEpoch(b *testing.B, kind string) {
	s, err := dataset.SplitRandom(dataset.Builtin(), dataset.Fractions{}, 42)
	if err != nil {
		b.Fatal(err)
	}
	cfg := model.Config{Kind: kind}.WithDefaults()
	m := &model.Model{Config: cfg, Min: s.Min, Max: s.Max}
	ts := m.ScaleRatings(s.Train)
	var t epochTrainer
	if kind == "mf" {
		net := model.NewMF(s.Users.Len(), s.Items.Len(), cfg)
		net.Mu = model.FitMean(ts).Mu
		t = newMFKernel(net, cfg)
	} else {
		t = newNMFKernel(model.NewNMF(s.Users.Len(), s.Items.Len(), cfg), cfg, s.Train)
	}
	us, is := s.Train.User, s.Train.Item
	b.ResetTimer()
	for range b.N {
		t.epoch(us, is, ts, cfg.Batch, nil)
	}
	b.ReportMetric(float64(len(us))*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkMFEpoch is one epoch of the mf defaults (dim 64).
func BenchmarkMFEpoch(b *testing.B) { benchFactorEpoch(b, "mf") }

// BenchmarkNMFEpoch is one epoch of the nmf defaults.
func BenchmarkNMFEpoch(b *testing.B) { benchFactorEpoch(b, "nmf") }

// Train Surprise's SVD (the "mf" kind) with its defaults and compare it
// with the bias baseline.
func ExampleFit_mf() {
	d, _ := dataset.GenerateLowRank(dataset.LowRankConfig{Seed: 1})
	s, err := dataset.SplitRandom(d, dataset.Fractions{}, 42)
	if err != nil {
		panic(err)
	}
	m, err := Fit(context.Background(), s, model.Config{Kind: "mf"})
	if err != nil {
		panic(err)
	}
	_, bias := model.Baselines(m, s)
	fmt.Println(m.Net.Kind(), m.BestEpoch > 0)
	fmt.Println("beats the bias baseline:", m.Test(s.Test).RMSE < bias.Test(s.Test).RMSE)
	// Output:
	// mf true
	// beats the bias baseline: true
}
