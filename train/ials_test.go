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
// groups of 10 items (dataset.GeneratePlanted): each user interacts with
// 6 of its group's 10 items, so that the larger groups' items are the more
// popular and most-popular ranks another group's items first for most
// users. Every row goes to training. It returns each user's group.
func groupSplit(t testing.TB) (*dataset.Split, []int) {
	t.Helper()
	d, group := dataset.GeneratePlanted(dataset.PlantedConfig{Groups: []int{30, 50, 70, 90}, Items: 10, Take: 6, Seed: 7})
	s, err := dataset.SplitRandom(d, dataset.Fractions{Train: 1}, 42)
	if err != nil {
		t.Fatal(err)
	}
	return s, group
}

// TestIALSPlantedGroups: ials ranks each user's 4 unseen items of its own
// group above every item of the other groups, with conjugate gradients
// (the default) and with exact solves.
func TestIALSPlantedGroups(t *testing.T) {
	s, group := groupSplit(t)
	for _, steps := range []int{0, -1} {
		t.Run(strconv.Itoa(steps), func(t *testing.T) { plantedGroups(t, s, group, steps) })
	}
}

// plantedGroups checks TestIALSPlantedGroups with the given CG steps.
func plantedGroups(t *testing.T, s *dataset.Split, group []int, steps int) {
	m, err := train.Fit(context.Background(), s, model.Config{Kind: "ials", Settings: model.Settings{Dim: 4, CGSteps: steps}})
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
		g := group[u]
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
	for _, tc := range []struct {
		rated []int32
		vals  []float32
	}{{rated: []int32{0, 2}}, {rated: []int32{1}}, {rated: []int32{0, 1, 2, 3, 4}}, {},
		{[]int32{0, 2}, []float32{5, 0.5}}, {[]int32{1, 3, 4}, []float32{2, 4, 1}}} {
		row := model.ALSRow{Dim: d, Alpha: alpha, L2: l2, Others: items, Gram: model.Gram(nil, y, items, d)}
		got := make([]float32, d)
		if err := row.Solve(got, y, tc.rated, tc.vals); err != nil {
			t.Fatal(err)
		}
		want := bruteALS(y, items, d, tc.rated, tc.vals, alpha, l2)
		for c := range d {
			if math.Abs(float64(got[c])-want[c]) > 1e-5 {
				t.Errorf("items %v, values %v: x = %v, brute force %v", tc.rated, tc.vals, got, want)
				break
			}
		}
		if tc.vals == nil {
			continue
		}
		row.SetGram32()
		cg := make([]float32, d)
		row.CG(cg, y, tc.rated, tc.vals, d)
		if e := relErr(cg, got); e > 1e-4 {
			t.Errorf("items %v, values %v: CG %v, exact %v (relative error %.2g)", tc.rated, tc.vals, cg, got, e)
		}
	}
}

// TestALSRowOnes: values all 1 give the same bits as no values (a table
// of 0/1 interactions), by both solves.
func TestALSRowOnes(t *testing.T) {
	const d, items = 8, 40
	rng := rand.New(rand.NewPCG(5, 6))
	y := make([]float32, items*d)
	for k := range y {
		y[k] = float32(rng.NormFloat64() / 3)
	}
	rated := []int32{1, 4, 9, 16, 25, 36}
	ones := []float32{1, 1, 1, 1, 1, 1}
	row := model.ALSRow{Dim: d, Alpha: 2.5, L2: 0.01, Others: items, Gram: model.Gram(nil, y, items, d)}
	row.SetGram32()
	a, b := make([]float32, d), make([]float32, d)
	if err := row.Solve(a, y, rated, nil); err != nil {
		t.Fatal(err)
	}
	if err := row.Solve(b, y, rated, ones); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a, b) {
		t.Errorf("Solve: nil values %v, ones %v", a, b)
	}
	clear(a)
	clear(b)
	row.CG(a, y, rated, nil, 3)
	row.CG(b, y, rated, ones, 3)
	if !slices.Equal(a, b) {
		t.Errorf("CG: nil values %v, ones %v", a, b)
	}
}

// TestInteractionsValues: a pair given twice keeps its larger value, and
// the columns are sorted with their values.
func TestInteractionsValues(t *testing.T) {
	in := train.NewInteractions([]int32{0, 0, 1, 0}, []int32{3, 1, 2, 3}, []float32{2, 5, 4, 4.5}, 2)
	if got := in.Row(0); !slices.Equal(got, []int32{1, 3}) {
		t.Errorf("row 0 columns %v, want [1 3]", got)
	}
	if got := in.Values(0); !slices.Equal(got, []float32{5, 4.5}) {
		t.Errorf("row 0 values %v, want [5 4.5]", got)
	}
	if got := in.Values(1); !slices.Equal(got, []float32{4}) {
		t.Errorf("row 1 values %v, want [4]", got)
	}
	if in.Len() != 3 {
		t.Errorf("%d interactions, want 3", in.Len())
	}
}

// TestALSRowCG: conjugate gradients reach the exact solve (ALSRow.Solve,
// itself checked by brute force): in Dim steps from zero on a 3-factor
// row, and, warm-started, in a few rounds of 3 steps on a 16-factor row of
// 300 items; from the exact solution they stay there.
func TestALSRowCG(t *testing.T) {
	for _, tc := range []struct{ d, items, steps, rounds int }{{3, 5, 3, 1}, {16, 300, 3, 12}} {
		rng := rand.New(rand.NewPCG(3, uint64(tc.d)))
		y := make([]float32, tc.items*tc.d)
		for k := range y {
			y[k] = float32(rng.NormFloat64() / math.Sqrt(float64(tc.d)))
		}
		row := model.ALSRow{Dim: tc.d, Alpha: 3, L2: 0.01, Others: tc.items, Gram: model.Gram(nil, y, tc.items, tc.d)}
		row.SetGram32()
		for _, n := range []int{1, 2, tc.items / 2, tc.items} {
			rated := make([]int32, n)
			for k, j := range rng.Perm(tc.items)[:n] {
				rated[k] = int32(j)
			}
			slices.Sort(rated)
			want := make([]float32, tc.d)
			if err := row.Solve(want, y, rated, nil); err != nil {
				t.Fatal(err)
			}
			got := make([]float32, tc.d)
			for range tc.rounds {
				row.CG(got, y, rated, nil, tc.steps)
			}
			if e := relErr(got, want); e > 1e-4 {
				t.Errorf("d %d, %d items: CG %v, exact %v (relative error %.2g)", tc.d, n, got, want, e)
			}
			got = slices.Clone(want)
			row.CG(got, y, rated, nil, tc.steps)
			if e := relErr(got, want); e > 1e-5 {
				t.Errorf("d %d, %d items: CG from the solution moved to %v (relative error %.2g)", tc.d, n, got, e)
			}
		}
	}
}

// relErr returns |got − want| / |want|.
func relErr(got, want []float32) float64 {
	var diff, norm float64
	for c, w := range want {
		diff += (float64(got[c]) - float64(w)) * (float64(got[c]) - float64(w))
		norm += float64(w) * float64(w)
	}
	return math.Sqrt(diff / norm)
}

// bruteALS solves min Σ_i c_i (p_i − <x, y_i>)² + λ_u|x|² over every item
// by Gaussian elimination of its normal equations, summed cell by cell.
func bruteALS(y []float32, items, d int, rated []int32, vals []float32, alpha, l2 float64) []float64 {
	a := make([][]float64, d)
	for r := range a {
		a[r] = make([]float64, d+1)
	}
	for i := range items {
		c, p := 1.0, 0.0
		if k := slices.Index(rated, int32(i)); k >= 0 {
			r := 1.0
			if vals != nil {
				r = float64(vals[k])
			}
			c, p = 1+alpha*r, 1
		}
		for r := range d {
			for s := range d {
				a[r][s] += c * float64(y[i*d+r]) * float64(y[i*d+s])
			}
			a[r][d] += c * p * float64(y[i*d+r])
		}
	}
	sum := float64(len(rated))
	if vals != nil {
		sum = 0
		for _, v := range vals {
			sum += float64(v)
		}
	}
	for r := range d {
		a[r][r] += l2 * (float64(items) + alpha*sum)
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
// goroutines of a half-step, with conjugate gradients (the default) or
// exact solves.
func TestIALSThreadsSameBits(t *testing.T) {
	s, _ := groupSplit(t)
	for _, steps := range []int{0, 1, -1} {
		cfg := model.Config{Kind: "ials", Training: model.Training{Epochs: 3}, Settings: model.Settings{Dim: 8, CGSteps: steps}}
		fit := func(procs int) []float32 {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			m, err := train.Fit(context.Background(), s, cfg)
			if err != nil {
				t.Fatal(err)
			}
			return slices.Concat(m.Net.Params()[0].Data, m.Net.Params()[1].Data)
		}
		if a, b := fit(1), fit(3); !slices.Equal(a, b) {
			t.Errorf("cg steps %d: 1 and 3 goroutines give different factors", steps)
		}
	}
}

// TestIALSFoldInSaveLoad: a folded-in user of a trained user's items
// lands near that user's trained row (the fold-in is the user half-step,
// and training ends with an item half-step), its explanation adds up to
// its score exactly, and a saved model loads to the same scores and
// recommendations.
func TestIALSFoldInSaveLoad(t *testing.T) {
	s, _ := groupSplit(t)
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
// made once and not timed. RECNET_IALS_CG sets the conjugate-gradient
// steps (default model.DefaultCGSteps; -1 for exact solves).
func BenchmarkIALSIteration(b *testing.B) {
	name := os.Getenv("RECNET_IALS_SHAPE")
	if name == "" {
		name = "ml1m"
	}
	sh, err := dataset.ShapeByName(name)
	if err != nil {
		b.Fatal(err)
	}
	steps := model.DefaultCGSteps
	if v := os.Getenv("RECNET_IALS_CG"); v != "" {
		if steps, err = strconv.Atoi(v); err != nil {
			b.Fatal(err)
		}
	}
	d := dataset.GenerateShape(sh, 42)
	net := model.NewIALS(d.Users.Len(), d.Items.Len(), model.Config{Kind: "ials", Settings: model.Settings{Dim: 64}})
	byUser, byItem := train.NewInteractions(d.Ratings.User, d.Ratings.Item, nil, net.Users), train.NewInteractions(d.Ratings.Item, d.Ratings.User, nil, net.Items)
	b.ReportMetric(float64(byUser.Len()), "interactions")
	b.ResetTimer()
	for range b.N {
		if err := train.IALSIteration(context.Background(), net, byUser, byItem, steps); err != nil {
			b.Fatal(err)
		}
	}
}
