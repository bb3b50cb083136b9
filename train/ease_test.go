package train_test

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/eval"
	"github.com/recnet/recnet/model"
	"github.com/recnet/recnet/train"
)

// TestEASEWeightsByHand checks a 3x3 EASE solved by hand. Users {0,1},
// {1,2} and {0,1,2} give
//
//	XᵀX = [2 2 1; 2 3 2; 1 2 2],  with λ = 1: A = [3 2 1; 2 4 2; 1 2 3],
//
// det A = 3·8 - 2·4 + 1·0 = 16, and its cofactors give
//
//	P = A⁻¹ = [8 -4 0; -4 8 -4; 0 -4 8]/16 = [.5 -.25 0; -.25 .5 -.25; 0 -.25 .5].
//
// B[j,i] = -P[j,i]/P[i,i] off the diagonal: B = [0 .5 0; .5 0 .5; 0 .5 0].
func TestEASEWeightsByHand(t *testing.T) {
	w, err := train.EASEWeights(context.Background(), [][]int32{{0, 1}, {1, 2}, {0, 1, 2}}, 3, 1)
	if err != nil {
		t.Fatal(err)
	}
	// Row i of w is column i of B, and B is symmetric here.
	want := []float32{0, .5, 0, .5, 0, .5, 0, .5, 0}
	for k := range want {
		if math.Abs(float64(w[k]-want[k])) > 1e-6 {
			t.Fatalf("weights %v, want %v", w, want)
		}
	}
}

// TestEASEWoodbury checks that the users x users solve (at most half as
// many users as items) gives the weights of the items x items one: the
// same interactions with empty users added take the direct path.
func TestEASEWoodbury(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const items = 30
	rows := make([][]int32, 12)
	for u := range rows {
		for i := range items {
			if rng.IntN(4) == 0 {
				rows[u] = append(rows[u], int32(i))
			}
		}
	}
	ctx := context.Background()
	woodbury, err := train.EASEWeights(ctx, rows, items, 20)
	if err != nil {
		t.Fatal(err)
	}
	direct, err := train.EASEWeights(ctx, append(rows, make([][]int32, 10)...), items, 20)
	if err != nil {
		t.Fatal(err)
	}
	for k := range direct {
		if math.Abs(float64(direct[k]-woodbury[k])) > 1e-5 {
			t.Fatalf("weight %d: direct %g, Woodbury %g", k, direct[k], woodbury[k])
		}
		if k/items == k%items && direct[k] != 0 {
			t.Fatalf("diagonal weight %d is %g", k/items, direct[k])
		}
	}
}

// TestEASEKnownAnswer fits ease on clusterSplit (4 groups of users, each
// with its own 8 of 32 items): it must put the held-out item in the top
// 10 nearly always and beat most-popular by far.
func TestEASEKnownAnswer(t *testing.T) {
	s := clusterSplit(t)
	m, err := train.Fit(context.Background(), s, model.Config{Kind: "ease"})
	if err != nil {
		t.Fatal(err)
	}
	seen := dataset.Concat(s.Train, s.Valid)
	o := eval.RankingOptions{K: 10, Relevant: 0}
	pop := eval.Ranking(eval.MostPopular(s.Train, 32), seen, s.Test, 32, o)
	r := eval.Ranking(m.Net, seen, s.Test, 32, o)
	t.Logf("ease: HR@10 %.3f NDCG@10 %.3f; most popular HR@10 %.3f NDCG@10 %.3f", r.HitRate, r.NDCG, pop.HitRate, pop.NDCG)
	if r.HitRate < 0.95 || r.NDCG < 1.5*pop.NDCG {
		t.Errorf("HR@10 %.3f NDCG@10 %.3f, want HR >= 0.95 and NDCG >= 1.5 x most popular's %.3f", r.HitRate, r.NDCG, pop.NDCG)
	}
	if m.Config.Task != model.TaskImplicit {
		t.Errorf("task %q, want the implicit task the kind declares", m.Config.Task)
	}
	if got := m.ScoreName(); got != model.ScoreRelevance {
		t.Errorf("score name %q, want %q", got, model.ScoreRelevance)
	}
}

// TestEASERoundTrip saves and loads an ease model: it recommends the
// same, folds in a known user's items to the same scores, and explains a
// score exactly as the sum of B[j, i] over the rated items.
func TestEASERoundTrip(t *testing.T) {
	s := clusterSplit(t)
	m, err := train.Fit(context.Background(), s, model.Config{Kind: "ease"})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "ease.recnet")
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	l, err := model.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	user := m.Users.Raw(0)
	a, err := m.Recommend(user, 5, model.RecommendOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := l.Recommend(user, 5, model.RecommendOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != 5 || len(b) != 5 {
		t.Fatalf("%d and %d recommendations", len(a), len(b))
	}
	for k := range a {
		if a[k] != b[k] {
			t.Fatalf("recommendation %d: %v before saving, %v after", k, a[k], b[k])
		}
	}
	// Fold in user 0's training items: the same scores as the known user.
	ratings := map[string]float64{}
	for k, u := range s.Train.User {
		if u == 0 {
			ratings[m.Items.Raw(s.Train.Item[k])] = 3 // any rating in range: ease reads interactions
		}
	}
	e := l.Net.(*model.EASE)
	for _, rec := range a {
		i, _ := l.Items.Inner(rec.Item)
		ex, err := l.Explain(context.Background(), ratings, []string{rec.Item}, 0)
		if err != nil {
			t.Fatal(err)
		}
		var sum float64
		for _, p := range ex[0].Parts {
			j, _ := l.Items.Inner(p.Item)
			if p.Part != float64(e.Weights[int(i)*e.Items+int(j)]) {
				t.Errorf("part of %s in %s: %g, want B = %g", p.Item, rec.Item, p.Part, e.Weights[int(i)*e.Items+int(j)])
			}
			sum += p.Part
		}
		if !ex[0].Exact || ex[0].Base != 0 || math.Abs(sum-ex[0].Score) > 1e-5 || math.Abs(ex[0].Score-rec.Score) > 1e-5 || ex[0].Scale != model.ScoreRelevance {
			t.Errorf("%s: score %g (base %g, exact %v, scale %s), parts add to %g, the list says %g",
				rec.Item, ex[0].Score, ex[0].Base, ex[0].Exact, ex[0].Scale, sum, rec.Score)
		}
	}
}

// TestEASETooManyItems checks the refusal of more than model.MaxEASEItems
// items, before any items x items matrix is made: just past the cap, and
// past the items (about 23,200) whose weights alone exceed
// train.MaxTrainFloats, where Fit's estimate of the memory of training
// once refused first, with words for a dot (dim, layers, batch).
func TestEASETooManyItems(t *testing.T) {
	for _, items := range []int{model.MaxEASEItems + 1, 24000} {
		d := &dataset.Dataset{Name: "wide", Users: dataset.NewIDMap(nil), Items: dataset.NewIDMap(nil)}
		for u := range 4 {
			d.Users.Add("u" + strconv.Itoa(u))
		}
		for i := range items {
			d.Ratings.Append(int32(i%4), d.Items.Add("i"+strconv.Itoa(i)), 1)
		}
		s := &dataset.Split{Name: "wide", Train: d.Ratings, Users: d.Users, Items: d.Items, Min: 1, Max: 1}
		_, err := train.Fit(context.Background(), s, model.Config{Kind: "ease"})
		if !errors.Is(err, train.ErrTooLarge) || !strings.Contains(err.Error(), "ials") || strings.Contains(err.Error(), "dim") {
			t.Errorf("%d items: error %v, want one wrapping ErrTooLarge that suggests ials", items, err)
		}
	}
}

// BenchmarkEASE fits the weights of 10,000 items from random users of 50
// items each: with 2,000 users (the users x users Woodbury solve) and
// with 20,000 (the items x items Cholesky). Run it once:
//
//	go test -run '^$' -bench EASE -benchtime 1x -benchmem ./train/
func BenchmarkEASE(b *testing.B) {
	const items = 10000
	for _, users := range []int{2000, 20000} {
		b.Run("users="+strconv.Itoa(users), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(3, 4))
			rows := make([][]int32, users)
			for u := range rows {
				for range 50 {
					rows[u] = append(rows[u], int32(rng.IntN(items)))
				}
				slices.Sort(rows[u])
				rows[u] = slices.Compact(rows[u])
			}
			for b.Loop() {
				if _, err := train.EASEWeights(context.Background(), rows, items, 250); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
