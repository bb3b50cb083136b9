package train

import (
	"math"
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

// featLossRef is an independent float64 implementation of a batch's loss
// with item features: an item's row is its id row plus its features' rows,
// and every row occurrence (user, item id, feature) pays its L2 penalty.
func featLossRef(d *model.Dot, f *dataset.Features, cfg model.Config, us, is []int32, ts []float32) float64 {
	l2, bl2 := cfg.PositiveL2()
	var loss, pen float64
	sq := func(t []float32, r, dim int) (s float64) {
		for _, v := range t[r*dim : r*dim+dim] {
			s += float64(v) * float64(v)
		}
		return s
	}
	for r, u := range us {
		i := is[r]
		q := make([]float64, d.Dim+1)
		for j := range d.Dim {
			q[j] = float64(d.ItemEmb[int(i)*d.Dim+j])
		}
		q[d.Dim] = float64(d.ItemBias[i])
		pen += l2*(sq(d.UserEmb, int(u), d.Dim)+sq(d.ItemEmb, int(i), d.Dim)) + bl2*(sq(d.UserBias, int(u), 1)+sq(d.ItemBias, int(i), 1))
		for _, x := range f.Of(i) {
			for j := range d.Dim {
				q[j] += float64(d.FeatEmb[int(x)*d.Dim+j])
			}
			q[d.Dim] += float64(d.FeatBias[x])
			pen += l2*sq(d.FeatEmb, int(x), d.Dim) + bl2*sq(d.FeatBias, int(x), 1)
		}
		x := float64(d.UserBias[u]) + q[d.Dim]
		for j := range d.Dim {
			x += float64(d.UserEmb[int(u)*d.Dim+j]) * q[j]
		}
		switch d.Act {
		case model.Sigmoid:
			y := 1 / (1 + math.Exp(-x))
			t := float64(ts[r])
			loss += -(t*math.Log(y) + (1-t)*math.Log(1-y))
		default:
			e := x - float64(ts[r])
			loss += e * e
		}
	}
	return loss/float64(len(us)) + pen
}

// TestFeatureGradient checks the feature kernel's batch gradient against
// central finite differences of featLossRef for every parameter: user,
// item id and feature rows, with items sharing features, an item without
// features and an item with no id row trained (only its features), for
// squared error (rating task) and cross-entropy (implicit task).
func TestFeatureGradient(t *testing.T) {
	f := &dataset.Features{Names: []string{"A", "B", "C"}, Offsets: []int32{0, 2, 3, 3, 5}, Index: []int32{0, 1, 1, 0, 2}}
	us := []int32{0, 1, 2, 0, 2, 1}
	is := []int32{0, 1, 2, 3, 0, 3}
	ts := []float32{0.9, 0.2, 0.6, 0.4, 1.0, 0.7}
	for _, task := range []string{model.TaskRating, model.TaskImplicit} {
		t.Run(task, func(t *testing.T) {
			act := model.Linear
			if task == model.TaskImplicit {
				act = model.Sigmoid
				ts = []float32{1, 0, 1, 0, 0, 1}
			}
			cfg := model.Config{
				Training: model.Training{Optimizer: "sgd", LR: 1, Seed: 7, Task: task},
				Settings: model.Settings{Dim: 3, Activation: act, Init: "normal", InitStd: 0.5, L2: 0.01, BiasL2: 0.02},
			}.WithDefaults()
			newNet := func() *model.Dot {
				d := model.NewDot(3, 4, cfg)
				fcfg := cfg
				fcfg.Seed++
				fd := model.NewDot(0, 3, fcfg)
				d.Feats, d.FeatEmb, d.FeatBias = 3, fd.ItemEmb, fd.ItemBias
				return d
			}
			d := newNet()
			k := newFeatKernel(d, f, cfg)
			k.batch(us, is, ts)
			after := newNet()
			k.users.store(after.UserEmb, after.UserBias)
			k.items.store(after.ItemEmb, after.ItemBias)
			k.feats.store(after.FeatEmb, after.FeatBias)
			checkStep(t, d.Params(), after.Params(), func() float64 { return featLossRef(d, f, cfg, us, is, ts) },
				func(analytic, numeric float64) bool {
					return math.Abs(analytic-numeric) <= 2e-3*math.Max(1, math.Abs(numeric))
				})
		})
	}
}
