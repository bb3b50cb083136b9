package model_test

import (
	"math"
	"strings"
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func TestFitMean(t *testing.T) {
	tests := []struct {
		in   []float32
		want float32
	}{
		{[]float32{1, 2, 3, 4}, 2.5},
		{[]float32{0.25}, 0.25},
		{[]float32{0, 0, 1}, 1.0 / 3},
		{[]float32{-1, 1}, 0},
		{nil, 0}, // no targets: 0, not NaN
	}
	for _, tt := range tests {
		m := model.FitMean(tt.in)
		if m.Mu != tt.want {
			t.Errorf("FitMean(%v) = %v, want %v", tt.in, m.Mu, tt.want)
		}
		if m.Score(3, 7) != tt.want || m.Kind() != "mean" {
			t.Errorf("FitMean(%v): Score %v, Kind %q", tt.in, m.Score(3, 7), m.Kind())
		}
	}
}

// TestFitBiasByHand runs one sweep on 5 ratings of 4 users and 3 items and
// checks it against the formulas of FitBias's doc comment worked by hand:
// items first from zero user biases, then users from those item biases.
func TestFitBiasByHand(t *testing.T) {
	var r dataset.Ratings
	r.Append(0, 0, 0) // the values are ignored: FitBias fits the targets
	r.Append(0, 1, 0)
	r.Append(1, 0, 0)
	r.Append(2, 1, 0)
	r.Append(1, 1, 0)
	targets := []float32{1, 0.5, 0, 1, 0.25}
	const regU, regI = 2.0, 1.0
	b := model.FitBias(r, targets, 4, 3, model.BiasConfig{RegUser: regU, RegItem: regI, Sweeps: 1})

	mu := (1 + 0.5 + 0 + 1 + 0.25) / 5.0 // 0.55
	bi0 := ((1 - mu) + (0 - mu)) / (regI + 2)
	bi1 := ((0.5 - mu) + (1 - mu) + (0.25 - mu)) / (regI + 3)
	bu0 := ((1 - mu - bi0) + (0.5 - mu - bi1)) / (regU + 2)
	bu1 := ((0 - mu - bi0) + (0.25 - mu - bi1)) / (regU + 2)
	bu2 := (1 - mu - bi1) / (regU + 1)
	wantU := []float64{bu0, bu1, bu2, 0} // user 3 and item 2 are never rated
	wantI := []float64{bi0, bi1, 0}

	if !near(float64(b.Mu), mu, 1e-7) {
		t.Errorf("mu = %v, want %v", b.Mu, mu)
	}
	if len(b.UserBias) != 4 || len(b.ItemBias) != 3 {
		t.Fatalf("%d user and %d item biases, want 4 and 3", len(b.UserBias), len(b.ItemBias))
	}
	for u, w := range wantU {
		if !near(float64(b.UserBias[u]), w, 1e-6) {
			t.Errorf("user bias %d = %v, want %v", u, b.UserBias[u], w)
		}
	}
	for i, w := range wantI {
		if !near(float64(b.ItemBias[i]), w, 1e-6) {
			t.Errorf("item bias %d = %v, want %v", i, b.ItemBias[i], w)
		}
	}
	if b.UserBias[3] != 0 || b.ItemBias[2] != 0 {
		t.Errorf("unrated ids have biases %v, %v", b.UserBias[3], b.ItemBias[2])
	}
	if got, want := float64(b.Score(1, 0)), mu+bu1+bi0; !near(got, want, 1e-6) {
		t.Errorf("Score(1, 0) = %v, want %v", got, want)
	}

	// A second sweep starts the items from the first sweep's user biases.
	b2 := model.FitBias(r, targets, 4, 3, model.BiasConfig{RegUser: regU, RegItem: regI, Sweeps: 2})
	bi0 = ((1 - mu - bu0) + (0 - mu - bu1)) / (regI + 2)
	if !near(float64(b2.ItemBias[0]), bi0, 1e-6) {
		t.Errorf("item bias 0 after two sweeps = %v, want %v", b2.ItemBias[0], bi0)
	}
}

// TestFitBiasDefaults checks the zero BiasConfig is Surprise's 15, 10, 10.
func TestFitBiasDefaults(t *testing.T) {
	d, _ := dataset.GenerateLowRank(dataset.LowRankConfig{Users: 50, Items: 20, Rows: 600, Seed: 5})
	targets := d.Value
	a := model.FitBias(d.Ratings, targets, d.Users.Len(), d.Items.Len(), model.BiasConfig{})
	b := model.FitBias(d.Ratings, targets, d.Users.Len(), d.Items.Len(), model.BiasConfig{RegUser: 15, RegItem: 10, Sweeps: 10})
	c := model.FitBias(d.Ratings, targets, d.Users.Len(), d.Items.Len(), model.BiasConfig{RegUser: 1, RegItem: 1, Sweeps: 10})
	for u := range a.UserBias {
		if a.UserBias[u] != b.UserBias[u] {
			t.Fatalf("user %d: zero config %v, 15/10/10 %v", u, a.UserBias[u], b.UserBias[u])
		}
	}
	same := true
	for u := range a.UserBias {
		same = same && a.UserBias[u] == c.UserBias[u]
	}
	if same {
		t.Error("the regularization does not change the user biases")
	}
}

// TestFitBiasRecovers fits data made exactly as mu + bu + bi, every pair
// rated, with almost no regularization: predictions must match.
func TestFitBiasRecovers(t *testing.T) {
	const users, items = 7, 5
	var r dataset.Ratings
	var targets []float32
	want := map[[2]int32]float64{}
	for u := range int32(users) {
		for i := range int32(items) {
			v := 0.6 + 0.05*float64(u) - 0.1*float64(u%3) + 0.07*float64(i) - 0.2*float64(i%2)
			r.Append(u, i, float32(v))
			targets = append(targets, float32(v))
			want[[2]int32{u, i}] = float64(float32(v))
		}
	}
	b := model.FitBias(r, targets, users, items, model.BiasConfig{RegUser: 1e-12, RegItem: 1e-12, Sweeps: 100})
	for p, w := range want {
		if got := float64(b.Score(p[0], p[1])); !near(got, w, 1e-4) {
			t.Errorf("Score(%d, %d) = %v, want %v", p[0], p[1], got, w)
		}
	}
}

func TestBaselineBuildRoundTrip(t *testing.T) {
	mean := &model.Mean{Mu: 0.625}
	bias := &model.Bias{Mu: 0.5, UserBias: []float32{0.1, -0.2, 0}, ItemBias: []float32{0.25, -0.125}}
	for _, net := range []model.Net{mean, bias} {
		got, err := model.Build(net.Kind(), model.Config{}, net.Params())
		if err != nil {
			t.Fatalf("Build(%q): %v", net.Kind(), err)
		}
		if got.Kind() != net.Kind() {
			t.Errorf("Build(%q) made a %q", net.Kind(), got.Kind())
		}
		for u := range int32(3) {
			for i := range int32(2) {
				if a, b := got.Score(u, i), net.Score(u, i); a != b {
					t.Errorf("%s: Score(%d, %d) = %v after Build, %v before", net.Kind(), u, i, a, b)
				}
			}
		}
		var n int
		for _, p := range net.Params() {
			n += len(p.Data)
		}
		var layers int
		for _, l := range net.SummaryRows() {
			layers += l.Params
		}
		if n != layers {
			t.Errorf("%s: layers count %d params, tables hold %d", net.Kind(), layers, n)
		}
	}
	if got := bias.Score(1, 0); got != 0.5-0.2+0.25 {
		t.Errorf("bias Score(1, 0) = %v", got)
	}

	// Missing or misshapen tables are errors.
	bad := []struct {
		kind   string
		params []model.Param
		want   string
	}{
		{"mean", nil, "missing"},
		{"mean", []model.Param{{Name: "mean", Rows: 2, Cols: 1, Data: []float32{1, 2}}}, "shape"},
		{"bias", mean.Params(), "user_bias"},
		{"bias", append(mean.Params(), model.Param{Name: "user_bias", Rows: 2, Cols: 1, Data: []float32{1}}), "shape"},
		{"bias", append(mean.Params(), model.Param{Name: "user_bias", Rows: 1, Cols: 1, Data: []float32{1}}), "item_bias"},
		{"nosuchkind", mean.Params(), "unknown kind"},
	}
	for _, tt := range bad {
		if _, err := model.Build(tt.kind, model.Config{}, tt.params); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Build(%q, %v): error %v, want one mentioning %q", tt.kind, tt.params, err, tt.want)
		}
	}
}

// TestBaselines checks the baselines share the model's maps and scale and
// are fitted on the training scale.
func TestBaselines(t *testing.T) {
	d, _ := dataset.GenerateLowRank(dataset.LowRankConfig{Users: 60, Items: 30, Rows: 900, Seed: 8})
	s, err := dataset.SplitRandom(d, dataset.Fractions{}, 1)
	if err != nil {
		t.Fatal(err)
	}
	cfg := model.Config{Training: model.Training{Seed: 1}, Settings: model.Settings{Dim: 4}}
	m := &model.Model{Config: cfg, Net: model.NewDot(s.Users.Len(), s.Items.Len(), cfg), Users: s.Users, Items: s.Items, Min: s.Min, Max: s.Max}
	mean, bias := model.Baselines(m, s)
	for _, b := range []*model.Model{mean, bias} {
		if b.Users != m.Users || b.Items != m.Items || b.Min != m.Min || b.Max != m.Max {
			t.Errorf("%s baseline does not share the model's maps and scale", b.Net.Kind())
		}
		if b.Config.Kind != b.Net.Kind() || b.Config.Dim != cfg.Dim {
			t.Errorf("%s baseline config %+v", b.Net.Kind(), b.Config)
		}
	}
	if mean.Net.Kind() != "mean" || bias.Net.Kind() != "bias" {
		t.Fatalf("baselines are %q and %q", mean.Net.Kind(), bias.Net.Kind())
	}
	if got, want := mean.PredictInner(0, 0), s.Train.Mean(); !near(got, want, 1e-5) {
		t.Errorf("global mean baseline predicts %v, training mean is %v", got, want)
	}
	if got, want := float64(mean.Net.Score(0, 0)), (s.Train.Mean()-s.Min)/(s.Max-s.Min); !near(got, want, 1e-6) {
		t.Errorf("global mean baseline scores %v, want the scaled mean %v", got, want)
	}
	if mb, bb := mean.Test(s.Test).RMSE, bias.Test(s.Test).RMSE; bb >= mb {
		t.Errorf("bias baseline RMSE %v does not beat the mean's %v on data with biases", bb, mb)
	}
}
