package train_test

import (
	"bytes"
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
	"github.com/recnet/recnet/train"
)

// bruteNNLS minimizes wᵀgw - 2rᵀw over w ≥ 0 by trying every set of free
// variables: the least squares solution on the set, kept when it is
// non-negative.
func bruteNNLS(g, r []float64, k int) (best []float64, bestObj float64) {
	bestObj = math.Inf(1)
	for mask := 0; mask < 1<<k; mask++ {
		free := make([]bool, k)
		for j := range k {
			free[j] = mask&(1<<j) != 0
		}
		// Solve the free subsystem by the normal equations, Gauss-Jordan.
		var idx []int
		for j := range k {
			if free[j] {
				idx = append(idx, j)
			}
		}
		n := len(idx)
		a := make([][]float64, n)
		for p, j := range idx {
			a[p] = make([]float64, n+1)
			for q, c := range idx {
				a[p][q] = g[j*k+c]
			}
			a[p][n] = r[j]
		}
		ok := true
		for c := range n {
			piv := c
			for row := c + 1; row < n; row++ {
				if math.Abs(a[row][c]) > math.Abs(a[piv][c]) {
					piv = row
				}
			}
			if math.Abs(a[piv][c]) < 1e-12 {
				ok = false
				break
			}
			a[c], a[piv] = a[piv], a[c]
			for row := range n {
				if row != c {
					f := a[row][c] / a[c][c]
					for q := c; q <= n; q++ {
						a[row][q] -= f * a[c][q]
					}
				}
			}
		}
		if !ok {
			continue
		}
		w := make([]float64, k)
		for p, j := range idx {
			w[j] = a[p][n] / a[p][p]
			if w[j] < 0 {
				ok = false
			}
		}
		if !ok {
			continue
		}
		if obj := nnlsObjective(g, r, w, k); obj < bestObj {
			best, bestObj = w, obj
		}
	}
	return best, bestObj
}

// nnlsObjective returns wᵀgw - 2rᵀw: |Aw - y|² less |y|².
func nnlsObjective(g, r, w []float64, k int) float64 {
	var s float64
	for a := range k {
		for b := range k {
			s += w[a] * g[a*k+b] * w[b]
		}
		s -= 2 * r[a] * w[a]
	}
	return s
}

// TestNNLSBruteForce checks NNLS against every active set on random
// problems of 1 to 5 variables, many of whose unconstrained solutions
// have negative entries.
func TestNNLSBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 300 {
		k := 1 + trial%5
		rows := k + 3
		a := make([]float64, rows*k)
		y := make([]float64, rows)
		for i := range a {
			a[i] = rng.NormFloat64()
		}
		for i := range y {
			y[i] = rng.NormFloat64()
		}
		g, r := make([]float64, k*k), make([]float64, k)
		for row := range rows {
			for p := range k {
				r[p] += a[row*k+p] * y[row]
				for q := range k {
					g[p*k+q] += a[row*k+p] * a[row*k+q]
				}
			}
		}
		w := train.NNLS(nil, g, r, k)
		want, wantObj := bruteNNLS(g, r, k)
		for j := range k {
			if w[j] < 0 {
				t.Fatalf("trial %d: w[%d] = %g < 0", trial, j, w[j])
			}
			if math.Abs(w[j]-want[j]) > 1e-9 {
				t.Errorf("trial %d: w = %v, brute force %v", trial, w, want)
				break
			}
		}
		if obj := nnlsObjective(g, r, w, k); obj > wantObj+1e-9 {
			t.Errorf("trial %d: objective %g above brute force's %g", trial, obj, wantObj)
		}
	}
}

// TestNNLSCollinear checks that a column repeated exactly does not stop
// NNLS: the weight goes to one copy (the sum of both is what fits).
func TestNNLSCollinear(t *testing.T) {
	// A = [x x z], y = 2x + 0.5z with x, z orthogonal.
	g := []float64{
		1, 1, 0,
		1, 1, 0,
		0, 0, 1,
	}
	r := []float64{2, 2, 0.5}
	w := train.NNLS(nil, g, r, 3)
	if math.Abs(w[0]+w[1]-2) > 1e-12 || math.Abs(w[2]-0.5) > 1e-12 {
		t.Errorf("w = %v, want w0 + w1 = 2 and w2 = 0.5", w)
	}
}

// tableNet scores from a full users x items table.
type tableNet struct {
	items int
	s     []float32
}

func (n *tableNet) Score(u, i int32) float32        { return n.s[int(u)*n.items+int(i)] }
func (n *tableNet) Kind() string                    { return "table" }
func (n *tableNet) Params() []model.Param           { return nil }
func (n *tableNet) SummaryRows() []model.SummaryRow { return nil }

// TestBlendWeightsKnownAnswer blends the truth plus small noise with pure
// noise: the weight goes to the first, close to 1, and none to the
// second; a third member that is the truth turned around gets none.
func TestBlendWeightsKnownAnswer(t *testing.T) {
	const users, items = 40, 30
	rng := rand.New(rand.NewPCG(3, 4))
	truth := make([]float32, users*items)
	good := &tableNet{items: items, s: make([]float32, users*items)}
	noise := &tableNet{items: items, s: make([]float32, users*items)}
	flip := &tableNet{items: items, s: make([]float32, users*items)}
	for k := range truth {
		truth[k] = float32(0.5 + 0.2*rng.NormFloat64())
		good.s[k] = truth[k] + float32(0.02*rng.NormFloat64())
		noise.s[k] = float32(0.5 + 0.2*rng.NormFloat64())
		flip.s[k] = 1 - truth[k]
	}
	var r dataset.Ratings
	var targets []float32
	for u := range int32(users) {
		for i := range int32(items) {
			r.User, r.Item = append(r.User, u), append(r.Item, i)
			r.Value = append(r.Value, truth[int(u)*items+int(i)])
			targets = append(targets, truth[int(u)*items+int(i)])
		}
	}
	w, err := train.BlendWeights([]model.Net{good, noise, flip}, r, targets)
	if err != nil {
		t.Fatal(err)
	}
	if w[0] < 0.95 || w[0] > 1.01 || w[1] > 0.01 || w[2] != 0 || math.Abs(float64(w[3])) > 0.03 {
		t.Errorf("weights %v (then the intercept), want about 1, 0, 0 and an intercept about 0", w)
	}
	if _, err := train.BlendWeights([]model.Net{good}, dataset.Ratings{}, nil); !errors.Is(err, train.ErrNoValidation) {
		t.Errorf("no rows: error %v, want ErrNoValidation", err)
	}
}

// blendSplit returns a small low-rank split for blend tests.
func blendSplit(t *testing.T) *dataset.Split {
	t.Helper()
	d, _ := dataset.GenerateLowRank(dataset.LowRankConfig{Users: 120, Items: 40, Rank: 3, Rows: 3000, Noise: 0.3, Seed: 5})
	s, err := dataset.SplitRandom(d, dataset.Fractions{}, 42)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// blendConfig is a blend of a short dot, a short mf and bias.
func blendConfig() model.Config {
	return model.Config{Kind: model.BlendKind, Members: &[]model.Config{
		{Kind: "dot", Training: model.Training{Epochs: 8}},
		{Kind: "mf", Training: model.Training{Epochs: 15}},
		{Kind: "bias"},
	}}
}

// rmse returns the RMSE of m's unclipped scores on r, on the training
// scale.
func rmseOn(m *model.Model, r dataset.Ratings) float64 {
	var s float64
	for k := range r.Len() {
		d := float64(m.Net.Score(r.User[k], r.Item[k]) - m.ToScale(float64(r.Value[k])))
		s += d * d
	}
	return math.Sqrt(s / float64(r.Len()))
}

// TestBlendFit fits a blend of dot, mf and bias and checks that its
// validation RMSE is at most each member's, that it saves and loads to the
// same bits, and that it recommends, folds in and explains, the weighted
// explanation adding up to the folded score.
func TestBlendFit(t *testing.T) {
	s := blendSplit(t)
	ctx := context.Background()
	m, err := train.Fit(ctx, s, blendConfig())
	if err != nil {
		t.Fatal(err)
	}
	b := m.Net.(*model.Blend)
	blendRMSE := rmseOn(m, s.Valid)
	for k := range b.Members {
		mk := m.Member(k)
		if got := rmseOn(mk, s.Valid); blendRMSE > got+1e-6 {
			t.Errorf("validation RMSE: blend %.6f above member %d (%s) %.6f", blendRMSE, k+1, mk.Net.Kind(), got)
		}
	}
	t.Logf("weights %v, validation RMSE %.4f", b.Weights, blendRMSE)

	var buf bytes.Buffer
	if err := m.Write(&buf); err != nil {
		t.Fatal(err)
	}
	l, err := model.Read(bytes.NewReader(buf.Bytes()), "blend")
	if err != nil {
		t.Fatal(err)
	}
	for u := range int32(s.Users.Len()) {
		for i := range int32(s.Items.Len()) {
			if a, b := m.Net.Score(u, i), l.Net.Score(u, i); math.Float32bits(a) != math.Float32bits(b) {
				t.Fatalf("score of (%d, %d): %v saved, %v loaded", u, i, a, b)
			}
		}
	}
	if len(l.Config.MemberList()) != 3 || l.Config.MemberList()[1].Kind != "mf" || l.Config.MemberList()[0].Epochs != 8 {
		t.Errorf("loaded members %+v", l.Config.MemberList())
	}

	user := s.Users.Raw(0)
	recs, err := l.Recommend(user, 5, model.RecommendOptions{})
	if err != nil || len(recs) != 5 {
		t.Fatalf("recommend: %v, %v", recs, err)
	}
	ratings := map[string]float64{}
	for k := range 6 {
		ratings[s.Items.Raw(int32(k))] = l.Min + (l.Max-l.Min)*float64(k%5)/4
	}
	fold, err := l.FoldIn(ratings, 5, 0)
	if err != nil || len(fold.Recs) != 5 {
		t.Fatalf("fold-in: %v, %v", fold.Recs, err)
	}
	es, err := l.Explain(ctx, ratings, model.Items(fold.Recs), 0)
	if err != nil {
		t.Fatal(err)
	}
	for k, e := range es {
		sum := e.Base
		for _, p := range e.Parts {
			sum += p.Part
		}
		if !e.Exact || math.Abs(sum-e.Score) > 1e-4 || math.Abs(e.Score-fold.Recs[k].Score) > 1e-4 {
			t.Errorf("%s: exact %v, score %g, base + parts %g, fold-in's %g", e.Item, e.Exact, e.Score, sum, fold.Recs[k].Score)
		}
	}
	if err := l.Summary(&bytes.Buffer{}); err != nil {
		t.Error(err)
	}
}

// TestBlendRefusals checks the blends that are refused: no validation
// part, an implicit-only member, a nested blend.
func TestBlendRefusals(t *testing.T) {
	s := blendSplit(t)
	ctx := context.Background()
	noValid := *s
	noValid.Train = dataset.Concat(s.Train, s.Valid)
	noValid.Valid = dataset.Ratings{}
	if _, err := train.Fit(ctx, &noValid, blendConfig()); !errors.Is(err, train.ErrNoValidation) {
		t.Errorf("no validation: %v, want ErrNoValidation", err)
	}
	for _, c := range []struct {
		members []model.Config
		want    string
	}{
		{[]model.Config{{Kind: "ials"}}, "ials learns the implicit task"},
		{[]model.Config{{Kind: "dot", Training: model.Training{Task: model.TaskImplicit}}}, "dot learns the implicit task"},
		{[]model.Config{{Kind: "bias"}, {Kind: model.BlendKind}}, "member 2 is a blend: blends do not nest"},
		{[]model.Config{{Kind: "nosuch"}}, `unknown kind "nosuch"`},
		{[]model.Config{{Kind: "dot", Training: model.Training{NoScale: true}}}, "trains unscaled"},
		{[]model.Config{}, "needs members"},
	} {
		cfg := model.Config{Kind: model.BlendKind, Members: &c.members}
		if _, err := train.Fit(ctx, s, cfg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("members %+v: error %v, want %q", c.members, err, c.want)
		}
	}
}
