package model_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

// TestDenseInit checks each activation's initialization: He normal
// (standard deviation sqrt(2/in)) for the ReLU family, Glorot uniform
// (bound sqrt(6/(in+out)), standard deviation bound/sqrt(3)) otherwise,
// and zero biases.
func TestDenseInit(t *testing.T) {
	const in, out = 200, 100
	for _, act := range model.Activations {
		l := model.NewDenseLayer(in, out, act, rand.New(rand.NewPCG(1, 1)))
		var s, s2, maxAbs float64
		for _, w := range l.W {
			s += float64(w)
			s2 += float64(w) * float64(w)
			maxAbs = math.Max(maxAbs, math.Abs(float64(w)))
		}
		n := float64(len(l.W))
		std := math.Sqrt(s2/n - (s/n)*(s/n))
		want := math.Sqrt(2.0 / in)
		bound := math.Sqrt(6.0 / (in + out))
		if !act.ReLUFamily() {
			want = bound / math.Sqrt(3)
			if maxAbs > bound {
				t.Errorf("%s: weight %g outside the Glorot bound %g", act, maxAbs, bound)
			}
		}
		if math.Abs(std-want) > 0.03*want {
			t.Errorf("%s: weight std %.4f, want %.4f", act, std, want)
		}
		for _, b := range l.B {
			if b != 0 {
				t.Fatalf("%s: bias %g, want 0", act, b)
			}
		}
	}
}

// TestDeepModelsRoundTrip saves and loads an mlp and a neumf: the loaded
// nets score exactly as the saved ones, and their summaries list every
// layer.
func TestDeepModelsRoundTrip(t *testing.T) {
	for _, kind := range []string{"mlp", "neumf"} {
		cfg := model.Config{Kind: kind, Settings: model.Settings{Dim: 4, Layers: "8:gelu,3:tanh", Activation: model.Sigmoid}}.WithDefaults()
		var net model.Net = model.NewMLP(5, 3, cfg)
		if kind == "neumf" {
			net = model.NewNeuMF(5, 3, cfg)
		}
		m := &model.Model{Config: cfg, Net: net, Users: dataset.NewIDMap([]string{"a", "b", "c", "d", "e"}), Items: dataset.NewIDMap([]string{"x", "y", "z"}), Min: 1, Max: 5}
		path := t.TempDir() + "/m.recnet"
		if err := m.Save(path); err != nil {
			t.Fatal(err)
		}
		got, err := model.Load(path)
		if err != nil {
			t.Fatal(err)
		}
		for u := range int32(5) {
			for i := range int32(3) {
				if a, b := net.Score(u, i), got.Net.Score(u, i); a != b {
					t.Fatalf("%s (%d,%d): %v saved, %v loaded", kind, u, i, a, b)
				}
			}
		}
		layers := got.Net.SummaryRows()
		var dense int
		params := 0
		for _, l := range layers {
			if l.Type == "Dense (gelu)" || l.Type == "Dense (tanh)" || l.Type == "Dense (sigmoid)" {
				dense++
			}
			params += l.Params
		}
		if dense != 3 {
			t.Errorf("%s: summary has %d dense layers, want 3 (two hidden and the output)", kind, dense)
		}
		total := 0
		for _, p := range got.Net.Params() {
			total += len(p.Data)
		}
		if params != total {
			t.Errorf("%s: layers count %d parameters, tables hold %d", kind, params, total)
		}
	}
}
