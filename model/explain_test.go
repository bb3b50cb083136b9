package model_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

// explainModel returns a model of the given net over 4 users and 12
// items, ratings 1..5.
func explainModel(net model.Net, cfg model.Config) *model.Model {
	items := make([]string, 12)
	for i := range items {
		items[i] = fmt.Sprintf("c%d", i)
	}
	return &model.Model{Config: cfg, Net: net, Users: dataset.NewIDMap([]string{"a", "b", "c", "d"}),
		Items: dataset.NewIDMap(items), Min: 1, Max: 5}
}

// TestExplainExact folds in a learner on dot (linear and sigmoid outputs)
// and mf nets and splits each item's score: the base and the parts add up
// to the score within 1e-5, and the score is the fold-in's own.
func TestExplainExact(t *testing.T) {
	ratings := map[string]float64{"c1": 5, "c4": 2, "c7": 4, "c9": 3.5}
	items := []string{"c0", "c2", "c3", "c11"}
	cfg := model.Config{Settings: model.Settings{Dim: 3, InitStd: 0.4, Activation: model.Linear}, Training: model.Training{Seed: 5}}
	sig := cfg
	sig.Activation = model.Sigmoid
	mf := model.NewMF(4, 12, model.Config{Kind: "mf", Settings: model.Settings{Dim: 3, InitStd: 0.4}})
	mf.Mu = 0.6
	for _, tc := range []struct {
		name string
		m    *model.Model
	}{
		{"dot linear", explainModel(model.NewDot(4, 12, cfg), cfg)},
		{"dot sigmoid", explainModel(model.NewDot(4, 12, sig), sig)},
		{"mf", explainModel(mf, model.Config{Kind: "mf"})},
	} {
		checkExplainExact(t, tc.name, tc.m, ratings, items)
	}
}

// checkExplainExact explains items for a learner of ratings on m: every
// explanation must be exact, with a part for each rating, its base and
// parts adding up to its score within 1e-5, and its score the fold-in's.
func checkExplainExact(t *testing.T, name string, m *model.Model, ratings map[string]float64, items []string) {
	t.Helper()
	es, err := m.Explain(context.Background(), ratings, items, 0)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	user := foldIn(t, m, ratings)
	for _, e := range es {
		sum := e.Base
		for _, p := range e.Parts {
			sum += p.Part
		}
		if !e.Exact || len(e.Parts) != len(ratings) || math.Abs(sum-e.Score) > 1e-5 {
			t.Errorf("%s %s: exact %v, %d parts, base + parts = %.7f, score %.7f", name, e.Item, e.Exact, len(e.Parts), sum, e.Score)
		}
		i, _ := m.Items.Inner(e.Item)
		want := float64(user.Score(i))
		if e.Scale == model.ScaleLogit {
			want = math.Log(want / (1 - want))
		} else {
			want = m.Min + want*(m.Max-m.Min)
		}
		if math.Abs(want-e.Score) > 1e-4 {
			t.Errorf("%s %s: explained score %.6f, fold-in %.6f", name, e.Item, e.Score, want)
		}
	}
}

// foldIn folds a user in from ratings, as Explain does, through the
// net's own FoldInUser: the unclipped score to compare with.
func foldIn(t *testing.T, m *model.Model, ratings map[string]float64) model.FoldedUser {
	t.Helper()
	net := m.Net.(model.FoldInNet)
	var rated []model.Rated
	for i := range int32(m.Items.Len()) {
		if r, ok := ratings[m.Items.Raw(i)]; ok {
			rated = append(rated, model.Rated{Item: i, Target: float64(m.ToScale(r))})
		}
	}
	u, err := net.FoldInUser(context.Background(), rated, net.FoldInLambda())
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestExplainDeepOneRating checks the leave-one-out parts of an mlp on a
// case with a known answer: with one rated item, its part is the whole
// move from the cold user's score.
func TestExplainDeepOneRating(t *testing.T) {
	cfg := model.Config{Kind: "mlp", Settings: model.Settings{Dim: 3, InitStd: 0.4, Layers: "4"}}.WithDefaults()
	m := explainModel(model.NewMLP(4, 12, cfg), cfg)
	es, err := m.Explain(context.Background(), map[string]float64{"c3": 5}, []string{"c0", "c5"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if e.Exact || len(e.Parts) != 1 || math.Abs(e.Base+e.Parts[0].Part-e.Score) > 1e-6 || e.Parts[0].Item != "c3" {
			t.Errorf("%s: %+v: want one part, the score less the base", e.Item, e)
		}
	}
}

// TestExplainUser explains a known user through the items the model keeps
// as seen: the parts name exactly those items and add up to the score.
func TestExplainUser(t *testing.T) {
	cfg := model.Config{Settings: model.Settings{Dim: 3, InitStd: 0.4}, Training: model.Training{Seed: 2}}.WithDefaults()
	m := explainModel(model.NewDot(4, 12, cfg), cfg)
	r := dataset.Ratings{User: []int32{1, 1, 1, 2}, Item: []int32{2, 5, 9, 3}, Value: []float32{5, 3, 4, 2}}
	seen, err := model.NewSeen(m.Users.Len(), m.Items.Len(), r)
	if err != nil {
		t.Fatal(err)
	}
	m.Seen = seen
	es, err := m.ExplainUser(context.Background(), "b", []string{"c0", "c11"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		sum, names := e.Base, map[string]bool{}
		for _, p := range e.Parts {
			sum += p.Part
			names[p.Item] = true
		}
		if len(e.Parts) != 3 || !names["c2"] || !names["c5"] || !names["c9"] || math.Abs(sum-e.Score) > 1e-5 {
			t.Errorf("%s: parts %+v (sum %.6f, score %.6f): want c2, c5 and c9, adding up", e.Item, e.Parts, sum, e.Score)
		}
	}
	for _, e := range es {
		if e.Exact {
			t.Errorf("%s: a dot user folded in again is exact; want near the trained user's score only", e.Item)
		}
	}
	m.Seen = nil
	if _, err := m.ExplainUser(context.Background(), "b", []string{"c0"}, 0); !errors.Is(err, model.ErrNoSeen) {
		t.Errorf("without seen items: %v, want ErrNoSeen", err)
	}
}

// TestExplainUserEASE: ease scores a known user from the items the file
// keeps (its training rows), so the reasons split the score shown exactly:
// they name those items, not the seen items of the validation part, and
// are Exact.
func TestExplainUserEASE(t *testing.T) {
	w := make([]float32, 12*12)
	for k := range w {
		w[k] = float32(k%7) / 10
	}
	rows := make([][]int32, 4)
	rows[1] = []int32{2, 5}
	m := explainModel(model.NewEASE(12, w, rows), model.Config{Kind: "ease"}.WithDefaults())
	// b's seen items add c9, a validation row the net does not score from.
	seen, err := model.NewSeen(4, 12, dataset.Ratings{User: []int32{1, 1, 1}, Item: []int32{2, 5, 9}, Value: []float32{1, 1, 1}})
	if err != nil {
		t.Fatal(err)
	}
	m.Seen = seen
	es, err := m.ExplainUser(context.Background(), "b", []string{"c0", "c11"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		i, _ := m.Items.Inner(e.Item)
		if !e.Exact || e.Score != m.Unscale(m.Net.Score(1, i)) || len(e.Parts) != 2 {
			t.Errorf("%s: exact %v, score %g (trained %g), %d parts; want exact, the trained score, 2 parts",
				e.Item, e.Exact, e.Score, m.Unscale(m.Net.Score(1, i)), len(e.Parts))
		}
	}
}

// BenchmarkExplainUser explains a known user's top 10 through 8 seen
// ratings on a dim-32 dot net of 1000 users and 200 items (about the
// built-in data's users), as /v1/recommend does for its because field.
func BenchmarkExplainUser(b *testing.B) {
	cfg := model.Config{Settings: model.Settings{Dim: 32}}.WithDefaults()
	users, items := make([]string, 1000), make([]string, 200)
	for u := range users {
		users[u] = fmt.Sprint("u", u)
	}
	for i := range items {
		items[i] = fmt.Sprint("c", i)
	}
	m := &model.Model{Config: cfg, Net: model.NewDot(len(users), len(items), cfg),
		Users: dataset.NewIDMap(users), Items: dataset.NewIDMap(items), Min: 1, Max: 5}
	var r dataset.Ratings
	for u := range int32(len(users)) {
		for j := range int32(8) {
			r.User, r.Item, r.Value = append(r.User, u), append(r.Item, (u*7+j*13)%200), append(r.Value, float32(1+(u+j)%5))
		}
	}
	seen, err := model.NewSeen(len(users), len(items), r)
	if err != nil {
		b.Fatal(err)
	}
	m.Seen = seen
	ctx := context.Background()
	b.ReportAllocs()
	k := 0
	for b.Loop() {
		user := users[k%len(users)]
		recs, err := m.Recommend(user, 10, model.RecommendOptions{})
		if err != nil {
			b.Fatal(err)
		}
		ids := make([]string, len(recs))
		for j, rec := range recs {
			ids[j] = rec.Item
		}
		if _, err := m.ExplainUser(ctx, user, ids, 0); err != nil {
			b.Fatal(err)
		}
		k++
	}
}

// TestFoldInImplicitRatingIsInteraction folds a learner into an implicit
// model with their ratings low and high: the model learned from
// interactions, so how high they rated must not move the list.
func TestFoldInImplicitRatingIsInteraction(t *testing.T) {
	cfg := model.Config{Training: model.Training{Task: model.TaskImplicit, Seed: 3}, Settings: model.Settings{Dim: 3, InitStd: 0.4}}.WithDefaults()
	m := explainModel(model.NewDot(4, 12, cfg), cfg)
	low, err := m.FoldIn(map[string]float64{"c1": 1, "c4": 1.5}, 5, 0)
	if err != nil {
		t.Fatal(err)
	}
	high, err := m.FoldIn(map[string]float64{"c1": 5, "c4": 4}, 5, 0)
	if err != nil {
		t.Fatal(err)
	}
	for k := range low.Recs {
		if low.Recs[k] != high.Recs[k] {
			t.Fatalf("rank %d: %+v with low ratings, %+v with high ones", k+1, low.Recs[k], high.Recs[k])
		}
	}
}
