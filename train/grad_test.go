package train

import (
	"math"
	"testing"

	"github.com/recnet/recnet/model"
)

// lossRef is an independent float64 implementation of a batch's loss:
// the mean squared error plus the L2 penalties of every row occurrence.
func lossRef(d *model.Dot, cfg model.Config, us, is []int32, ts []float32) float64 {
	l2, bl2 := cfg.PositiveL2()
	var mse, pen float64
	for r, u := range us {
		i := is[r]
		x := float64(d.UserBias[u]) + float64(d.ItemBias[i])
		for j := range d.Dim {
			p, q := float64(d.UserEmb[int(u)*d.Dim+j]), float64(d.ItemEmb[int(i)*d.Dim+j])
			x += p * q
			pen += l2 * (p*p + q*q)
		}
		pen += bl2 * (float64(d.UserBias[u])*float64(d.UserBias[u]) + float64(d.ItemBias[i])*float64(d.ItemBias[i]))
		var y float64
		switch d.Act {
		case model.ReLU:
			y = math.Max(x, 0)
		case model.Sigmoid:
			y = 1 / (1 + math.Exp(-x))
		default:
			y = x
		}
		e := y - float64(ts[r])
		mse += e * e
	}
	return mse/float64(len(us)) + pen
}

// TestGradient checks the kernel's batch gradient against central finite
// differences of lossRef for every parameter of every touched row, for each
// activation, with users and items repeated inside the batch.
func TestGradient(t *testing.T) {
	us := []int32{0, 1, 2, 0, 3, 1}
	is := []int32{0, 1, 0, 2, 2, 0}
	ts := []float32{0.9, 0.2, 0.6, 0.4, 1.0, 0.7}
	for _, act := range []model.Activation{model.Linear, model.ReLU, model.Sigmoid} {
		t.Run(string(act), func(t *testing.T) {
			cfg := model.Config{
				Training: model.Training{Optimizer: "sgd", LR: 1, Seed: 7},
				Settings: model.Settings{Dim: 3, Activation: act, Init: "normal", InitStd: 0.5, L2: 0.01, BiasL2: 0.02},
			}.WithDefaults()
			d := model.NewDot(4, 3, cfg)
			if act == model.ReLU {
				// Keep every pre-activation away from the kink at 0.
				for k := range d.ItemBias {
					d.ItemBias[k] = 2
				}
			}
			// Analytic gradient: one SGD step with lr 1 moves w by -grad.
			k := newDotKernel(d, cfg)
			k.batch(us, is, ts)
			after := model.NewDot(4, 3, cfg)
			k.store(after)
			checkStep(t, d.Params(), after.Params(), func() float64 { return lossRef(d, cfg, us, is, ts) },
				func(analytic, numeric float64) bool {
					return math.Abs(analytic-numeric) <= 2e-3*math.Max(1, math.Abs(numeric))
				})
		})
	}
}

// TestActivationDerivative checks each activation's derivative against
// finite differences away from ReLU's kink.
func TestActivationDerivative(t *testing.T) {
	for _, act := range model.Activations {
		for _, x := range []float32{-2, -0.5, 0.3, 1.7} {
			_, dy := act.Apply(x)
			const h = 1e-2
			yp, _ := act.Apply(x + h)
			ym, _ := act.Apply(x - h)
			if num := (yp - ym) / (2 * h); math.Abs(float64(num-dy)) > 1e-3 {
				t.Errorf("%s'(%g) = %g, finite difference %g", act, x, dy, num)
			}
		}
	}
}

// TestAdamStep compares two lazy Adam steps on one weight with the update
// computed by hand.
func TestAdamStep(t *testing.T) {
	o := newOptim("adam", 0.1, 0.9, 0.999, 1e-7)
	row := make([]float32, 3) // w, m, v for n = 1
	row[0] = 1
	w, m, v := 1.0, 0.0, 0.0
	for step, g := range []float64{0.5, -0.25} {
		o.next()
		o.step3(row[:1], row[1:2], row[2:3], []float32{float32(g)})
		m = 0.9*m + 0.1*g
		v = 0.999*v + 0.001*g*g
		tt := float64(step + 1)
		lrT := 0.1 * math.Sqrt(1-math.Pow(0.999, tt)) / (1 - math.Pow(0.9, tt))
		w -= lrT * m / (math.Sqrt(v) + 1e-7)
		if math.Abs(float64(row[0])-w) > 1e-6 {
			t.Fatalf("step %d: w = %v, want %v", step+1, row[0], w)
		}
	}
}

// TestAdaGradStep compares two row-wise AdaGrad steps on a row of three
// weights and a bias with the update computed by hand: one accumulator for
// the weights (adding their mean squared gradient), one for the bias.
func TestAdaGradStep(t *testing.T) {
	o := newOptim("adagrad", 0.1, 0.9, 0.999, 1e-7)
	tab := newDotTable(2, 3, false)
	row := tab.row(1)
	copy(row, []float32{1, -2, 0.5})
	row[tab.bias()] = 0.25
	w, b := []float64{1, -2, 0.5}, 0.25
	var G, Gb float64
	for step, g := range [][]float64{{0.5, -0.25, 1, 2}, {-1, 0, 0.5, -0.5}} {
		o.next()
		o.update(&tab, row, []float32{float32(g[0]), float32(g[1]), float32(g[2]), float32(g[3])})
		G += (g[0]*g[0] + g[1]*g[1] + g[2]*g[2]) / 3
		Gb += g[3] * g[3]
		for j := range w {
			w[j] -= 0.1 * g[j] / (math.Sqrt(G) + 1e-7)
		}
		b -= 0.1 * g[3] / (math.Sqrt(Gb) + 1e-7)
		for j, want := range append(w[:3:3], b) {
			got := row[j]
			if j == 3 {
				got = row[tab.bias()]
			}
			if math.Abs(float64(got)-want) > 1e-6 {
				t.Fatalf("step %d: element %d = %v, want %v", step+1, j, got, want)
			}
		}
	}
	if tab.row(0)[0] != 0 || tab.row(0)[tab.bias()+1] != 0 {
		t.Fatal("the step touched another row")
	}
}

// checkStep compares one SGD step with learning rate 1 (before minus after
// is the kernel's gradient) with central finite differences of loss over
// every parameter of before, which loss must read.
func checkStep(t *testing.T, before, after []model.Param, loss func() float64, close func(analytic, numeric float64) bool) {
	t.Helper()
	const h = 1e-3
	for p, param := range before {
		for j := range param.Data {
			analytic := float64(param.Data[j] - after[p].Data[j])
			orig := param.Data[j]
			param.Data[j] = orig + h
			lp := loss()
			param.Data[j] = orig - h
			lm := loss()
			param.Data[j] = orig
			if numeric := (lp - lm) / (2 * h); !close(analytic, numeric) {
				t.Errorf("%s[%d]: kernel gradient %.6f, finite difference %.6f", param.Name, j, analytic, numeric)
			}
		}
	}
}
