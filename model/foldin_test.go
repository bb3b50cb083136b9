package model_test

import (
	"context"
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
	"github.com/recnet/recnet/train"
)

// Thresholds of TestFoldInMatchesTrainedIn. Measured with the default
// lambda (0.05): overlap 0.976, RMSE ratio 0.97 (fold-in 0.1370, trained
// in 0.1411); ranking by item bias alone (a cold start) overlaps 0.40.
const (
	minFoldInOverlap  = 0.85
	maxFoldInRMSERate = 1.15
)

// TestFoldInMatchesTrainedIn checks that a folded-in user gets
// recommendations close to those of the same user trained in: for the 50
// users with the most training ratings, FoldIn from their training ratings
// and Recommend for the trained-in user (training items excluded) share
// most of their top 10, and the folded-in user's test RMSE is close to the
// trained-in one's.
func TestFoldInMatchesTrainedIn(t *testing.T) {
	d, _ := dataset.GenerateLowRank(dataset.LowRankConfig{Seed: 1})
	s, err := dataset.SplitRandom(d, dataset.Fractions{Train: 0.8, Valid: 0.1, Test: 0.1}, 42)
	if err != nil {
		t.Fatal(err)
	}
	m, err := train.Fit(context.Background(), s, model.Config{Training: model.Training{Epochs: 30}, Settings: model.Settings{Dim: 8, L2: 1e-5}})
	if err != nil {
		t.Fatal(err)
	}
	const k = 10
	avg, avgCold, rmseFold, rmseTrained, n := foldInAgreement(t, m, s, 50, k, func(u int32, ratings map[string]float64, f model.FoldInResult) {
		if f.Cold || len(f.Recs) < k {
			t.Fatalf("user %s: Cold %v, %d recs", s.Users.Raw(u), f.Cold, len(f.Recs))
		}
		for _, r := range f.Recs {
			if _, rated := ratings[r.Item]; rated {
				t.Fatalf("user %s: rated item %s recommended", s.Users.Raw(u), r.Item)
			}
		}
	})
	t.Logf("top-%d overlap %.3f (cold start %.3f); test RMSE over %d rows: fold-in %.4f, trained in %.4f", k, avg, avgCold, n, rmseFold, rmseTrained)
	if avg < minFoldInOverlap {
		t.Errorf("average top-%d overlap %.3f, want >= %.2f", k, avg, minFoldInOverlap)
	}
	if avgCold >= minFoldInOverlap {
		t.Errorf("cold-start overlap %.3f reaches the threshold %.2f: the test cannot tell fold-in from no fold-in", avgCold, minFoldInOverlap)
	}
	if rmseFold > maxFoldInRMSERate*rmseTrained {
		t.Errorf("fold-in test RMSE %.4f, want within %.0f%% of trained-in %.4f", rmseFold, (maxFoldInRMSERate-1)*100, rmseTrained)
	}
}

// ridgeModel returns a 1-dim model of three items with embeddings 1, 2 and
// 0.5 and item biases 0, 0 and 0.25, of the kind and activation given.
func ridgeModel(kind string, act model.Activation, mu float32) *model.Model {
	emb, bias := []float32{1, 2, 0.5}, []float32{0, 0, 0.25}
	m := &model.Model{
		Config: model.Config{Kind: kind, Training: model.Training{NoScale: act != model.Sigmoid}, Settings: model.Settings{Dim: 1, Activation: act}},
		Users:  dataset.NewIDMap([]string{"u"}),
		Items:  dataset.NewIDMap([]string{"a", "b", "c"}),
		Min:    0, Max: 10,
	}
	if act == model.Sigmoid {
		m.Max = 1
	}
	switch kind {
	case "mf":
		m.Net = &model.MF{Users: 1, Items: 3, Dim: 1, Mu: mu, UserEmb: []float32{0}, UserBias: []float32{0}, ItemEmb: emb, ItemBias: bias}
	default:
		m.Net = &model.Dot{Users: 1, Items: 3, Dim: 1, Act: act, UserEmb: []float32{0}, UserBias: []float32{0}, ItemEmb: emb, ItemBias: bias}
	}
	return m
}

// TestFoldInRidgeByHand: items a (q=1) and b (q=2), both with bias 0, and
// targets 1 and 3 with lambda 1 give the system
//
//	[6 3] [p]   [7]
//	[3 3] [b] = [4]
//
// so p = 1, b = 1/3, and item c (q=0.5, bias 0.25) scores
// 0.5 + 1/3 + 0.25 = 13/12 before the output.
func TestFoldInRidgeByHand(t *testing.T) {
	sig := func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }
	tests := []struct {
		name    string
		m       *model.Model
		ratings map[string]float64
		want    float64 // c's predicted rating
	}{
		{"dot linear", ridgeModel("dot", model.Linear, 0), map[string]float64{"a": 1, "b": 3}, 13.0 / 12},
		{"dot relu", ridgeModel("dot", model.ReLU, 0), map[string]float64{"a": 1, "b": 3}, 13.0 / 12},
		{"mf", ridgeModel("mf", model.Linear, 1), map[string]float64{"a": 2, "b": 4}, 1 + 13.0/12},
		{"dot sigmoid", ridgeModel("dot", model.Sigmoid, 0), map[string]float64{"a": sig(1), "b": sig(3)}, sig(13.0 / 12)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := tt.m.FoldIn(tt.ratings, 5, 1)
			if err != nil {
				t.Fatal(err)
			}
			if res.Cold {
				t.Error("Cold set with ratings")
			}
			if math.Abs(float64(res.UserEmb[0])-1) > 1e-4 || math.Abs(float64(res.UserBias)-1.0/3) > 1e-4 {
				t.Errorf("p, b = %v, %v, want 1, 1/3", res.UserEmb[0], res.UserBias)
			}
			if len(res.Recs) != 1 || res.Recs[0].Item != "c" || math.Abs(res.Recs[0].Score-tt.want) > 1e-4 {
				t.Errorf("Recs = %v, want [{c %.4f}]", res.Recs, tt.want)
			}
		})
	}
}

func TestFoldInColdStart(t *testing.T) {
	m := exampleModel() // item biases: go 0.25, rust 0, zig 0.5
	for _, ratings := range []map[string]float64{nil, {}} {
		res, err := m.FoldIn(ratings, 10, 0)
		if err != nil {
			t.Fatal(err)
		}
		want := []model.Rec{{Item: "zig", Score: 3}, {Item: "go", Score: 2}, {Item: "rust", Score: 1}}
		if !res.Cold || !slices.Equal(res.Recs, want) || res.UserBias != 0 || !slices.Equal(res.UserEmb, []float32{0, 0}) {
			t.Errorf("FoldIn(%v) = %+v, want Cold, zero user and Recs %v", ratings, res, want)
		}
	}
	res, err := m.FoldIn(nil, 1, 0)
	if err != nil || len(res.Recs) != 1 || res.Recs[0].Item != "zig" {
		t.Errorf("FoldIn(nil, 1) = %+v, %v, want zig only", res, err)
	}
}

func TestFoldInErrors(t *testing.T) {
	m := exampleModel()
	bias := &model.Model{
		Net:   &model.Bias{Mu: 0.5, UserBias: []float32{0}, ItemBias: []float32{0, 0, 0}},
		Users: m.Users, Items: m.Items, Min: 1, Max: 5,
	}
	tests := []struct {
		name    string
		m       *model.Model
		ratings map[string]float64
		k       int
		lambda  float64
		is      error
	}{
		{"unknown item", m, map[string]float64{"go": 4, "cobol": 2}, 3, 0, model.ErrUnknownItem},
		{"bias net", bias, map[string]float64{"go": 4}, 3, 0, model.ErrUnsupported},
		{"k zero", m, map[string]float64{"go": 4}, 0, 0, nil},
		{"negative lambda", m, map[string]float64{"go": 4}, 3, -1, nil},
		{"NaN lambda", m, map[string]float64{"go": 4}, 3, math.NaN(), nil},
		{"infinite lambda", m, map[string]float64{"go": 4}, 3, math.Inf(1), nil},
		{"NaN rating", m, map[string]float64{"go": math.NaN()}, 3, 0, model.ErrBadRating},
		{"infinite rating", m, map[string]float64{"go": math.Inf(-1)}, 3, 0, model.ErrBadRating},
		{"rating above the range", m, map[string]float64{"go": 9}, 3, 0, model.ErrBadRating},
		{"rating below the range", m, map[string]float64{"go": 4, "zig": -1000}, 3, 0, model.ErrBadRating},
		{"rating just below the range", m, map[string]float64{"rust": 0.999}, 3, 0, model.ErrBadRating},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.m.FoldIn(tt.ratings, tt.k, tt.lambda)
			if err == nil {
				t.Fatal("no error")
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %v does not wrap %v", err, tt.is)
			}
			if msg := err.Error(); len(msg) < 7 || msg[:7] != "model: " {
				t.Errorf("error %q lacks the model: prefix", msg)
			}
		})
	}
}

// TestFoldInRatingRange checks that ratings at both ends of the model's
// range are accepted and that a bad one is named in the error.
func TestFoldInRatingRange(t *testing.T) {
	m := exampleModel()
	if _, err := m.FoldIn(map[string]float64{"go": 1, "rust": 5, "zig": 3.5}, 1, 0); err != nil {
		t.Errorf("ratings 1, 5 and 3.5 on a 1..5 model: %v", err)
	}
	err := m.CheckRating("rust", 9)
	if err == nil || err.Error() != `model: bad rating 9 of item "rust": outside the model's range 1..5` {
		t.Errorf("CheckRating(rust, 9) = %v", err)
	}
	noRange := &model.Model{Net: m.Net, Users: m.Users, Items: m.Items}
	if err := noRange.CheckRating("go", -7); err != nil {
		t.Errorf("a model without a range refused -7: %v", err)
	}
	// A model of interactions (1..1) takes 1 and nothing else.
	ones := &model.Model{Net: m.Net, Users: m.Users, Items: m.Items, Min: 1, Max: 1}
	if _, err := ones.FoldIn(map[string]float64{"go": 1, "rust": 1}, 1, 0); err != nil {
		t.Errorf("interactions 1 on a 1..1 model: %v", err)
	}
	for _, r := range []float64{-3, 0, 5, 1000} {
		if _, err := ones.FoldIn(map[string]float64{"go": r}, 1, 0); !errors.Is(err, model.ErrBadRating) {
			t.Errorf("rating %g on a 1..1 model: error %v, want ErrBadRating", r, err)
		}
	}
}

// TestFoldInContext checks that a deep fold-in stops when its context is
// done, and gives FoldIn's bits when it is not.
func TestFoldInContext(t *testing.T) {
	d, _ := dataset.GenerateLowRank(dataset.LowRankConfig{Seed: 1, Users: 40, Items: 30, Rows: 600})
	s, err := dataset.SplitRandom(d, dataset.Fractions{Train: 0.9, Valid: 0.1}, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"mlp", "neumf", "dot"} {
		m, err := train.Fit(context.Background(), s, model.Config{Kind: kind, Training: model.Training{Epochs: 2}, Settings: model.Settings{Dim: 4, Layers: "8"}})
		if err != nil {
			t.Fatal(err)
		}
		ratings := map[string]float64{m.Items.Raw(0): m.Max, m.Items.Raw(1): m.Min}
		want, err := m.FoldIn(ratings, 5, 0)
		if err != nil {
			t.Fatal(err)
		}
		got, err := m.FoldInContext(context.Background(), ratings, 5, 0)
		if err != nil || !slices.Equal(got.UserEmb, want.UserEmb) || !slices.Equal(got.Recs, want.Recs) {
			t.Errorf("%s: FoldInContext %+v, %v; FoldIn %+v", kind, got, err, want)
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := m.FoldInContext(ctx, ratings, 5, 0); !errors.Is(err, context.Canceled) {
			t.Errorf("%s: canceled fold-in: %v", kind, err)
		}
	}
}

// TestDeepFoldInMatchesTrainedIn is TestFoldInMatchesTrainedIn for the deep
// nets, whose fold-in is an iterative fit: for the 30 users with the most
// training ratings, the folded-in user's top 10 must share most items with
// the trained-in user's, clearly more than a cold start does, and its test
// RMSE must be close to the trained-in user's. With the default penalty
// (0.2) it measured: mlp overlap 0.84 (cold 0.35), RMSE 0.192 vs 0.178
// trained in; neumf 0.88 (cold 0.39), 0.158 vs 0.156.
func TestDeepFoldInMatchesTrainedIn(t *testing.T) {
	d, _ := dataset.GenerateLowRank(dataset.LowRankConfig{Seed: 1})
	s, err := dataset.SplitRandom(d, dataset.Fractions{Train: 0.8, Valid: 0.1, Test: 0.1}, 42)
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"mlp", "neumf"} {
		t.Run(kind, func(t *testing.T) {
			m, err := train.Fit(context.Background(), s, model.Config{Kind: kind, Training: model.Training{Epochs: 30}, Settings: model.Settings{Dim: 8, Layers: "32,16", L2: 1e-5}})
			if err != nil {
				t.Fatal(err)
			}
			const k = 10
			avg, avgCold, rmseFold, rmseTrained, n := foldInAgreement(t, m, s, 30, k, nil)
			t.Logf("%s: top-%d overlap %.3f (cold start %.3f); test RMSE over %d rows: fold-in %.4f, trained in %.4f", kind, k, avg, avgCold, n, rmseFold, rmseTrained)
			if avg < 0.75 || avg < avgCold+0.2 {
				t.Errorf("average top-%d overlap %.3f, want >= 0.75 and 0.2 above the cold start's %.3f", k, avg, avgCold)
			}
			if rmseFold > 1.2*rmseTrained {
				t.Errorf("fold-in test RMSE %.4f, want within 20%% of trained-in %.4f", rmseFold, rmseTrained)
			}
		})
	}
}

// foldInAgreement folds each of the n users of s with the most training
// rows into m from those rows, ranking every item, and compares it with the
// same user trained in: it returns the mean overlap of their top k (the
// user's training items excluded), the cold start's mean overlap with the
// trained-in top k, and the test RMSE over the users' test rows of the
// folded-in predictions (the fold-in's scores) and of the trained-in ones.
// check, when not nil, sees every fold-in.
func foldInAgreement(t *testing.T, m *model.Model, s *dataset.Split, n, k int, check func(u int32, ratings map[string]float64, f model.FoldInResult)) (avg, avgCold, rmseFold, rmseTrained float64, rows int) {
	t.Helper()
	trainRows, testRows, users := busiestUsers(s, n)
	var sumOverlap, sumCold, seFold, seTrained float64
	for _, u := range users {
		ratings, exclude := userRatings(s, trainRows[u])
		f, err := m.FoldIn(ratings, m.Items.Len(), 0)
		if err != nil {
			t.Fatal(err)
		}
		if check != nil {
			check(u, ratings, f)
		}
		trained, err := m.Recommend(s.Users.Raw(u), k, model.RecommendOptions{Exclude: exclude})
		if err != nil {
			t.Fatal(err)
		}
		sumOverlap += topOverlap(trained, f.Recs, k)
		cold, err := m.FoldIn(nil, m.Items.Len(), 0)
		if err != nil {
			t.Fatal(err)
		}
		coldRecs := slices.DeleteFunc(cold.Recs, func(r model.Rec) bool { _, rated := ratings[r.Item]; return rated })
		sumCold += topOverlap(trained, coldRecs, k)
		score := map[string]float64{}
		for _, r := range f.Recs {
			score[r.Item] = r.Score
		}
		for _, row := range testRows[u] {
			i, v := s.Test.Item[row], float64(s.Test.Value[row])
			e := score[s.Items.Raw(i)] - v
			seFold += e * e
			e = m.PredictInner(u, i) - v
			seTrained += e * e
			rows++
		}
	}
	avg, avgCold = sumOverlap/float64(len(users)), sumCold/float64(len(users))
	return avg, avgCold, math.Sqrt(seFold / float64(rows)), math.Sqrt(seTrained / float64(rows)), rows
}

// busiestUsers returns each user's training and test rows of s and the n
// users with the most training rows (ties by inner id).
func busiestUsers(s *dataset.Split, n int) (trainRows, testRows map[int32][]int, users []int32) {
	trainRows, testRows = map[int32][]int{}, map[int32][]int{}
	for k, u := range s.Train.User {
		trainRows[u] = append(trainRows[u], k)
	}
	for k, u := range s.Test.User {
		testRows[u] = append(testRows[u], k)
	}
	for u := range trainRows {
		users = append(users, u)
	}
	slices.SortFunc(users, func(a, b int32) int {
		if d := len(trainRows[b]) - len(trainRows[a]); d != 0 {
			return d
		}
		return int(a - b)
	})
	return trainRows, testRows, users[:n]
}

// topOverlap returns the share of the first k items of b that are among
// the items of a.
func topOverlap(a, b []model.Rec, k int) float64 {
	in := map[string]bool{}
	for _, r := range a {
		in[r.Item] = true
	}
	n := 0
	for _, r := range b[:min(k, len(b))] {
		if in[r.Item] {
			n++
		}
	}
	return float64(n) / float64(k)
}

// userRatings returns the ratings of the given training rows of s by raw
// item id, and those ids.
func userRatings(s *dataset.Split, rows []int) (map[string]float64, []string) {
	ratings := map[string]float64{}
	var items []string
	for _, row := range rows {
		it := s.Items.Raw(s.Train.Item[row])
		ratings[it] = float64(s.Train.Value[row])
		items = append(items, it)
	}
	return ratings, items
}
