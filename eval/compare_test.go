package eval_test

import (
	"math"
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/eval"
	"github.com/recnet/recnet/model"
)

// scoreNet is a model.Net whose Score is a function.
type scoreNet func(u, i int32) float32

func (f scoreNet) Score(u, i int32) float32      { return f(u, i) }
func (scoreNet) Kind() string                    { return "fake" }
func (scoreNet) Params() []model.Param           { return nil }
func (scoreNet) SummaryRows() []model.SummaryRow { return nil }

func compareSplit(t *testing.T) *dataset.Split {
	t.Helper()
	d, _ := dataset.GenerateLowRank(dataset.LowRankConfig{Users: 200, Items: 60, Rows: 6000, Noise: 0.1, Seed: 4})
	s, err := dataset.SplitRandom(d, dataset.Fractions{}, 42)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// oracle returns a net that scores every test pair with its true rating on
// m's training scale.
func oracle(m *model.Model, rows dataset.Ratings) scoreNet {
	truth := map[[2]int32]float32{}
	for k, v := range rows.Value {
		truth[[2]int32{rows.User[k], rows.Item[k]}] = m.ToScale(float64(v))
	}
	return func(u, i int32) float32 { return truth[[2]int32{u, i}] }
}

func TestCompare(t *testing.T) {
	s := compareSplit(t)
	for _, noScale := range []bool{false, true} {
		m := &model.Model{Config: model.Config{Training: model.Training{NoScale: noScale}}, Users: s.Users, Items: s.Items, Min: s.Min, Max: s.Max}
		m.Net = oracle(m, s.Test)
		c := eval.Compare(m, s, s.Test)

		// Without scaling the oracle's scores are the ratings themselves;
		// with it they lose a little to float32 rounding.
		tol := 1e-5
		if noScale {
			tol = 0
		}
		if c.Model.RMSE > tol || c.Model.MAE > tol || c.Model.MSEScaled > tol || c.Model.N != s.Test.Len() {
			t.Errorf("no scale %v: the oracle has accuracy %+v", noScale, c.Model)
		}
		if !c.BeatsBias() {
			t.Errorf("no scale %v: the oracle does not beat the bias baseline %+v", noScale, c.Bias)
		}

		// The global mean baseline predicts the training mean for every row.
		mu := s.Train.Mean()
		var se, ae float64
		for _, v := range s.Test.Value {
			e := min(max(mu, s.Min), s.Max) - float64(v)
			se += e * e
			ae += math.Abs(e)
		}
		n := float64(s.Test.Len())
		if g := c.GlobalMean; math.Abs(g.RMSE-math.Sqrt(se/n)) > 1e-5 || math.Abs(g.MAE-ae/n) > 1e-5 || g.N != s.Test.Len() {
			t.Errorf("no scale %v: global mean baseline %+v, want RMSE %v, MAE %v", noScale, g, math.Sqrt(se/n), ae/n)
		}
		// On data with user and item biases the bias baseline beats the mean,
		// but not the truth.
		if c.Bias.RMSE >= c.GlobalMean.RMSE || c.Bias.RMSE <= c.Model.RMSE {
			t.Errorf("no scale %v: RMSE model %v, bias %v, global mean %v", noScale, c.Model.RMSE, c.Bias.RMSE, c.GlobalMean.RMSE)
		}
		// Compare tests on the rows it is given.
		if v := eval.Compare(m, s, s.Valid); v.Model.N != s.Valid.Len() || v.Bias.N != s.Valid.Len() || v.Model.RMSE == 0 {
			t.Errorf("no scale %v: comparison on the validation rows: %+v", noScale, v)
		}
	}
}

// TestCompareMeanDoesNotBeatBias scores every pair with the training mean:
// it is the global mean baseline and must not beat the bias baseline.
func TestCompareMeanDoesNotBeatBias(t *testing.T) {
	s := compareSplit(t)
	m := &model.Model{Users: s.Users, Items: s.Items, Min: s.Min, Max: s.Max}
	mu := m.ToScale(s.Train.Mean())
	m.Net = scoreNet(func(_, _ int32) float32 { return mu })
	c := eval.Compare(m, s, s.Test)
	if c.BeatsBias() {
		t.Errorf("a constant model beats the bias baseline: RMSE %v vs %v", c.Model.RMSE, c.Bias.RMSE)
	}
	if math.Abs(c.Model.RMSE-c.GlobalMean.RMSE) > 1e-6 {
		t.Errorf("the training mean has RMSE %v, the global mean baseline %v", c.Model.RMSE, c.GlobalMean.RMSE)
	}
}

func TestBeatsBias(t *testing.T) {
	tests := []struct {
		model, bias float64
		want        bool
	}{
		{0.8, 0.9, true},
		{0.9, 0.9, false}, // a tie does not beat
		{1.0, 0.9, false},
		{math.NaN(), 0.9, false},
	}
	for _, tt := range tests {
		c := eval.Comparison{Model: model.Accuracy{RMSE: tt.model}, Bias: model.Accuracy{RMSE: tt.bias}}
		if got := c.BeatsBias(); got != tt.want {
			t.Errorf("RMSE %v vs bias %v: BeatsBias = %v, want %v", tt.model, tt.bias, got, tt.want)
		}
	}
}
