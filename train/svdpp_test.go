package train

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

// ratedSplit returns a split whose training part is the rows us, is, ts
// (users and items numbered from 0), with no validation or test rows.
func ratedSplit(users, items int, us, is []int32, ts []float32) *dataset.Split {
	ids := func(p string, n int) *dataset.IDMap {
		raw := make([]string, n)
		for k := range raw {
			raw[k] = fmt.Sprintf("%s%d", p, k)
		}
		return dataset.NewIDMap(raw)
	}
	return &dataset.Split{Users: ids("u", users), Items: ids("i", items), Min: 0, Max: 1,
		Train: dataset.Ratings{User: us, Item: is, Value: ts}}
}

// lossRated is an independent float64 implementation of the loss of one
// batch that holds every training row, with the svdpp setting: the mean
// squared error of (p_u + |N(u)|^-½ Σ_{j∈N(u)} y_j)·q_i + b_u + b_i, the
// L2 penalties of every row occurrence (on p, not on the sum) and one
// L2 penalty on y_j for each user who rated j.
func lossRated(d *model.Dot, cfg model.Config, us, is []int32, ts []float32) float64 {
	l2, bl2 := cfg.PositiveL2()
	rated := map[int32][]int32{}
	for r, u := range us {
		rated[u] = append(rated[u], is[r])
	}
	var mse, pen float64
	for _, items := range rated {
		for _, j := range items {
			for f := range d.Dim {
				y := float64(d.Rated[int(j)*d.Dim+f])
				pen += l2 * y * y
			}
		}
	}
	for r, u := range us {
		i := is[r]
		c := 1 / math.Sqrt(float64(len(rated[u])))
		x := float64(d.UserBias[u]) + float64(d.ItemBias[i])
		for f := range d.Dim {
			p, q := float64(d.UserEmb[int(u)*d.Dim+f]), float64(d.ItemEmb[int(i)*d.Dim+f])
			s := 0.0
			for _, j := range rated[u] {
				s += float64(d.Rated[int(j)*d.Dim+f])
			}
			x += (p + c*s) * q
			pen += l2 * (p*p + q*q)
		}
		pen += bl2 * (float64(d.UserBias[u])*float64(d.UserBias[u]) + float64(d.ItemBias[i])*float64(d.ItemBias[i]))
		e := x - float64(ts[r])
		mse += e * e
	}
	return mse/float64(len(us)) + pen
}

// TestRatedGradient checks dot's svdpp gradient, y's among them, against
// central finite differences of lossRated: one SGD epoch of one batch at
// lr 1 moves every weight by minus its gradient.
func TestRatedGradient(t *testing.T) {
	us := []int32{0, 1, 2, 0, 3, 1, 0}
	is := []int32{0, 1, 0, 2, 2, 0, 3}
	ts := []float32{0.9, 0.2, 0.6, 0.4, 1.0, 0.7, 0.3}
	s := ratedSplit(4, 4, us, is, ts)
	cfg := model.Config{
		Training: model.Training{Optimizer: "sgd", LR: 1, Seed: 7, Batch: len(us)},
		Settings: model.Settings{Dim: 3, Activation: model.Linear, Init: "normal", InitStd: 0.5, L2: 0.01, BiasL2: 0.02, SVDpp: true},
	}.WithDefaults()
	d := model.NewDot(4, 4, cfg)
	d.Rated = newRated(s, cfg)
	k := newDotKernel(d, cfg)
	k.withRated(s, d, cfg)
	if _, err := k.epoch(slices.Clone(us), slices.Clone(is), slices.Clone(ts), len(us), nil); err != nil {
		t.Fatal(err)
	}
	after := model.NewDot(4, 4, cfg)
	after.Rated = make([]float32, len(d.Rated))
	k.users.store(after.UserEmb, after.UserBias)
	k.items.store(after.ItemEmb, after.ItemBias)
	k.rated.y.store(after.Rated, make([]float32, 4))
	checkStep(t, d.Params(), after.Params(), func() float64 { return lossRated(d, cfg, us, is, ts) },
		func(analytic, numeric float64) bool {
			return math.Abs(analytic-numeric) <= 2e-3*math.Max(1, math.Abs(numeric))
		})
}

// surpriseSVDpp is a plain float64 transcription of an epoch of Surprise's
// SVDpp (its fit loop) over the rows in the given order, each user's rows
// consecutive, with N(u) the items of rated and reg_yj = reg: y_j steps at
// every rating.
func surpriseSVDpp(mu float64, bu, bi []float64, pu, qi, yj [][]float64, rated map[int32][]int32, us, is []int32, ts []float32, lr, reg, breg float64) {
	for r, u := range us {
		i := is[r]
		n := rated[u]
		sq := math.Sqrt(float64(len(n)))
		impl := make([]float64, len(pu[u]))
		for _, j := range n {
			for f := range impl {
				impl[f] += yj[j][f] / sq
			}
		}
		dot := 0.0
		for f := range impl {
			dot += qi[i][f] * (pu[u][f] + impl[f])
		}
		err := float64(ts[r]) - (mu + bu[u] + bi[i] + dot)
		bu[u] += lr * (err - breg*bu[u])
		bi[i] += lr * (err - breg*bi[i])
		for f := range impl {
			puf, qif := pu[u][f], qi[i][f]
			pu[u][f] += lr * (err*qif - reg*puf)
			qi[i][f] += lr * (err*(puf+impl[f]) - reg*qif)
			for _, j := range n {
				yj[j][f] += lr * (err*qif/sq - reg*yj[j][f])
			}
		}
	}
}

// TestMFRatedMatchesSurprise trains mf with the svdpp setting for five
// epochs, each user's y steps gathered into one push a user (see
// ratedSteps), against the transcription of Surprise's SVDpp, which steps
// every y_j of N(u) at each rating, over the same row order: the weights
// and the saved user vectors must agree.
func TestMFRatedMatchesSurprise(t *testing.T) {
	us := []int32{0, 1, 0, 2, 3, 1, 0, 3, 2}
	is := []int32{0, 0, 1, 2, 1, 2, 2, 0, 3}
	ts := []float32{1, 0.5, 0, 0.75, 0.25, 1, 0.5, 0, 0.6}
	s := ratedSplit(4, 4, us, is, ts)
	cfg := model.Config{Kind: "mf", Training: model.Training{LR: 0.05, Seed: 5}, Settings: model.Settings{Dim: 3, InitStd: 0.3, L2: 0.03, BiasL2: 0.01, SVDpp: true}}.WithDefaults()
	net := model.NewMF(4, 4, cfg)
	net.Mu = 0.6
	net.Rated = newRated(s, cfg)
	d := net.Dim
	pu, qi, yj := float64Rows(net.UserEmb, 4, d), float64Rows(net.ItemEmb, 4, d), float64Rows(net.Rated, 4, d)
	bu, bi := make([]float64, 4), make([]float64, 4)
	rated := map[int32][]int32{}
	for r, u := range us {
		rated[u] = append(rated[u], is[r])
	}
	k := newMFKernel(net, cfg)
	k.withRated(s, net, cfg)
	order := newRatedState(s, d, false, cfg.Seed) // draws the kernel's user order
	for range 5 {
		if _, err := k.epoch(us, is, ts, 4, nil); err != nil {
			t.Fatal(err)
		}
		gu, gi, gt := order.group(us, is, ts)
		surpriseSVDpp(0.6, bu, bi, pu, qi, yj, rated, gu, gi, gt, 0.05, 0.03, 0.01)
	}
	k.store()
	whole := make([][]float64, 4) // the saved user rows: p_u + |N(u)|^-½ Σ y_j
	for u := range whole {
		whole[u] = slices.Clone(pu[u])
		for _, j := range rated[int32(u)] {
			for f := range whole[u] {
				whole[u][f] += yj[j][f] / math.Sqrt(float64(len(rated[int32(u)])))
			}
		}
	}
	checkNear(t, "user_bias", net.UserBias, bu)
	checkNear(t, "item_bias", net.ItemBias, bi)
	checkNear(t, "user_embedding", net.UserEmb, slices.Concat(whole...))
	checkNear(t, "item_embedding", net.ItemEmb, slices.Concat(qi...))
	checkNear(t, "rated_embedding", net.Rated, slices.Concat(yj...))
}

// choiceData makes a table where what a user chose to rate may tell their
// taste: users+fresh users of one of three tastes, 60 items in three
// groups of 20, each user rating perUser distinct items; a rating is
// 3 ± 1.2 (+ for an item of the user's taste's group, - otherwise) plus
// N(0, 1.2²) noise, clipped to 1..5. With signal each user takes three in
// four items from their own group, so the set of items rated tells the
// taste better than the few noisy ratings do; without it every item is
// equally likely, and the set says nothing. The last fresh users are left
// out of the table and returned apart, as new learners.
func choiceData(signal bool, users, fresh, perUser int, seed uint64) (*dataset.Dataset, [][]model.Rated) {
	rng := rand.New(rand.NewPCG(seed, 0xc401ce))
	const items, groups = 60, 3
	var r dataset.Ratings
	var learners [][]model.Rated
	for u := range users + fresh {
		taste := rng.IntN(groups)
		chosen := map[int]bool{}
		var rows []model.Rated
		for len(rows) < perUser {
			g := rng.IntN(groups)
			if signal && rng.Float64() < 0.75 {
				g = taste
			}
			i := g*(items/groups) + rng.IntN(items/groups)
			if chosen[i] {
				continue
			}
			chosen[i] = true
			v := 3 - 1.2 + rng.NormFloat64()*1.2
			if g == taste {
				v += 2.4
			}
			rows = append(rows, model.Rated{Item: int32(i), Target: min(max(v, 1), 5)})
		}
		if u >= users {
			learners = append(learners, rows)
			continue
		}
		for _, x := range rows {
			r.User, r.Item, r.Value = append(r.User, int32(u)), append(r.Item, x.Item), append(r.Value, float32(x.Target))
		}
	}
	raw := func(p string, n int) []string {
		out := make([]string, n)
		for k := range out {
			out[k] = fmt.Sprintf("%s%d", p, k)
		}
		return out
	}
	return &dataset.Dataset{Name: "choice", Users: dataset.NewIDMap(raw("u", users)), Items: dataset.NewIDMap(raw("i", items)), Ratings: r}, learners
}

// foldInRMSE folds each learner in from all but their last three ratings
// and returns the RMSE of the scores of those three.
func foldInRMSE(t *testing.T, m *model.Model, learners [][]model.Rated) float64 {
	t.Helper()
	var sse float64
	var n int
	for _, rows := range learners {
		given := map[string]float64{}
		for _, x := range rows[:len(rows)-3] {
			given[m.Items.Raw(x.Item)] = x.Target
		}
		res, err := m.FoldIn(given, m.Items.Len(), 0)
		if err != nil {
			t.Fatal(err)
		}
		score := map[string]float64{}
		for _, rec := range res.Recs {
			score[rec.Item] = rec.Score
		}
		for _, x := range rows[len(rows)-3:] {
			e := min(max(score[m.Items.Raw(x.Item)], 1), 5) - x.Target
			sse += e * e
			n++
		}
	}
	return math.Sqrt(sse / float64(n))
}

// TestRatedKnownAnswer trains dot and mf with and without the svdpp
// setting on choiceData. Where the choice of items carries the taste,
// svdpp must lower both the test RMSE and the RMSE of new learners
// folded in; where it carries nothing, svdpp must not raise either by more
// than 2%.
func TestRatedKnownAnswer(t *testing.T) {
	if testing.Short() {
		t.Skip("trains eight models")
	}
	for _, kind := range []string{"dot", "mf"} {
		for _, signal := range []bool{true, false} {
			d, learners := choiceData(signal, 1500, 300, 8, 11)
			s, err := dataset.SplitRandom(d, dataset.Fractions{}, 42)
			if err != nil {
				t.Fatal(err)
			}
			var test, fold [2]float64
			for k, svdpp := range []bool{false, true} {
				m, err := Fit(context.Background(), s, model.Config{Kind: kind, Settings: model.Settings{SVDpp: svdpp}})
				if err != nil {
					t.Fatal(err)
				}
				test[k], fold[k] = m.Test(s.Test).RMSE, foldInRMSE(t, m, learners)
			}
			t.Logf("%s, signal %v: test RMSE %.4f plain, %.4f svdpp; fold-in RMSE %.4f plain, %.4f svdpp", kind, signal, test[0], test[1], fold[0], fold[1])
			switch {
			case signal && !(test[1] < 0.98*test[0] && fold[1] < 0.98*fold[0]):
				t.Errorf("%s: where the choice tells the taste, svdpp does not lower the test and fold-in RMSE by 2%%", kind)
			case !signal && !(test[1] < 1.02*test[0] && fold[1] < 1.02*fold[0]):
				t.Errorf("%s: where the choice tells nothing, svdpp raises the test or fold-in RMSE by more than 2%%", kind)
			}
		}
	}
}
