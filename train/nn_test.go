package train

import (
	"context"
	"math"
	"testing"

	"github.com/recnet/recnet/model"
)

// TestDeepKnownAnswer trains mlp and neumf on the rank-4 data of
// TestKnownAnswer: both must beat the bias baseline clearly and come within
// 40% of the noise floor. (An MLP learns a dot product only approximately,
// Rendle et al. 2020, hence the looser bound than the dot model's 15%.)
func TestDeepKnownAnswer(t *testing.T) {
	s, truth := lowRankSplit(t, 0.25)
	for _, kind := range []string{"mlp", "neumf"} {
		t.Run(kind, func(t *testing.T) {
			m, err := Fit(context.Background(), s, model.Config{Kind: kind, Training: model.Training{Epochs: 100, Patience: 5}, Settings: model.Settings{Dim: 8, Layers: "32,16", L2: 1e-5}})
			if err != nil {
				t.Fatal(err)
			}
			got := m.Test(s.Test).RMSE
			_, bias := model.Baselines(m, s)
			b := bias.Test(s.Test).RMSE
			t.Logf("%s: test RMSE %.4f, noise floor %.4f, bias baseline %.4f, best epoch %d", kind, got, truth.Noise, b, m.BestEpoch)
			if got > 1.4*truth.Noise {
				t.Errorf("test RMSE %.4f is not within 40%% of the noise floor %.4f", got, truth.Noise)
			}
			if got > 0.9*b {
				t.Errorf("test RMSE %.4f is not 10%% below the bias baseline %.4f", got, b)
			}
		})
	}
}

// TestNNPredictionIndependentOfBatch checks that a pair's score does not
// depend on the other rows scored with it, and that the kernel's scores
// equal the stored net's.
func TestNNPredictionIndependentOfBatch(t *testing.T) {
	s, _ := lowRankSplit(t, 0.25)
	for _, kind := range []string{"mlp", "neumf"} {
		m, err := Fit(context.Background(), s, model.Config{Kind: kind, Training: model.Training{Epochs: 2, Batch: 16}, Settings: model.Settings{Dim: 4, Layers: "8:tanh,4", Dropout: 0.2}})
		if err != nil {
			t.Fatal(err)
		}
		k := newNNKernel(m.Net.(model.DeepNet), m.Config)
		us, is := s.Test.User[:40], s.Test.Item[:40]
		all := make([]float32, len(us))
		k.scoreBatch(all, us, is)
		for r := range us {
			alone := k.score(us[r], is[r])
			shuffled := make([]float32, 3)
			k.scoreBatch(shuffled, []int32{us[(r+7)%40], us[r], us[(r+3)%40]}, []int32{is[(r+7)%40], is[r], is[(r+3)%40]})
			net := m.Net.Score(us[r], is[r])
			if alone != all[r] || shuffled[1] != all[r] || math.Abs(float64(net-all[r])) > 1e-6 {
				t.Fatalf("%s row %d: %v alone, %v in the batch, %v among others, %v from the net", kind, r, alone, all[r], shuffled[1], net)
			}
		}
	}
}

// TestNNSeedReproducible trains twice from one seed, with dropout: every
// weight must agree to the bit.
func TestNNSeedReproducible(t *testing.T) {
	s, _ := lowRankSplit(t, 0.25)
	for _, kind := range []string{"mlp", "neumf"} {
		cfg := model.Config{Kind: kind, Training: model.Training{Epochs: 2, Task: model.TaskImplicit}, Settings: model.Settings{Dim: 4, Layers: "8", Dropout: 0.1}}
		a, err := Fit(context.Background(), s, cfg)
		if err != nil {
			t.Fatal(err)
		}
		b, err := Fit(context.Background(), s, cfg)
		if err != nil {
			t.Fatal(err)
		}
		for p, pa := range a.Net.Params() {
			for j, v := range pa.Data {
				if math.Float32bits(v) != math.Float32bits(b.Net.Params()[p].Data[j]) {
					t.Fatalf("%s %s[%d] differs between two runs from one seed", kind, pa.Name, j)
				}
			}
		}
	}
}

// TestPretrainedNeuMF starts a neumf from a dot and an mlp model: before
// training, its pre-activation is the mean of theirs. It then trains.
func TestPretrainedNeuMF(t *testing.T) {
	s, _ := lowRankSplit(t, 0.25)
	fit := func(c model.Config, opts ...Option) *model.Model {
		t.Helper()
		m, err := Fit(context.Background(), s, c, opts...)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	dm := fit(model.Config{Training: model.Training{Epochs: 3}, Settings: model.Settings{Dim: 4}})
	mm := fit(model.Config{Kind: "mlp", Training: model.Training{Epochs: 3}, Settings: model.Settings{Dim: 4, Layers: "8,4"}})
	m := &model.Model{Config: model.Config{Kind: "neumf"}.WithDefaults(), Users: s.Users, Items: s.Items}
	net, err := pretrainedNeuMF(s, m, dm, mm)
	if err != nil {
		t.Fatal(err)
	}
	dot, mlp := dm.Net.(*model.Dot), mm.Net.(*model.MLP)
	for r := range 20 {
		u, i := s.Test.User[r], s.Test.Item[r]
		want := 0.5*dot.Linear(u, i) + 0.5*mlp.Score(u, i) // both outputs are linear
		if got := net.Score(u, i); math.Abs(float64(got-want)) > 1e-5 {
			t.Fatalf("pair %d: neumf starts at %v, want the mean %v", r, got, want)
		}
	}
	n := fit(model.Config{Kind: "neumf", Training: model.Training{Epochs: 2}}, WithPretrained(dm, mm))
	if n.Config.Dim != 4 || n.Config.Layers != "8,4" {
		t.Errorf("pretrained neumf has dim %d, layers %q; want the pretrained 4 and 8,4", n.Config.Dim, n.Config.Layers)
	}
	other := fit(model.Config{Kind: "mlp", Training: model.Training{Epochs: 1}, Settings: model.Settings{Dim: 6, Layers: "8,4"}})
	if _, err := Fit(context.Background(), s, model.Config{Kind: "neumf"}, WithPretrained(dm, other)); err == nil {
		t.Error("dot dim 4 and mlp dim 6 were accepted")
	}
}
