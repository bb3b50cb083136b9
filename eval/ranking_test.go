package eval_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/eval"
)

// rows builds Ratings from (user, item, value) triples.
func rows(t ...[3]float32) dataset.Ratings {
	var r dataset.Ratings
	for _, x := range t {
		r.Append(int32(x[0]), int32(x[1]), x[2])
	}
	return r
}

// descending scores item i by -i for every user: item 0 ranks first.
var descending = scoreNet(func(_, i int32) float32 { return -float32(i) })

func TestTopK(t *testing.T) {
	nan := float32(math.NaN())
	scores := []float32{0.5, 0.9, 0.5, nan, 0.7, 0.9}
	byItem := scoreNet(func(_, i int32) float32 { return scores[i] })
	tests := []struct {
		name    string
		exclude []int32
		k       int
		want    []int32
	}{
		{"ties by lower id", nil, 4, []int32{1, 5, 4, 0}},
		{"NaN last", nil, 6, []int32{1, 5, 4, 0, 2, 3}},
		{"k above the catalog", nil, 10, []int32{1, 5, 4, 0, 2, 3}},
		{"excluded", []int32{1, 4}, 3, []int32{5, 0, 2}},
		{"excluded, unsorted", []int32{4, 1}, 3, []int32{5, 0, 2}},
		{"excluded ids out of range", []int32{-3, 1, 99}, 2, []int32{5, 4}},
		{"all excluded", []int32{0, 1, 2, 3, 4, 5}, 3, []int32{}},
		{"k zero", nil, 0, []int32{}},
		{"k one", nil, 1, []int32{1}},
	}
	for _, tt := range tests {
		got := eval.TopK(nil, byItem, 0, len(scores), tt.exclude, tt.k)
		ids := []int32{}
		for k, s := range got {
			ids = append(ids, s.Item)
			if s.Score != scores[s.Item] && !math.IsNaN(float64(s.Score)) {
				t.Errorf("%s: position %d has score %v, item %d scores %v", tt.name, k, s.Score, s.Item, scores[s.Item])
			}
		}
		if !slices.Equal(ids, tt.want) {
			t.Errorf("%s: TopK = %v, want %v", tt.name, ids, tt.want)
		}
	}
}

func TestTopKMatchesSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 200 {
		items := 1 + rng.IntN(60)
		scores := make([]float32, items)
		for i := range scores {
			scores[i] = float32(rng.IntN(8)) // many ties
		}
		var exclude []int32
		for i := range int32(items) {
			if rng.IntN(4) == 0 {
				exclude = append(exclude, i)
			}
		}
		k := rng.IntN(items + 3)
		got := eval.TopK(nil, scoreNet(func(_, i int32) float32 { return scores[i] }), 0, items, exclude, k)
		var want []int32
		for i := range int32(items) {
			if !slices.Contains(exclude, i) {
				want = append(want, i)
			}
		}
		slices.SortStableFunc(want, func(a, b int32) int { return -cmpFloat(scores[a], scores[b]) })
		want = want[:min(k, len(want))]
		ids := make([]int32, len(got))
		for j, s := range got {
			ids[j] = s.Item
		}
		if !slices.Equal(ids, want) {
			t.Fatalf("trial %d: TopK = %v, want %v", trial, ids, want)
		}
	}
}

func cmpFloat(a, b float32) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func TestTopKNoAllocs(t *testing.T) {
	dst := make([]eval.Scored, 0, 10)
	exclude := []int32{3, 7, 50}
	if n := testing.AllocsPerRun(100, func() { dst = eval.TopK(dst, descending, 0, 126, exclude, 10) }); n != 0 {
		t.Errorf("TopK allocates %v times per call", n)
	}
}

// TestRankingHandComputed checks every metric on lists worked out by hand.
// Every user's scores rank the items 0, 1, 2, ... in that order; K = 3.
func TestRankingHandComputed(t *testing.T) {
	seen := rows([3]float32{0, 1, 5}, [3]float32{3, 1, 4}, [3]float32{1, 5, 4}, [3]float32{2, 5, 4})
	test := rows(
		// User 0 rated item 1 in training, so its list is 0, 2, 3.
		// Relevant (>= 4): items 2 and 4, R = 2; only item 2 is listed, at
		// position 2: P = 1/3, R = 1/2, HR = 1,
		// NDCG = (1/log2 3) / (1 + 1/log2 3) = 0.386853,
		// AP = P@2 / min(3, 2) = (1/2) / 2 = 0.25.
		[3]float32{0, 2, 5}, [3]float32{0, 4, 4}, [3]float32{0, 5, 3}, [3]float32{0, 3, 2},
		// User 1: list 0, 1, 2; item 0 relevant at position 1, R = 1:
		// P = 1/3, R = 1, HR = 1, NDCG = 1, AP = 1.
		[3]float32{1, 0, 5},
		// User 2: no rating >= 4: left out, counted.
		[3]float32{2, 3, 3},
		// User 3: its relevant test item was also seen: left out, counted.
		[3]float32{3, 1, 5},
		// User 4 has no seen row: cold, left out before its relevant
		// items count, its 2 rows counted.
		[3]float32{4, 0, 5}, [3]float32{4, 2, 5},
	)
	r := eval.Ranking(descending, seen, test, 6, eval.RankingOptions{K: 3, Relevant: 4})
	want := eval.RankingResult{
		K: 3, Relevant: 4, Users: 2, NoRelevant: 2, Cold: 1, ColdRows: 2, Items: 6,
		Precision: 1.0 / 3,
		Recall:    0.75,
		NDCG:      (1/math.Log2(3)/(1+1/math.Log2(3)) + 1) / 2,
		HitRate:   1,
		MAP:       (0.25 + 1) / 2,
		Coverage:  4.0 / 6, // items 0, 1, 2, 3
	}
	if !closeResult(r, want) {
		t.Errorf("Ranking =\n%+v, want\n%+v", r, want)
	}
}

func TestRankingEdgeCases(t *testing.T) {
	nan := math.NaN()
	// NDCG@3 with relevant items at positions 1 and 3 out of R = 3:
	// DCG = 1 + 1/log2 4 = 1.5, IDCG = 1 + 1/log2 3 + 1/log2 4 = 2.130930,
	// NDCG = 0.703918; AP@3 = (1/1 + 2/3) / 3 = 0.555556.
	idcg3 := 1 + 1/math.Log2(3) + 0.5
	tests := []struct {
		name  string
		test  dataset.Ratings
		items int
		o     eval.RankingOptions
		want  eval.RankingResult
	}{
		{"known NDCG@3", rows([3]float32{0, 0, 5}, [3]float32{0, 2, 5}, [3]float32{0, 7, 5}), 8, eval.RankingOptions{K: 3, Relevant: 4},
			eval.RankingResult{Users: 1, Precision: 2.0 / 3, Recall: 2.0 / 3, NDCG: 1.5 / idcg3, HitRate: 1, MAP: (1 + 2.0/3) / 3, Coverage: 3.0 / 8}},
		{"no relevant item", rows([3]float32{0, 0, 3}, [3]float32{1, 1, 2}), 4, eval.RankingOptions{K: 2, Relevant: 4},
			eval.RankingResult{NoRelevant: 2, Precision: nan, Recall: nan, NDCG: nan, HitRate: nan, MAP: nan, Coverage: nan}},
		{"k above the catalog", rows([3]float32{0, 0, 5}, [3]float32{0, 1, 5}, [3]float32{0, 2, 4}), 3, eval.RankingOptions{K: 10, Relevant: 4},
			eval.RankingResult{Users: 1, Precision: 0.3, Recall: 1, NDCG: 1, HitRate: 1, MAP: 1, Coverage: 1}},
		{"all hits", rows([3]float32{0, 0, 5}, [3]float32{0, 1, 5}, [3]float32{1, 0, 4}, [3]float32{1, 1, 4}), 5, eval.RankingOptions{K: 2, Relevant: 4},
			eval.RankingResult{Users: 2, Precision: 1, Recall: 1, NDCG: 1, HitRate: 1, MAP: 1, Coverage: 0.4}},
		{"no hit", rows([3]float32{0, 4, 5}), 5, eval.RankingOptions{K: 2, Relevant: 4},
			eval.RankingResult{Users: 1, Coverage: 0.4}},
		{"more relevant than k", rows([3]float32{0, 0, 5}, [3]float32{0, 3, 5}, [3]float32{0, 4, 5}), 5, eval.RankingOptions{K: 2, Relevant: 4},
			// list 0, 1: P = 1/2, R = 1/3, NDCG = 1 / (1 + 1/log2 3), AP = 1 / min(2, 3).
			eval.RankingResult{Users: 1, Precision: 0.5, Recall: 1.0 / 3, NDCG: 1 / (1 + 1/math.Log2(3)), HitRate: 1, MAP: 0.5, Coverage: 0.4}},
		{"default K, threshold zero", rows([3]float32{0, 11, 0}), 20, eval.RankingOptions{},
			eval.RankingResult{Users: 1, Recall: 0, Coverage: 0.5}},
		{"no test rows", dataset.Ratings{}, 5, eval.RankingOptions{K: 2},
			eval.RankingResult{Precision: nan, Recall: nan, NDCG: nan, HitRate: nan, MAP: nan, Coverage: nan}},
		{"rows outside the catalog ignored", rows([3]float32{0, 0, 5}, [3]float32{0, 9, 5}), 2, eval.RankingOptions{K: 1, Relevant: 4},
			eval.RankingResult{Users: 1, Precision: 1, Recall: 1, NDCG: 1, HitRate: 1, MAP: 1, Coverage: 0.5}},
	}
	for _, tt := range tests {
		tt.want.K, tt.want.Relevant, tt.want.Items = tt.o.K, tt.o.Relevant, tt.items
		if tt.o.K == 0 {
			tt.want.K = eval.DefaultK
		}
		tt.o.KeepCold = true // no seen rows: every user is cold
		got := eval.Ranking(descending, dataset.Ratings{}, tt.test, tt.items, tt.o)
		if !closeResult(got, tt.want) {
			t.Errorf("%s: Ranking =\n%+v, want\n%+v", tt.name, got, tt.want)
		}
	}
}

// closeResult compares two results, numbers to 1e-12 and NaN equal to NaN.
func closeResult(a, b eval.RankingResult) bool {
	near := func(x, y float64) bool {
		return (math.IsNaN(x) && math.IsNaN(y)) || math.Abs(x-y) < 1e-12
	}
	return a.K == b.K && a.Relevant == b.Relevant && a.Users == b.Users && a.NoRelevant == b.NoRelevant && a.Items == b.Items &&
		a.Cold == b.Cold && a.ColdRows == b.ColdRows &&
		near(a.Precision, b.Precision) && near(a.Recall, b.Recall) && near(a.NDCG, b.NDCG) &&
		near(a.HitRate, b.HitRate) && near(a.MAP, b.MAP) && near(a.Coverage, b.Coverage)
}

// randomRanking returns random seen and test rows over users x items, and a
// scorer with many ties.
func randomRanking(users, items int, seed uint64) (seen, test dataset.Ratings, s scoreNet) {
	rng := rand.New(rand.NewPCG(seed, 9))
	for u := range int32(users) {
		for i := range int32(items) {
			switch rng.IntN(10) {
			case 0, 1:
				seen.Append(u, i, float32(1+rng.IntN(5)))
			case 2:
				test.Append(u, i, float32(1+rng.IntN(5)))
			}
		}
	}
	return seen, test, func(u, i int32) float32 { return float32((int(u)*7 + int(i)*13) % 11) }
}

// reference computes the metrics by their definitions, one user at a time.
func reference(s scoreNet, seen, test dataset.Ratings, users, items, k int, relevant float64) eval.RankingResult {
	res := eval.RankingResult{K: k, Relevant: relevant, Items: items}
	covered := map[int32]bool{}
	var p, r, nd, hr, ap float64
	for u := range int32(users) {
		seenSet, rel, rows := map[int32]bool{}, map[int32]bool{}, 0
		for j := range seen.User {
			if seen.User[j] == u {
				seenSet[seen.Item[j]] = true
			}
		}
		for j := range test.User {
			if test.User[j] == u {
				rows++
				if float64(test.Value[j]) >= relevant && !seenSet[test.Item[j]] {
					rel[test.Item[j]] = true
				}
			}
		}
		if rows == 0 {
			continue
		}
		if len(seenSet) == 0 {
			res.Cold++
			res.ColdRows += rows
			continue
		}
		if len(rel) == 0 {
			res.NoRelevant++
			continue
		}
		var cand []int32
		for i := range int32(items) {
			if !seenSet[i] {
				cand = append(cand, i)
			}
		}
		slices.SortStableFunc(cand, func(a, b int32) int { return -cmpFloat(s(u, a), s(u, b)) })
		cand = cand[:min(k, len(cand))]
		hits := 0
		var dcg, idcg, apu float64
		for pos, i := range cand {
			covered[i] = true
			if rel[i] {
				hits++
				dcg += 1 / math.Log2(float64(pos)+2)
				apu += float64(hits) / float64(pos+1)
			}
		}
		for pos := range min(k, len(rel)) {
			idcg += 1 / math.Log2(float64(pos)+2)
		}
		res.Users++
		p += float64(hits) / float64(k)
		r += float64(hits) / float64(len(rel))
		nd += dcg / idcg
		if hits > 0 {
			hr++
		}
		ap += apu / float64(min(k, len(rel)))
	}
	n := float64(res.Users)
	res.Precision, res.Recall, res.NDCG, res.HitRate, res.MAP = p/n, r/n, nd/n, hr/n, ap/n
	res.Coverage = float64(len(covered)) / float64(items)
	return res
}

func TestRankingMatchesReference(t *testing.T) {
	for _, c := range []struct{ users, items, k int }{{40, 30, 5}, {600, 50, 10}, {700, 8, 20}} {
		seen, test, s := randomRanking(c.users, c.items, uint64(c.users))
		got := eval.Ranking(s, seen, test, c.items, eval.RankingOptions{K: c.k, Relevant: 4})
		want := reference(s, seen, test, c.users, c.items, c.k, 4)
		near := func(x, y float64) bool { return math.Abs(x-y) < 1e-9 }
		if got.Users != want.Users || got.NoRelevant != want.NoRelevant || got.Cold != want.Cold || got.ColdRows != want.ColdRows || !near(got.Precision, want.Precision) ||
			!near(got.Recall, want.Recall) || !near(got.NDCG, want.NDCG) || !near(got.HitRate, want.HitRate) ||
			!near(got.MAP, want.MAP) || !near(got.Coverage, want.Coverage) {
			t.Errorf("%+v: Ranking =\n%+v, reference\n%+v", c, got, want)
		}
	}
}

// TestRankingDeterministic checks the result does not depend on the number
// of goroutines.
func TestRankingDeterministic(t *testing.T) {
	seen, test, s := randomRanking(3000, 40, 5)
	o := eval.RankingOptions{K: 10, Relevant: 4}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	one := eval.Ranking(s, seen, test, 40, o)
	runtime.GOMAXPROCS(7)
	if many := eval.Ranking(s, seen, test, 40, o); many != one {
		t.Errorf("GOMAXPROCS 1: %+v\nGOMAXPROCS 7: %+v", one, many)
	}
}

func TestMostPopular(t *testing.T) {
	train := rows([3]float32{0, 2, 3}, [3]float32{1, 2, 3}, [3]float32{2, 2, 5}, [3]float32{0, 0, 4},
		[3]float32{1, 0, 4}, [3]float32{3, 4, 5}, [3]float32{3, 3, 5}, [3]float32{3, 9, 5})
	p := eval.MostPopular(train, 5)
	if want := []int32{2, 0, 3, 1, 1}; !slices.Equal(p.Counts, want) {
		t.Errorf("counts %v, want %v (item 9 is outside the catalog)", p.Counts, want)
	}
	// Ranked: item 2 (3 ratings), item 0 (2), then items 3 and 4 (1 each)
	// by lower id; item 1 has none.
	var got []int32
	for _, s := range eval.TopK(nil, p, 0, 5, nil, 5) {
		got = append(got, s.Item)
	}
	if want := []int32{2, 0, 3, 4, 1}; !slices.Equal(got, want) {
		t.Errorf("most popular order %v, want %v", got, want)
	}
	got = got[:0]
	for _, s := range eval.TopK(nil, p, 3, 5, []int32{3, 4}, 5) {
		got = append(got, s.Item)
	}
	if want := []int32{2, 0, 1}; !slices.Equal(got, want) {
		t.Errorf("most popular for a user who rated 3 and 4: %v, want %v", got, want)
	}
	if p.Score(0, -1) != 0 || p.Score(0, 5) != 0 || p.Score(7, 2) != 3 {
		t.Errorf("scores outside the catalog or of an unknown user: %v %v %v", p.Score(0, -1), p.Score(0, 5), p.Score(7, 2))
	}
}

// Recommend three items to a user, leaving out the one already rated.
func ExampleTopK() {
	popular := eval.MostPopular(rows(
		[3]float32{0, 1, 5}, [3]float32{1, 1, 4}, [3]float32{2, 1, 3},
		[3]float32{0, 3, 4}, [3]float32{1, 3, 5}, [3]float32{2, 0, 4},
	), 5)
	for _, s := range eval.TopK(nil, popular, 2, 5, []int32{0, 1}, 3) {
		fmt.Printf("item %d: %g ratings\n", s.Item, s.Score)
	}
	// Output:
	// item 3: 2 ratings
	// item 2: 0 ratings
	// item 4: 0 ratings
}

// Measure a most-popular recommender. Items 0 and 1 have two training
// ratings each, 2 and 3 none. User 0 rated item 1, so its list is 0, 2:
// its relevant item 2 comes second. User 1's list is 1, 2: its relevant
// item 1 comes first. User 2's test rating is below the threshold.
func ExampleRanking() {
	train := rows([3]float32{0, 1, 5}, [3]float32{1, 0, 4}, [3]float32{2, 1, 5}, [3]float32{2, 0, 3})
	test := rows([3]float32{0, 2, 5}, [3]float32{1, 1, 4}, [3]float32{2, 3, 3})
	r := eval.Ranking(eval.MostPopular(train, 4), train, test, 4, eval.RankingOptions{K: 2, Relevant: 4})
	fmt.Printf("users %d, without a relevant item %d\n", r.Users, r.NoRelevant)
	fmt.Printf("P@2 %.3f R@2 %.3f NDCG@2 %.3f HR@2 %.3f MAP@2 %.3f coverage %.2f\n",
		r.Precision, r.Recall, r.NDCG, r.HitRate, r.MAP, r.Coverage)
	// Output:
	// users 2, without a relevant item 1
	// P@2 0.500 R@2 1.000 NDCG@2 0.815 HR@2 1.000 MAP@2 0.750 coverage 0.75
}
