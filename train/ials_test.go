package train_test

import (
	"context"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
	"github.com/recnet/recnet/train"
)

// groupSplit plants 4 groups of users (30, 50, 70 and 90 users) and 4
// groups of 10 items: each user interacts with 6 of its group's 10 items,
// so that the larger groups' items are the more popular and most-popular
// ranks another group's items first for most users. Every row goes to
// training. groupOf gives a user's group.
func groupSplit(t testing.TB) *dataset.Split {
	t.Helper()
	rng := rand.New(rand.NewPCG(7, 8))
	d := &dataset.Dataset{Name: "groups", Users: dataset.NewIDMap(nil), Items: dataset.NewIDMap(nil)}
	for i := range 40 {
		d.Items.Add("i" + strconv.Itoa(i))
	}
	for g := range 4 {
		for n := range 30 + 20*g {
			uid := d.Users.Add("g" + strconv.Itoa(g) + "u" + strconv.Itoa(n))
			for _, j := range rng.Perm(10)[:6] {
				d.Ratings.Append(uid, int32(g*10+j), 1)
			}
		}
	}
	s, err := dataset.SplitRandom(d, dataset.Fractions{Train: 1}, 42)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// groupOf returns the planted group of a user of groupSplit.
func groupOf(s *dataset.Split, u int) int { return int(s.Users.Raw(int32(u))[1] - '0') }

// TestIALSPlantedGroups: ials ranks each user's 4 unseen items of its own
// group above every item of the other groups.
func TestIALSPlantedGroups(t *testing.T) {
	s := groupSplit(t)
	m, err := train.Fit(context.Background(), s, model.Config{Kind: "ials", Settings: model.Settings{Dim: 4}})
	if err != nil {
		t.Fatal(err)
	}
	if m.ScoreName() != model.ScoreRelevance {
		t.Errorf("score name %q, want %q", m.ScoreName(), model.ScoreRelevance)
	}
	for u := range s.Users.Len() {
		recs, err := m.Recommend(s.Users.Raw(int32(u)), 4, model.RecommendOptions{})
		if err != nil {
			t.Fatal(err)
		}
		g := groupOf(s, u)
		for _, r := range recs {
			i, _ := m.Items.Inner(r.Item)
			if int(i)/10 != g {
				t.Fatalf("user %d of group %d: recommended %s of group %d (%v)", u, g, r.Item, i/10, recs)
			}
		}
	}
	if h := m.History; len(h) != 15 || !(h[14].Loss <= h[0].Loss) {
		t.Errorf("history %v: want 15 iterations, the loss not rising", h)
	}
}

// TestALSRowBruteForce: one row of a half-step equals the weighted least
// squares over every cell, solved by brute force, with each cell's
// confidence and the frequency-scaled penalty.
func TestALSRowBruteForce(t *testing.T) {
	const d, items = 3, 5
	rng := rand.New(rand.NewPCG(1, 2))
	y := make([]float32, items*d)
	for k := range y {
		y[k] = float32(rng.NormFloat64())
	}
	alpha, l2 := 3.0, 0.05
	for _, rated := range [][]int32{{0, 2}, {1}, {0, 1, 2, 3, 4}, nil} {
		row := model.ALSRow{Dim: d, Alpha: alpha, L2: l2, Others: items, Gram: model.Gram(nil, y, items, d)}
		got := make([]float32, d)
		if err := row.Solve(got, y, rated); err != nil {
			t.Fatal(err)
		}
		want := bruteALS(y, items, d, rated, alpha, l2)
		for c := range d {
			if math.Abs(float64(got[c])-want[c]) > 1e-5 {
				t.Errorf("items %v: x = %v, brute force %v", rated, got, want)
				break
			}
		}
	}
}

// bruteALS solves min Σ_i c_i (p_i − <x, y_i>)² + λ_u|x|² over every item
// by Gaussian elimination of its normal equations, summed cell by cell.
func bruteALS(y []float32, items, d int, rated []int32, alpha, l2 float64) []float64 {
	a := make([][]float64, d)
	for r := range a {
		a[r] = make([]float64, d+1)
	}
	for i := range items {
		c, p := 1.0, 0.0
		if slices.Contains(rated, int32(i)) {
			c, p = 1+alpha, 1
		}
		for r := range d {
			for s := range d {
				a[r][s] += c * float64(y[i*d+r]) * float64(y[i*d+s])
			}
			a[r][d] += c * p * float64(y[i*d+r])
		}
	}
	for r := range d {
		a[r][r] += l2 * (float64(items) + alpha*float64(len(rated)))
	}
	for col := range d {
		for r := col + 1; r < d; r++ {
			f := a[r][col] / a[col][col]
			for s := col; s <= d; s++ {
				a[r][s] -= f * a[col][s]
			}
		}
	}
	x := make([]float64, d)
	for r := d - 1; r >= 0; r-- {
		s := a[r][d]
		for c := r + 1; c < d; c++ {
			s -= a[r][c] * x[c]
		}
		x[r] = s / a[r][r]
	}
	return x
}

// TestIALSThreadsSameBits: the factors do not depend on the number of
// goroutines of a half-step.
func TestIALSThreadsSameBits(t *testing.T) {
	s := groupSplit(t)
	cfg := model.Config{Kind: "ials", Training: model.Training{Epochs: 3}, Settings: model.Settings{Dim: 8}}
	fit := func(procs int) []float32 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		m, err := train.Fit(context.Background(), s, cfg)
		if err != nil {
			t.Fatal(err)
		}
		return slices.Concat(m.Net.Params()[0].Data, m.Net.Params()[1].Data)
	}
	if a, b := fit(1), fit(3); !slices.Equal(a, b) {
		t.Error("1 and 3 goroutines give different factors")
	}
}

// TestIALSFoldInSaveLoad: a folded-in user of a trained user's items
// lands near that user's trained row (the fold-in is the user half-step,
// and training ends with an item half-step), its explanation adds up to
// its score exactly, and a saved model loads to the same scores and
// recommendations.
func TestIALSFoldInSaveLoad(t *testing.T) {
	s := groupSplit(t)
	ctx := context.Background()
	m, err := train.Fit(ctx, s, model.Config{Kind: "ials", Training: model.Training{Epochs: 30}, Settings: model.Settings{Dim: 8}})
	if err != nil {
		t.Fatal(err)
	}
	const u = 5
	items, _ := m.SeenItems(u)
	ratings := map[string]float64{}
	for _, i := range items {
		ratings[m.Items.Raw(i)] = 1
	}
	res, err := m.FoldIn(ratings, 4, 0)
	if err != nil {
		t.Fatal(err)
	}
	net := m.Net.(*model.IALS)
	trained := net.UserEmb[u*net.Dim : (u+1)*net.Dim]
	var diff, norm float64
	for c, v := range res.UserEmb {
		diff += (float64(v) - float64(trained[c])) * (float64(v) - float64(trained[c]))
		norm += float64(trained[c]) * float64(trained[c])
	}
	if math.Sqrt(diff) > 0.03*math.Sqrt(norm) {
		t.Errorf("folded-in user %v, trained %v", res.UserEmb, trained)
	}
	want, err := m.Recommend(s.Users.Raw(u), 4, model.RecommendOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(model.Items(res.Recs), model.Items(want)) {
		t.Errorf("fold-in recommends %v, the trained user %v", model.Items(res.Recs), model.Items(want))
	}
	es, err := m.Explain(ctx, ratings, model.Items(res.Recs), 0)
	if err != nil {
		t.Fatal(err)
	}
	for k, e := range es {
		var sum float64
		for _, p := range e.Parts {
			sum += p.Part
		}
		if !e.Exact || e.Scale != model.ScoreRelevance || e.Base != 0 || math.Abs(sum-e.Score) > 1e-9 ||
			math.Abs(e.Score-float64(res.Recs[k].Score)) > 1e-5 {
			t.Errorf("explanation %+v of %+v: parts sum to %g", e, res.Recs[k], sum)
		}
	}

	path := filepath.Join(t.TempDir(), "ials.recnet")
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	l, err := model.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := l.Recommend(s.Users.Raw(u), 4, model.RecommendOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) || l.Config.Alpha != m.Config.Alpha || l.Config.L2 != m.Config.L2 {
		t.Errorf("loaded model recommends %v (config %+v), saved %v (%+v)", got, l.Config, want, m.Config)
	}
}

// BenchmarkIALSIteration times one ials iteration (both half-steps) at 64
// factors on the interactions of a MovieLens-shaped table:
// RECNET_IALS_SHAPE names it (default ml1m; ml25m is the goal),
// made once and not timed.
func BenchmarkIALSIteration(b *testing.B) {
	name := os.Getenv("RECNET_IALS_SHAPE")
	if name == "" {
		name = "ml1m"
	}
	sh, err := dataset.ShapeByName(name)
	if err != nil {
		b.Fatal(err)
	}
	d := dataset.GenerateShape(sh, 42)
	net := model.NewIALS(d.Users.Len(), d.Items.Len(), model.Config{Kind: "ials", Settings: model.Settings{Dim: 64}})
	byUser, byItem := train.NewInteractions(d.Ratings.User, d.Ratings.Item, net.Users), train.NewInteractions(d.Ratings.Item, d.Ratings.User, net.Items)
	b.ReportMetric(float64(byUser.Len()), "interactions")
	b.ResetTimer()
	for range b.N {
		if err := train.IALSIteration(context.Background(), net, byUser, byItem); err != nil {
			b.Fatal(err)
		}
	}
}
