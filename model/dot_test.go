package model_test

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/recnet/recnet/model"
)

// tableStats returns the largest absolute value and the root mean square of t.
func tableStats(t []float32) (maxAbs, rms float64) {
	var ss float64
	for _, x := range t {
		maxAbs = max(maxAbs, math.Abs(float64(x)))
		ss += float64(x) * float64(x)
	}
	return maxAbs, math.Sqrt(ss / float64(max(len(t), 1)))
}

// TestNewDotHeNormal checks Keras' he_normal as the lab used it: a normal
// truncated at two standard deviations, std sqrt(2/rows)/0.8796, so each
// table's values spread as sqrt(2/rows); the user and item tables have
// different numbers of rows and so different spreads.
func TestNewDotHeNormal(t *testing.T) {
	const users, items, dim = 50, 800, 16
	cfg := model.Config{Training: model.Training{Seed: 42}, Settings: model.Settings{Dim: dim, Init: "he_normal", Activation: model.ReLU}}
	d := model.NewDot(users, items, cfg)
	if d.Users != users || d.Items != items || d.Dim != dim || d.Act != model.ReLU {
		t.Fatalf("NewDot: %d users, %d items, dim %d, %s", d.Users, d.Items, d.Dim, d.Act)
	}
	if len(d.UserEmb) != users*dim || len(d.ItemEmb) != items*dim || len(d.UserBias) != users || len(d.ItemBias) != items {
		t.Fatalf("table sizes %d, %d, %d, %d", len(d.UserEmb), len(d.ItemEmb), len(d.UserBias), len(d.ItemBias))
	}
	for _, tab := range []struct {
		name string
		data []float32
		rows int
	}{{"user", d.UserEmb, users}, {"item", d.ItemEmb, items}} {
		std := math.Sqrt(2/float64(tab.rows)) / 0.87962566103423978
		maxAbs, rms := tableStats(tab.data)
		if maxAbs > 2*std*(1+1e-6) {
			t.Errorf("%s embedding: |x| up to %v, beyond two standard deviations %v", tab.name, maxAbs, 2*std)
		}
		if maxAbs < 1.5*std {
			t.Errorf("%s embedding: |x| only up to %v; std %v", tab.name, maxAbs, std)
		}
		// The truncated normal's spread is 0.8796 std: sqrt(2/rows).
		if want := math.Sqrt(2 / float64(tab.rows)); math.Abs(rms-want) > 0.1*want {
			t.Errorf("%s embedding: root mean square %v, want about %v", tab.name, rms, want)
		}
	}
	uMax, _ := tableStats(d.UserEmb)
	if iStd := math.Sqrt(2.0/items) / 0.87962566103423978; uMax <= 2*iStd {
		t.Errorf("user values within the item table's bound %v: the tables share a std", 2*iStd)
	}
	for _, b := range [][]float32{d.UserBias, d.ItemBias} {
		maxAbs, _ := tableStats(b)
		if maxAbs > 0.05 {
			t.Errorf("bias up to %v, beyond 0.05", maxAbs)
		}
		if slices.Min(b) == slices.Max(b) {
			t.Error("biases all equal")
		}
	}

	same := model.NewDot(users, items, cfg)
	for k, p := range d.Params() {
		if !slices.Equal(p.Data, same.Params()[k].Data) {
			t.Errorf("%s differs between two nets from seed 42", p.Name)
		}
	}
	cfg.Seed = 43
	other := model.NewDot(users, items, cfg)
	if slices.Equal(d.UserEmb, other.UserEmb) || slices.Equal(d.ItemBias, other.ItemBias) {
		t.Error("seeds 42 and 43 gave the same tables")
	}
}

func TestNewDotNormal(t *testing.T) {
	cfg := model.Config{Training: model.Training{Seed: 1}, Settings: model.Settings{Dim: 8, Init: "normal", InitStd: 0.05}}
	d := model.NewDot(300, 200, cfg)
	for name, tab := range map[string][]float32{"user": d.UserEmb, "item": d.ItemEmb} {
		_, rms := tableStats(tab)
		if math.Abs(rms-0.05) > 0.005 {
			t.Errorf("%s embedding: root mean square %v, want about 0.05", name, rms)
		}
	}
	// The zero config is the default preset's init.
	z := model.NewDot(3, 4, model.Config{})
	if def := model.Presets["default"]; z.Dim != def.Dim || z.Act != def.Activation || len(z.UserEmb) != 3*def.Dim {
		t.Errorf("NewDot with the zero config: dim %d, %s", z.Dim, z.Act)
	}
}

// handDot is a 2-user, 2-item net with dim 3 whose scores are worked out in
// TestDotScore.
func handDot(act model.Activation) *model.Dot {
	return &model.Dot{
		Users: 2, Items: 2, Dim: 3, Act: act,
		UserEmb:  []float32{1, 2, 3, -1, 0, 0.5},
		ItemEmb:  []float32{0.5, -1, 2, 4, 1, -2},
		UserBias: []float32{0.25, -0.5},
		ItemBias: []float32{-0.5, 1},
	}
}

func TestDotScore(t *testing.T) {
	// <P[u], Q[i]> + bu[u] + bi[i]:
	lin := map[[2]int32]float32{
		{0, 0}: (0.5 - 2 + 6) + 0.25 - 0.5, // 4.25
		{0, 1}: (4 + 2 - 6) + 0.25 + 1,     // 1.25
		{1, 0}: (-0.5 + 0 + 1) - 0.5 - 0.5, // -0.5
		{1, 1}: (-4 + 0 - 1) - 0.5 + 1,     // -4.5
	}
	for _, act := range []model.Activation{model.Linear, model.ReLU, model.Sigmoid} {
		d := handDot(act)
		for p, x := range lin {
			if got := d.Linear(p[0], p[1]); got != x {
				t.Errorf("%s: Linear(%d, %d) = %v, want %v", act, p[0], p[1], got, x)
			}
			var want float64
			switch act {
			case model.Linear:
				want = float64(x)
			case model.ReLU:
				want = max(float64(x), 0)
			case model.Sigmoid:
				want = 1 / (1 + math.Exp(-float64(x)))
			}
			if got := d.Score(p[0], p[1]); !near(float64(got), want, 1e-7) {
				t.Errorf("%s: Score(%d, %d) = %v, want %v", act, p[0], p[1], got, want)
			}
		}
	}
}

// TestDotParams checks the tables alias the net, the layers count every
// parameter and Build rebuilds the same net.
func TestDotParams(t *testing.T) {
	cfg := model.Config{Training: model.Training{Seed: 2}, Settings: model.Settings{Dim: 6, Activation: model.Sigmoid}}
	d := model.NewDot(7, 11, cfg)
	var n int
	for _, p := range d.Params() {
		if len(p.Data) != p.Rows*p.Cols {
			t.Errorf("%s: %d values for %dx%d", p.Name, len(p.Data), p.Rows, p.Cols)
		}
		n += len(p.Data)
	}
	var layers int
	for _, l := range d.SummaryRows() {
		layers += l.Params
	}
	if want := 7*6 + 7 + 11*6 + 11; n != want || layers != want {
		t.Errorf("tables hold %d values, layers count %d; want %d", n, layers, want)
	}
	d.Params()[0].Data[0] = 9
	if d.UserEmb[0] != 9 {
		t.Error("Params does not alias the net's tables")
	}

	got, err := model.Build("dot", cfg, d.Params())
	if err != nil {
		t.Fatal(err)
	}
	for u := range int32(7) {
		for i := range int32(11) {
			if a, b := got.Score(u, i), d.Score(u, i); a != b {
				t.Fatalf("Score(%d, %d) = %v after Build, %v before", u, i, a, b)
			}
		}
	}
	// A table of the wrong width or a missing one is an error.
	ps := d.Params()
	ps[2].Cols = 5
	if _, err := model.Build("dot", cfg, ps); err == nil {
		t.Error("Build accepted an item embedding of the wrong width")
	}
	if _, err := model.Build("dot", cfg, d.Params()[:3]); err == nil {
		t.Error("Build accepted a dot net without item biases")
	}
	ps = d.Params()
	ps[1] = model.Param{Name: "user_bias", Rows: 6, Cols: 1, Data: d.UserBias[:6]}
	if _, err := model.Build("dot", cfg, ps); err == nil {
		t.Error("Build accepted 7 user embeddings with 6 user biases")
	}
}

func naiveDot(p, q []float32) float64 {
	var s float64
	for k := range p {
		s += float64(p[k]) * float64(q[k])
	}
	return s
}

func TestDot32(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := range 10 {
		// Small integers: every sum is exact in float32.
		p, q := make([]float32, n), make([]float32, n)
		for k := range n {
			p[k], q[k] = float32(rng.IntN(21)-10), float32(rng.IntN(21)-10)
		}
		if got, want := model.Dot32(p, q), naiveDot(p, q); float64(got) != want {
			t.Errorf("n=%d: Dot32(%v, %v) = %v, want %v", n, p, q, got, want)
		}
		// Any floats: within float32 rounding.
		for k := range n {
			p[k], q[k] = float32(rng.NormFloat64()), float32(rng.NormFloat64())
		}
		got, want := model.Dot32(p, q), naiveDot(p, q)
		var mag float64
		for k := range n {
			mag += math.Abs(float64(p[k]) * float64(q[k]))
		}
		if math.Abs(float64(got)-want) > 1e-6*mag+1e-30 {
			t.Errorf("n=%d: Dot32 = %v, want %v", n, got, want)
		}
		// A longer q is cut to p's length.
		if got2 := model.Dot32(p, append(slices.Clone(q), 100, 100, 100)); got2 != got {
			t.Errorf("n=%d: Dot32 with a longer q = %v, want %v", n, got2, got)
		}
	}
}

func FuzzDot32(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{1, 0, 2, 0})
	f.Add([]byte("0123456789abcdefghijklmnopqrstuvwxyz"))
	f.Add(bytes4(-1, 2, -3, 4, -5, 6, -7, 8, -9))
	f.Fuzz(func(t *testing.T, b []byte) {
		// Each 4 bytes are a p and a q value from int16s over 256.
		n := len(b) / 4
		p, q := make([]float32, n), make([]float32, n)
		for k := range n {
			p[k] = float32(int16(binary.LittleEndian.Uint16(b[4*k:]))) / 256
			q[k] = float32(int16(binary.LittleEndian.Uint16(b[4*k+2:]))) / 256
		}
		got, want := model.Dot32(p, q), naiveDot(p, q)
		var mag float64
		for k := range n {
			mag += math.Abs(float64(p[k]) * float64(q[k]))
		}
		// Each product and each addition rounds by at most 2^-24 relative.
		if tol := float64(n+2) * 0x1p-24 * mag; math.Abs(float64(got)-want) > tol {
			t.Errorf("Dot32(%v, %v) = %v, want %v within %v", p, q, got, want, tol)
		}
	})
}

func bytes4(xs ...int16) []byte {
	var b []byte
	for _, x := range xs {
		b = binary.LittleEndian.AppendUint16(b, uint16(x))
	}
	return b
}

func ExampleDot32() {
	fmt.Println(model.Dot32([]float32{1, 2, 3, 4, 5}, []float32{5, 4, 3, 2, 1}))
	// Output: 35
}
