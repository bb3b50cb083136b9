package model_test

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

// mfTestModels returns a 3-user, 4-item model of each of the kinds mf and
// nmf, with a few awkward floats in their tables.
func mfTestModels() []*model.Model {
	wrap := func(cfg model.Config, net model.Net) *model.Model {
		return &model.Model{
			Config: cfg.WithDefaults(), Net: net,
			Users: dataset.NewIDMap([]string{"ann", "bob", "cy"}),
			Items: dataset.NewIDMap([]string{"a", "b", "c", "d"}),
			Min:   1, Max: 5,
			History:   []model.Epoch{{Epoch: 1, Loss: 0.5, ValLoss: 0.25, ValRMSE: 1.5, Seconds: 0.01}},
			BestEpoch: 1,
		}
	}
	mfCfg := model.Config{Kind: "mf", Training: model.Training{Seed: 7}, Settings: model.Settings{Dim: 3}}
	mf := model.NewMF(3, 4, mfCfg)
	mf.Mu = 0.625
	mf.UserBias[1] = -0.125
	mf.ItemBias[3] = math.Float32frombits(1) // smallest subnormal
	mf.UserEmb[2] = float32(math.Copysign(0, -1))
	nmfCfg := model.Config{Kind: "nmf", Training: model.Training{Seed: 7}, Settings: model.Settings{Dim: 2}}
	return []*model.Model{wrap(mfCfg, mf), wrap(nmfCfg, model.NewNMF(3, 4, nmfCfg))}
}

// TestMFNMFFileRoundTrip writes each kind to a model file and reads it
// back: the kind, every table bit and every prediction must survive.
func TestMFNMFFileRoundTrip(t *testing.T) {
	for _, m := range mfTestModels() {
		t.Run(m.Net.Kind(), func(t *testing.T) {
			var b bytes.Buffer
			if err := m.Write(&b); err != nil {
				t.Fatal(err)
			}
			got, err := model.Read(bytes.NewReader(b.Bytes()), "mem")
			if err != nil {
				t.Fatal(err)
			}
			if got.Net.Kind() != m.Net.Kind() || got.Config != m.Config.Effective() {
				t.Fatalf("read back kind %q config %+v, wrote %q %+v", got.Net.Kind(), got.Config, m.Net.Kind(), m.Config)
			}
			want := m.Net.Params()
			have := got.Net.Params()
			if len(have) != len(want) {
				t.Fatalf("%d tables read, %d written", len(have), len(want))
			}
			for k, p := range want {
				q := have[k]
				if q.Name != p.Name || q.Rows != p.Rows || q.Cols != p.Cols {
					t.Fatalf("table %d: read %s %dx%d, wrote %s %dx%d", k, q.Name, q.Rows, q.Cols, p.Name, p.Rows, p.Cols)
				}
				for j := range p.Data {
					if math.Float32bits(p.Data[j]) != math.Float32bits(q.Data[j]) {
						t.Errorf("%s[%d]: read %v, wrote %v", p.Name, j, q.Data[j], p.Data[j])
					}
				}
			}
			for u := range int32(3) {
				for i := range int32(4) {
					if a, b := m.PredictInner(u, i), got.PredictInner(u, i); a != b {
						t.Errorf("prediction (%d,%d): %v before, %v after", u, i, a, b)
					}
				}
			}
			if _, err := got.Export(t.TempDir()); err != nil {
				t.Errorf("export: %v", err)
			}
		})
	}
}

// TestMFScore checks the MF and NMF formulas on hand-set tables.
func TestMFScore(t *testing.T) {
	mf := &model.MF{Users: 2, Items: 1, Dim: 2, Mu: 0.5,
		UserEmb: []float32{1, 2, 3, 4}, ItemEmb: []float32{0.25, -0.5},
		UserBias: []float32{0.125, -0.25}, ItemBias: []float32{0.0625}}
	nmf := &model.NMF{Users: 2, Items: 1, Dim: 2, UserEmb: []float32{1, 2, 3, 4}, ItemEmb: []float32{0.25, 0.5}}
	for _, c := range []struct {
		net  model.Net
		u    int32
		want float32
	}{
		{mf, 0, 0.5 + 0.125 + 0.0625 + (0.25 - 1)},
		{mf, 1, 0.5 - 0.25 + 0.0625 + (0.75 - 2)},
		{nmf, 0, 0.25 + 1},
		{nmf, 1, 0.75 + 2},
	} {
		if got := c.net.Score(c.u, 0); got != c.want {
			t.Errorf("%s score(%d, 0) = %v, want %v", c.net.Kind(), c.u, got, c.want)
		}
	}
}

// TestMFNMFBuildErrors rebuilds nets from damaged table lists.
func TestMFNMFBuildErrors(t *testing.T) {
	mf := mfTestModels()[0].Net.Params()
	nmf := mfTestModels()[1].Net.Params()
	drop := func(ps []model.Param, name string) []model.Param {
		var out []model.Param
		for _, p := range ps {
			if p.Name != name {
				out = append(out, p)
			}
		}
		return out
	}
	shrink := func(ps []model.Param, name string) []model.Param {
		out := append([]model.Param(nil), ps...)
		for k, p := range out {
			if p.Name == name {
				out[k].Rows--
				out[k].Data = p.Data[:len(p.Data)-p.Cols]
			}
		}
		return out
	}
	for _, c := range []struct {
		name, kind string
		params     []model.Param
		want       string
	}{
		{"no mean", "mf", drop(mf, "mean"), "mean is missing"},
		{"no item bias", "mf", drop(mf, "item_bias"), "item_bias is missing"},
		{"short item embedding", "mf", shrink(mf, "item_embedding"), "disagree"},
		{"no user embedding", "nmf", drop(nmf, "user_embedding"), "user_embedding is missing"},
		{"wrong item width", "nmf", []model.Param{nmf[0], {Name: "item_embedding", Rows: 2, Cols: 4, Data: make([]float32, 8)}}, "shape"},
	} {
		_, err := model.Build(c.kind, model.Config{}, c.params)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

// TestMFNMFDefaults checks that both kinds are registered with defaults
// that validate and that zero fields of a config take them.
func TestMFNMFDefaults(t *testing.T) {
	for _, kind := range []string{"mf", "nmf"} {
		d, ok := model.Defaults(kind)
		if !ok {
			t.Fatalf("kind %s is not registered", kind)
		}
		if d.Kind != kind {
			t.Errorf("%s defaults name model %q", kind, d.Kind)
		}
		c := model.Config{Kind: kind}.WithDefaults()
		if c != d {
			t.Errorf("%s: WithDefaults gives %+v, defaults are %+v", kind, c, d)
		}
		if err := c.Validate(); err != nil {
			t.Errorf("%s defaults do not validate: %v", kind, err)
		}
	}
}

// TestNewNMFNonNegative checks the init draws every factor from [0, 1) and
// that the seed decides it.
func TestNewNMFNonNegative(t *testing.T) {
	a := model.NewNMF(50, 20, model.Config{Training: model.Training{Seed: 1}, Settings: model.Settings{Dim: 4}})
	b := model.NewNMF(50, 20, model.Config{Training: model.Training{Seed: 1}, Settings: model.Settings{Dim: 4}})
	c := model.NewNMF(50, 20, model.Config{Training: model.Training{Seed: 2}, Settings: model.Settings{Dim: 4}})
	var sum float64
	for k, v := range append(a.UserEmb, a.ItemEmb...) {
		if !(v >= 0 && v < 1) {
			t.Fatalf("factor %d is %v, outside [0,1)", k, v)
		}
		sum += float64(v)
	}
	if mean := sum / float64(len(a.UserEmb)+len(a.ItemEmb)); math.Abs(mean-0.5) > 0.05 {
		t.Errorf("mean factor %.3f, want about 0.5", mean)
	}
	if a.Score(3, 4) != b.Score(3, 4) || a.Score(3, 4) == c.Score(3, 4) {
		t.Errorf("seed 1 twice gives %v, %v; seed 2 gives %v", a.Score(3, 4), b.Score(3, 4), c.Score(3, 4))
	}
}

// TestMFSummary checks the summary counts the global mean of an MF as its
// only non-trainable parameter.
func TestMFSummary(t *testing.T) {
	m := mfTestModels()[0]
	var b strings.Builder
	if err := m.Summary(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`Model: "mf"`, "Total params: 29 ", "Trainable params: 28 ", "Non-trainable params: 1 "} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, b.String())
		}
	}
}
