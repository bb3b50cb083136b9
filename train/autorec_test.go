package train

import (
	"bytes"
	"context"
	"math"
	"slices"
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/eval"
	"github.com/recnet/recnet/model"
)

// autorecCfg is the autorec config of the tests: hidden units, λ and
// otherwise the defaults.
func autorecCfg(hidden int, l2 float64) model.Config {
	return model.Config{Kind: (*model.AutoRec)(nil).Kind(), Settings: model.Settings{Dim: hidden, L2: l2}}.WithDefaults()
}

// TestAutoRecGradient checks the gradient of one batch of every item
// (each user's whole penalty then falls in it) against central finite
// differences of the objective ½ Σ e² + (λ/2)(|W|² + |V|² + |s|²) +
// (λ_b/2) Σ (c_u − μ)², for the decoder, its biases, its shared row, the
// encoder and its bias.
func TestAutoRecGradient(t *testing.T) {
	d, _ := dataset.GenerateLowRank(dataset.LowRankConfig{Users: 9, Items: 6, Rank: 2, Rows: 30, Noise: 0.2, Seed: 3})
	s, err := dataset.SplitRandom(d, dataset.Fractions{Train: 1}, 1)
	if err != nil {
		t.Fatal(err)
	}
	const lambda, biasL2 = 0.3, 0.7
	cfg := autorecCfg(5, lambda)
	cfg.BiasL2 = biasL2
	m := &model.Model{Config: cfg, Min: s.Min, Max: s.Max}
	tr := newAutoRecTrainer(s, m, 2)
	net := tr.net
	// Move the decoder and biases off their zero start.
	for k := range net.Dec {
		net.Dec[k] = float32(math.Sin(float64(k))) * 0.3
	}
	for k := range net.EncBias {
		net.EncBias[k] = float32(math.Cos(float64(k))) * 0.2
		net.Shared[k] = float32(math.Sin(float64(k)+1)) * 0.4
	}
	for u := range net.DecBias {
		net.DecBias[u] += float32(u%3) * 0.05
	}
	loss := func() float64 {
		tr.codes(net)
		var j float64
		for q, u := range tr.r.user {
			i := int32(slices.IndexFunc(tr.r.start[1:], func(end int) bool { return end > q }))
			e := float64(net.Score(u, i)) - float64(tr.r.t[q])
			j += e * e / 2
		}
		for u := range net.Users {
			if tr.perUser[u] == 0 {
				continue
			}
			h := net.Hidden
			for _, tab := range [][]float32{net.Dec, net.Enc} {
				for _, w := range tab[u*h : u*h+h] {
					j += lambda / 2 * float64(w) * float64(w)
				}
			}
		}
		for _, w := range net.Shared {
			j += lambda / 2 * float64(w) * float64(w)
		}
		for u, c := range net.DecBias {
			if tr.perUser[u] > 0 {
				j += biasL2 / 2 * math.Pow(float64(c-tr.mu), 2)
			}
		}
		return j
	}
	tr.grad(tr.rated, nil)
	check := func(name string, v, grad []float32) {
		grad = slices.Clone(grad)
		for k := range v {
			orig := v[k]
			const h = 1e-3
			v[k] = orig + h
			lp := loss()
			v[k] = orig - h
			lm := loss()
			v[k] = orig
			if num := (lp - lm) / (2 * h); !closeGrad(float64(grad[k]), num) {
				t.Errorf("%s[%d]: gradient %.6f, finite difference %.6f", name, k, grad[k], num)
			}
		}
	}
	check("decoder", net.Dec, tr.gDec)
	check("decoder bias", net.DecBias, tr.gDB)
	check("encoder", net.Enc, tr.gEnc)
	check("encoder bias", net.EncBias, tr.gEB)
	check("shared decoder row", net.Shared, tr.gSh)
}

// TestAutoRecLowRank trains autorec on TestKnownAnswer's rank-4 table
// (400 users, 120 items, half the cells rated): its test RMSE comes within
// 20% of the generator's noise (the floor no model can pass) and beats
// the bias baseline. (Dot's defaults reach 0.40 there, 1.6 times the
// noise; its known-answer settings, within 15%.)
func TestAutoRecLowRank(t *testing.T) {
	s, truth := lowRankSplit(t, 0.25)
	m := fitLowRankAutoRec(t, s)
	c := eval.Compare(m, s, s.Test)
	rmse := c.Model.RMSE
	t.Logf("test RMSE %.4f (noise %.2f, bias %.4f), best epoch %d", rmse, truth.Noise, c.Bias.RMSE, m.BestEpoch)
	if rmse > 1.2*truth.Noise || !c.BeatsBias() {
		t.Errorf("test RMSE %.4f: want within 20%% of the noise %.2f and below the bias baseline's %.4f", rmse, truth.Noise, c.Bias.RMSE)
	}
}

// fitLowRankAutoRec trains the autorec of the known-answer tests on s.
func fitLowRankAutoRec(t *testing.T, s *dataset.Split) *model.Model {
	t.Helper()
	cfg := autorecCfg(10, 1)
	cfg.LR, cfg.Batch, cfg.Epochs, cfg.Patience = 0.001, 16, 500, 30
	m, err := Fit(context.Background(), s, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestAutoRecThreads trains five epochs on one and on three goroutines
// (the trainer's workers, which Fit chooses by autorecWorkers): the same
// bits.
func TestAutoRecThreads(t *testing.T) {
	d, _ := dataset.GenerateLowRank(dataset.LowRankConfig{Users: 80, Items: 50, Rank: 2, Rows: 2000, Noise: 0.2, Seed: 4})
	s, err := dataset.SplitRandom(d, dataset.Fractions{}, 42)
	if err != nil {
		t.Fatal(err)
	}
	cfg := autorecCfg(20, 0.5)
	cfg.Batch = 8
	var nets []model.Net
	for _, n := range []int{1, 3} {
		tr := newAutoRecTrainer(s, &model.Model{Config: cfg, Min: s.Min, Max: s.Max}, n)
		order := slices.Clone(tr.rated)
		rng := newShuffleRNG(cfg)
		for range 5 {
			rng.Shuffle(len(order), func(a, b int) { order[a], order[b] = order[b], order[a] })
			tr.epoch(order, cfg.Batch, nil)
		}
		nets = append(nets, tr.net)
	}
	a, b := nets[0].Params(), nets[1].Params()
	for k := range a {
		if !slices.Equal(bitsOf(a[k].Data), bitsOf(b[k].Data)) {
			t.Errorf("%s differs between 1 and 3 goroutines", a[k].Name)
		}
	}
}

// bitsOf returns the bits of v.
func bitsOf(v []float32) []uint32 {
	out := make([]uint32, len(v))
	for k, x := range v {
		out[k] = math.Float32bits(x)
	}
	return out
}

// TestAutoRecFoldInAndFile folds in a trained user of the known-answer
// model from their training ratings (a new column of the decoder, the
// codes fixed): its scores of every item come near the trained column's,
// and Explain splits them exactly. A saved model reads back with the same
// bits.
func TestAutoRecFoldInAndFile(t *testing.T) {
	s, _ := lowRankSplit(t, 0.25)
	m := fitLowRankAutoRec(t, s)
	net := m.Net.(*model.AutoRec)
	rated := make([][]model.Rated, net.Users)
	t0 := m.ScaleRatings(s.Train)
	for k, u := range s.Train.User {
		rated[u] = append(rated[u], model.Rated{Item: s.Train.Item[k], Target: float64(t0[k])})
	}
	folded := make([]model.FoldedUser, net.Users)
	for u, r := range rated {
		slices.SortFunc(r, func(a, b model.Rated) int { return int(a.Item - b.Item) })
		f, err := net.FoldInUser(context.Background(), r, net.FoldInLambda())
		if err != nil {
			t.Fatal(err)
		}
		folded[u] = f
	}
	var trained, fold float64
	for k, u := range s.Test.User {
		i, y := s.Test.Item[k], float64(s.Test.Value[k])
		trained += math.Pow(m.PredictInner(u, i)-y, 2)
		fold += math.Pow(m.FromScale(folded[u].Score(i))-y, 2)
	}
	trained, fold = math.Sqrt(trained/float64(s.Test.Len())), math.Sqrt(fold/float64(s.Test.Len()))
	t.Logf("test RMSE of every user folded in from their training ratings %.4f, trained in %.4f", fold, trained)
	if fold > 1.1*trained {
		t.Errorf("folded-in users' test RMSE %.4f, want within 10%% of the trained users' %.4f", fold, trained)
	}
	f := folded[3]
	z, base, parts := f.Explain(5)
	var sum float64
	for _, p := range parts {
		sum += p
	}
	if !f.Exact || math.Abs(z-base-sum) > 1e-4 || math.Abs(z-float64(f.Score(5))) > 1e-4 {
		t.Errorf("explain: z %g = base %g + parts %g, score %g", z, base, sum, f.Score(5))
	}

	var buf bytes.Buffer
	if err := m.Write(&buf); err != nil {
		t.Fatal(err)
	}
	back, err := model.Read(&buf, "autorec")
	if err != nil {
		t.Fatal(err)
	}
	a, b := m.Net.Params(), back.Net.Params()
	if len(a) != len(b) {
		t.Fatalf("%d tables read back, want %d", len(b), len(a))
	}
	for k := range a {
		if a[k].Name != b[k].Name || !slices.Equal(bitsOf(a[k].Data), bitsOf(b[k].Data)) {
			t.Errorf("table %s differs after a round trip", a[k].Name)
		}
	}
	if back.Net.Score(3, 7) != m.Net.Score(3, 7) {
		t.Error("the model read back scores differently")
	}
}

// TestAutoRecWorkers: a batch of little work runs on one goroutine, one
// of much on every processor, never more.
func TestAutoRecWorkers(t *testing.T) {
	for _, c := range []struct{ procs, nnz, items, batch, hidden, want int }{
		{2, 80668, 9724, 16, 500, 2}, // ml-latest-small's training part: 66,000 a batch
		{8, 80668, 9724, 16, 500, 2},
		{2, 80668, 9724, 16, 100, 1}, // 13,000 a batch
		{2, 186644, 126, 16, 500, 2}, // the built-in courses'
		{8, 186644, 126, 16, 500, 8},
		{4, 0, 0, 16, 500, 1},         // no ratings
		{4, 1000, 10, 64, 1 << 20, 4}, // a batch larger than the items
	} {
		if got := autorecWorkers(c.procs, c.nnz, c.items, c.batch, c.hidden); got != c.want {
			t.Errorf("%+v: %d workers", c, got)
		}
	}
}
