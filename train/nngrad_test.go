package train

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/recnet/recnet/model"
)

// closeGrad reports whether an analytic gradient matches a central finite
// difference of a float32 forward pass summed in float64.
func closeGrad(analytic, numeric float64) bool {
	return math.Abs(analytic-numeric) <= 3e-3+2e-2*math.Abs(numeric)
}

// TestActivationBackward checks Activation.Backward on a vector against the
// scalar derivative, for every activation.
func TestActivationBackward(t *testing.T) {
	x := []float32{-2, -0.5, -0.01, 0.3, 1.7}
	dy := []float32{0.5, -1, 2, 0.25, -0.75}
	for _, act := range model.Activations {
		y := make([]float32, len(x))
		act.Forward(y, x)
		dx := make([]float32, len(x))
		act.Backward(dx, dy, x, y)
		for j := range x {
			yj, d := act.Apply(x[j])
			if y[j] != yj {
				t.Errorf("%s forward(%g) = %g, Apply gives %g", act, x[j], y[j], yj)
			}
			if want := dy[j] * d; math.Abs(float64(dx[j]-want)) > 1e-5*math.Max(1, math.Abs(float64(want))) {
				t.Errorf("%s backward at %g = %g, want %g", act, x[j], dx[j], want)
			}
		}
	}
}

// TestDenseGradient checks a dense layer's backward pass (inputs, weights,
// bias) against finite differences of L = Σ c ⊙ forward(x), for every
// activation, with and without dropout (the mask drawn from the same seed
// in every pass).
func TestDenseGradient(t *testing.T) {
	const m, in, out = 5, 4, 3
	for _, act := range model.Activations {
		for _, p := range []float64{0, 0.3} {
			t.Run(fmt.Sprintf("%s/dropout%g", act, p), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(1, 2))
				d := newDense(model.NewDenseLayer(in, out, act, rng), m, p)
				x := randSlice(rng, m*in)
				c := randSlice(rng, m*out)
				loss := func() float64 {
					h := d.forward(x, m, true, float32(p), rand.New(rand.NewPCG(3, 4)))
					var s float64
					for j, v := range h {
						s += float64(c[j]) * float64(v)
					}
					return s
				}
				loss()
				copy(d.dh, c)
				dx := make([]float32, m*in)
				d.backward(x, dx, m)
				check := func(name string, v, grad []float32) {
					for j := range v {
						orig := v[j]
						const h = 1e-3
						v[j] = orig + h
						lp := loss()
						v[j] = orig - h
						lm := loss()
						v[j] = orig
						if num := (lp - lm) / (2 * h); !closeGrad(float64(grad[j]), num) {
							t.Errorf("%s[%d]: backward %.6f, finite difference %.6f", name, j, grad[j], num)
						}
					}
				}
				check("w", d.w, append([]float32(nil), d.gw...))
				check("b", d.b, append([]float32(nil), d.gb...))
				check("x", x, dx)
			})
		}
	}
}

func randSlice(rng *rand.Rand, n int) []float32 {
	out := make([]float32, n)
	for j := range out {
		out[j] = float32(rng.NormFloat64())
	}
	return out
}

// netLoss is the loss of a batch computed with the model's own Score: mean
// squared error or cross-entropy, plus the L2 penalties on every embedding
// row and bias occurrence, summed in float64.
func netLoss(net model.Net, cfg model.Config, us, is []int32, ts []float32) float64 {
	l2, bl2 := cfg.PositiveL2()
	var loss, pen float64
	for r, u := range us {
		i := is[r]
		y := float64(net.Score(u, i))
		t := float64(ts[r])
		if cfg.Implicit() {
			loss -= t*math.Log(y) + (1-t)*math.Log(1-y)
		} else {
			loss += (y - t) * (y - t)
		}
		sq := func(tab []float32, row int32, d int) float64 {
			var s float64
			for _, v := range tab[int(row)*d : int(row)*d+d] {
				s += float64(v) * float64(v)
			}
			return s
		}
		switch n := net.(type) {
		case *model.MLP:
			pen += l2 * (sq(n.UserEmb, u, n.Dim) + sq(n.ItemEmb, i, n.Dim))
		case *model.NeuMF:
			pen += l2 * (sq(n.UserEmb, u, n.Dim) + sq(n.ItemEmb, i, n.Dim) + sq(n.MLPUserEmb, u, n.Dim) + sq(n.MLPItemEmb, i, n.Dim))
			pen += bl2 * (sq(n.UserBias, u, 1) + sq(n.ItemBias, i, 1))
		}
	}
	return loss/float64(len(us)) + pen
}

// TestNNGradient checks the whole mlp and neumf kernels: one SGD step with
// learning rate 1 moves every weight by minus its gradient, which must
// match finite differences of netLoss for every parameter (embeddings of
// touched rows, biases, every dense layer), for the rating and the
// implicit task and several activations, with users and items repeated in
// the batch.
func TestNNGradient(t *testing.T) {
	us := []int32{0, 1, 2, 0, 3, 1}
	is := []int32{0, 1, 0, 2, 2, 0}
	ts := []float32{0.9, 0.2, 0.6, 0.4, 1.0, 0.7}
	bin := []float32{1, 0, 1, 0, 0, 1}
	cases := []struct {
		kind, layers string
		out          model.Activation
		task         string
	}{
		{"mlp", "5,4:tanh", model.Linear, ""},
		{"mlp", "3:elu,2:gelu", model.Sigmoid, ""},
		{"mlp", "4:selu", model.Tanh, model.TaskImplicit},
		{"mlp", "none", model.Linear, ""},
		{"neumf", "4,3:sigmoid", model.Linear, ""},
		{"neumf", "3:tanh", model.Sigmoid, model.TaskImplicit},
		{"neumf", "none", model.Linear, ""},
	}
	for _, c := range cases {
		t.Run(c.kind+"/"+c.layers+"/"+string(c.out)+"/"+c.task, func(t *testing.T) {
			cfg := model.Config{
				Kind:     c.kind,
				Training: model.Training{Task: c.task, Optimizer: "sgd", LR: 1, Batch: 8, Seed: 7},
				Settings: model.Settings{Dim: 3, Layers: c.layers, Activation: c.out, Init: "normal", InitStd: 0.5, L2: 0.01, BiasL2: 0.02},
			}.WithDefaults()
			targets := ts
			if cfg.Implicit() {
				targets = bin
			}
			build := func() model.DeepNet {
				if c.kind == "mlp" {
					return model.NewMLP(4, 3, cfg)
				}
				n := model.NewNeuMF(4, 3, cfg)
				for j := range n.UserBias {
					n.UserBias[j] = 0.1 * float32(j)
				}
				return n
			}
			net := build()
			k := newNNKernel(net, cfg)
			k.batch(us, is, targets)
			after := build()
			k.store(after)
			checkStep(t, net.Params(), after.Params(), func() float64 { return netLoss(net, cfg, us, is, targets) }, closeGrad)
		})
	}
}
