package eval_test

import (
	"fmt"
	"math"
	"sync"
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/eval"
)

// ncfSplit is a leave-one-out split of 300 users x 250 items, 20 ratings a
// user: every user has more than 100 unrated items.
func ncfSplit(t testing.TB) *dataset.Split {
	t.Helper()
	d, _ := dataset.GenerateLowRank(dataset.LowRankConfig{Users: 300, Items: 250, Rows: 6000, Seed: 3})
	s, err := dataset.LeaveOneOut(d, 7)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// heldOut returns the test item of each user.
func heldOut(s *dataset.Split) map[int32]int32 {
	m := map[int32]int32{}
	for k, u := range s.Test.User {
		m[u] = s.Test.Item[k]
	}
	return m
}

func TestNCFPlanted(t *testing.T) {
	s := ncfSplit(t)
	test := heldOut(s)
	n := 100.0
	randomNDCG := 0.0
	for r := 1; r <= 10; r++ {
		randomNDCG += 1 / math.Log2(float64(r)+1)
	}
	randomNDCG /= n
	tests := []struct {
		name     string
		score    func(u, i int32) float32
		hr, ndcg float64
	}{
		{"held-out first", func(u, i int32) float32 { return b2f(test[u] == i) }, 1, 1},
		{"held-out last", func(u, i int32) float32 { return -b2f(test[u] == i) }, 0, 0},
		{"held-out NaN, last", func(u, i int32) float32 {
			if test[u] == i {
				return float32(math.NaN())
			}
			return 0
		}, 0, 0},
		{"constant: the random expectation", func(_, _ int32) float32 { return 0.5 }, 10 / n, randomNDCG},
	}
	for _, tt := range tests {
		r := eval.NCF(scoreNet(tt.score), s, eval.NCFOptions{Seed: 1})
		if r.Cases != len(test) || r.Short != 0 || r.K != 10 || r.Candidates != 99 {
			t.Errorf("%s: %d cases (want %d), %d short, K %d, %d candidates", tt.name, r.Cases, len(test), r.Short, r.K, r.Candidates)
		}
		if math.Abs(r.HR-tt.hr) > 1e-12 || math.Abs(r.NDCG-tt.ndcg) > 1e-12 {
			t.Errorf("%s: HR@10 %v, NDCG@10 %v; want %v, %v", tt.name, r.HR, r.NDCG, tt.hr, tt.ndcg)
		}
		if math.Abs(r.RandomHR-10/n) > 1e-12 || math.Abs(r.RandomNDCG-randomNDCG) > 1e-12 {
			t.Errorf("%s: random expectation %v, %v; want %v, %v", tt.name, r.RandomHR, r.RandomNDCG, 10/n, randomNDCG)
		}
	}
}

func b2f(b bool) float32 {
	if b {
		return 1
	}
	return 0
}

// recorder is a scorer that notes every (user, item) it scores.
type recorder struct {
	mu   sync.Mutex
	seen map[int32]map[int32]bool
}

func (r *recorder) Score(u, i int32) float32 {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seen == nil {
		r.seen = map[int32]map[int32]bool{}
	}
	if r.seen[u] == nil {
		r.seen[u] = map[int32]bool{}
	}
	r.seen[u][i] = true
	return 0
}

// TestNCFCandidates checks that each user's list is its held-out item and
// 99 distinct items it never rated, the same for the same seed.
func TestNCFCandidates(t *testing.T) {
	s := ncfSplit(t)
	test := heldOut(s)
	rated := map[[2]int32]bool{}
	for _, r := range []dataset.Ratings{s.Train, s.Valid, s.Test} {
		for k, u := range r.User {
			rated[[2]int32{u, r.Item[k]}] = true
		}
	}
	var a, b, c recorder
	eval.NCF(&a, s, eval.NCFOptions{Seed: 11})
	eval.NCF(&b, s, eval.NCFOptions{Seed: 11})
	eval.NCF(&c, s, eval.NCFOptions{Seed: 12})
	same, differ := 0, 0
	for u, items := range a.seen {
		if len(items) != 100 || !items[test[u]] {
			t.Fatalf("user %d: scored %d items (want 100), held-out item %d among them: %v", u, len(items), test[u], items[test[u]])
		}
		for i := range items {
			if i != test[u] && rated[[2]int32{u, i}] {
				t.Fatalf("user %d: sampled item %d, which the user rated", u, i)
			}
			if !b.seen[u][i] {
				t.Fatalf("user %d: the same seed sampled other items", u)
			}
			if c.seen[u][i] {
				same++
			} else {
				differ++
			}
		}
	}
	if len(a.seen) != len(test) || differ == 0 {
		t.Errorf("%d users scored (want %d); another seed changed %d of %d items", len(a.seen), len(test), differ, same+differ)
	}
}

// TestNCFShort checks a user with fewer unrated items than candidates is
// ranked against all of them, and that ties count as the random draw.
func TestNCFShort(t *testing.T) {
	// 12 items; user 0 rated 0..8 and holds out 9: three unrated (9 is
	// rated). User 1 rated 0 and holds out 1: ten unrated.
	s := &dataset.Split{Users: dataset.NewIDMap([]string{"a", "b"}), Items: dataset.NewIDMap([]string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"})}
	for i := range int32(9) {
		s.Train.Append(0, i, 4)
	}
	s.Test.Append(0, 9, 5)
	s.Train.Append(1, 0, 4)
	s.Test.Append(1, 1, 5)
	// The held-out item ties with every candidate: user 0's list has 3
	// items, so with K=2 HR = 2/3 and NDCG = (1 + 1/log2 3)/3; user 1's
	// has 5 (4 candidates): HR = 2/5, NDCG = (1 + 1/log2 3)/5.
	r := eval.NCF(scoreNet(func(_, _ int32) float32 { return 1 }), s, eval.NCFOptions{Candidates: 4, K: 2, Seed: 3})
	d := 1 + 1/math.Log2(3)
	if r.Cases != 2 || r.Short != 1 {
		t.Errorf("%d cases, %d short; want 2, 1", r.Cases, r.Short)
	}
	if want := (2.0/3 + 2.0/5) / 2; math.Abs(r.HR-want) > 1e-12 || math.Abs(r.RandomHR-want) > 1e-12 {
		t.Errorf("HR %v, random HR %v, want %v", r.HR, r.RandomHR, want)
	}
	if want := (d/3 + d/5) / 2; math.Abs(r.NDCG-want) > 1e-12 || math.Abs(r.RandomNDCG-want) > 1e-12 {
		t.Errorf("NDCG %v, random NDCG %v, want %v", r.NDCG, r.RandomNDCG, want)
	}
}

// TestNCFRank checks the held-out item's rank on a list known in full: user
// 0 rated item 0 and holds out item 1; the four other items are its
// candidates.
func TestNCFRank(t *testing.T) {
	s := &dataset.Split{Users: dataset.NewIDMap([]string{"a"}), Items: dataset.NewIDMap([]string{"0", "1", "2", "3", "4", "5"})}
	s.Train.Append(0, 0, 4)
	s.Test.Append(0, 1, 5)
	scores := []float32{9, 0.5, 0.9, 0.1, 0.7, 0.1}
	tests := []struct {
		k        int
		hr, ndcg float64
	}{
		{1, 0, 0},
		{2, 0, 0},
		{3, 1, 0.5}, // third: 1/log2(4)
		{10, 1, 0.5},
	}
	for _, tt := range tests {
		r := eval.NCF(scoreNet(func(_, i int32) float32 { return scores[i] }), s, eval.NCFOptions{Candidates: 4, K: tt.k})
		if r.Cases != 1 || r.Short != 0 || r.HR != tt.hr || math.Abs(r.NDCG-tt.ndcg) > 1e-12 {
			t.Errorf("K %d: %+v, want HR %v NDCG %v", tt.k, r, tt.hr, tt.ndcg)
		}
	}
}

func TestNCFNoTestRows(t *testing.T) {
	s := &dataset.Split{Users: dataset.NewIDMap([]string{"a"}), Items: dataset.NewIDMap([]string{"x"})}
	s.Train.Append(0, 0, 3)
	r := eval.NCF(scoreNet(func(_, _ int32) float32 { return 0 }), s, eval.NCFOptions{})
	if r.Cases != 0 || !math.IsNaN(r.HR) || !math.IsNaN(r.NDCG) {
		t.Errorf("no test rows: %+v", r)
	}
}

// TestNCFPopular checks most-popular beats a random ranking when the
// held-out items are popular ones.
func TestNCFPopular(t *testing.T) {
	d, _ := dataset.GenerateCourses(dataset.CourseConfig{Users: 3000, Rows: 21000, Seed: 5})
	s, err := dataset.LeaveOneOut(d, 1)
	if err != nil {
		t.Fatal(err)
	}
	r := eval.NCF(eval.MostPopular(s.Train, s.Items.Len()), s, eval.NCFOptions{Seed: 1})
	if !(r.HR > 2*r.RandomHR) || !(r.NDCG > 2*r.RandomNDCG) {
		t.Errorf("most popular on Zipf-like courses: HR %v NDCG %v, random %v %v", r.HR, r.NDCG, r.RandomHR, r.RandomNDCG)
	}
}

// Rank each user's held-out item with a scorer that knows it.
func ExampleNCF() {
	d, _ := dataset.GenerateLowRank(dataset.LowRankConfig{Users: 200, Items: 300, Rows: 4000, Seed: 1})
	s, _ := dataset.LeaveOneOut(d, 42)
	held := map[[2]int32]bool{}
	for k, u := range s.Test.User {
		held[[2]int32{u, s.Test.Item[k]}] = true
	}
	oracle := scoreNet(func(u, i int32) float32 { return b2f(held[[2]int32{u, i}]) })
	r := eval.NCF(oracle, s, eval.NCFOptions{Seed: 42})
	fmt.Printf("%d users: HR@%d %.3f, NDCG@%d %.3f; a random ranking: HR %.3f, NDCG %.3f\n",
		r.Cases, r.K, r.HR, r.K, r.NDCG, r.RandomHR, r.RandomNDCG)
	// Output:
	// 200 users: HR@10 1.000, NDCG@10 1.000; a random ranking: HR 0.100, NDCG 0.045
}
