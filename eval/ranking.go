package eval

import (
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

// Defaults of RankingOptions.
const (
	// DefaultK is the length of a recommendation list.
	DefaultK = 10
	// DefaultRelevant is the threshold `recnet eval` uses: a test rating
	// of 4 or more (on the original scale) is relevant, so on the 3/4/5
	// course ratings the 4s and 5s are.
	DefaultRelevant = 4
)

// RankingOptions set a top-k evaluation.
type RankingOptions struct {
	// K is the length of each recommendation list; zero or less means
	// DefaultK.
	K int
	// Relevant is the relevance threshold on the original rating scale: a
	// test rating r is relevant when r >= Relevant. It is used as given
	// (zero is a threshold of zero, not a default).
	Relevant float64
	// KeepCold ranks the cold users too (see RankingResult); by default
	// they are left out.
	KeepCold bool
}

// RankingResult holds top-k metrics averaged over the users ranked.
//
// For one user let the candidates be the items the user has no seen rating
// for, the list the K best candidates by score (see TopK), rel_i 1 when the
// item at position i (1-based) is relevant and 0 otherwise, hits the number
// of relevant items in the list and R the number of relevant test items
// among the candidates. Then
//
//	P@K    = hits / K (K even when the list is shorter)
//	R@K    = hits / R
//	HR@K   = 1 if hits > 0, else 0
//	NDCG@K = DCG / IDCG, DCG = Σ_{i<=K} rel_i / log2(i+1),
//	         IDCG = Σ_{i<=min(K,R)} 1 / log2(i+1) (binary relevance)
//	AP@K   = Σ_{i<=K} P@i · rel_i / min(K, R), and MAP@K its mean.
//
// A user is ranked when R >= 1. A user with test rows but none relevant
// (R = 0, including when every relevant test item was also seen) has
// nothing to find: it is left out of the averages and counted in
// NoRelevant. A cold user, one with test rows but no seen row, is unknown
// to whatever was fitted on the seen rows: ranking it would measure the
// scorer's fallback (the same list for everyone), so unless KeepCold is set
// it is left out of the averages, counted in Cold and its test rows in
// ColdRows, before its relevant items are counted. With no user ranked
// every average is NaN.
type RankingResult struct {
	K        int     // list length
	Relevant float64 // relevance threshold
	// Users is the number of users ranked; NoRelevant the number of users
	// with test rows but no relevant candidate, left out of the averages.
	Users, NoRelevant int
	// Cold is the number of users with test rows but no seen row, and
	// ColdRows their test rows, left out unless KeepCold is set.
	Cold, ColdRows int
	Precision      float64 // mean P@K
	Recall         float64 // mean R@K
	NDCG           float64 // mean NDCG@K
	HitRate        float64 // mean HR@K
	MAP            float64 // mean AP@K
	// Coverage is the share of the items that appear in at least one of
	// the ranked users' lists (catalog coverage).
	Coverage float64
	Items    int // catalog size: the candidates are drawn from 0..Items-1
}

// Ranking recommends K items to every user with a test row and measures
// the lists against the relevant test ratings (see RankingResult). A
// user's candidates are the items 0..items-1 the user has no row for in
// seen (the training rows, say, or training and validation rows): items
// the user already rated are never recommended. Test rows are on the
// original scale; rows whose user is negative or whose item is outside
// 0..items-1 are ignored, as are seen rows outside that range.
//
// Scores come from s.Score(u, i) on inner ids, which s must know: every
// user of test and the items 0..items-1. s is called from several
// goroutines at once (up to runtime.GOMAXPROCS) and must be safe for
// that; a model.Net only reads its tables. Users are split into fixed
// chunks whose sums are merged in order, so the result does not depend on
// the number of goroutines.
func Ranking(s model.Scorer, seen, test dataset.Ratings, items int, o RankingOptions) RankingResult {
	k := o.K
	if k <= 0 {
		k = DefaultK
	}
	res := RankingResult{K: k, Relevant: o.Relevant, Items: max(items, 0)}
	users := 0
	for _, u := range test.User {
		users = max(users, int(u)+1)
	}
	nan := math.NaN()
	res.Precision, res.Recall, res.NDCG, res.HitRate, res.MAP, res.Coverage = nan, nan, nan, nan, nan, nan
	if users == 0 || items <= 0 {
		return res
	}
	r := ranker{s: s, seen: groupByUser(users, items, seen), test: groupByUser(users, items, test), k: k, relevant: o.Relevant, keepCold: o.KeepCold}
	r.disc, r.ideal = dcgDiscounts(k)
	chunks := (users + rankChunk - 1) / rankChunk
	sums := make([]rankSums, chunks)
	states := forChunks(chunks, func() *rankState {
		return &rankState{heap: make([]Scored, 0, min(k, items)), mark: make([]int32, items), covered: make([]bool, items)}
	}, func(st *rankState, c int) {
		for u := int32(c * rankChunk); int(u) < min((c+1)*rankChunk, users); u++ {
			r.user(st, &sums[c], u)
		}
	})
	var tot rankSums
	for _, c := range sums {
		tot.users += c.users
		tot.noRelevant += c.noRelevant
		tot.cold += c.cold
		tot.coldRows += c.coldRows
		tot.precision += c.precision
		tot.recall += c.recall
		tot.ndcg += c.ndcg
		tot.hit += c.hit
		tot.ap += c.ap
	}
	res.Users, res.NoRelevant, res.Cold, res.ColdRows = tot.users, tot.noRelevant, tot.cold, tot.coldRows
	if tot.users == 0 {
		return res
	}
	n := float64(tot.users)
	res.Precision, res.Recall, res.NDCG = tot.precision/n, tot.recall/n, tot.ndcg/n
	res.HitRate, res.MAP = tot.hit/n, tot.ap/n
	covered := 0
	for i := range items {
		for _, st := range states {
			if st.covered[i] {
				covered++
				break
			}
		}
	}
	res.Coverage = float64(covered) / float64(items)
	return res
}

// ranker holds what Ranking reads for every user: the scorer, the seen and
// test rows by user, the list length, the relevance threshold and the
// discounts of DCG.
type ranker struct {
	s           model.Scorer
	seen, test  userRows
	k           int
	relevant    float64
	keepCold    bool
	disc, ideal []float64
}

// rankState is the scratch space of one Ranking goroutine, and the items
// its lists covered.
type rankState struct {
	heap    []Scored
	mark    []int32 // mark[i] == u+1: item i is relevant for user u
	covered []bool
}

// user ranks the candidates of user u and adds its metrics to sum, or
// counts it in sum.noRelevant when it has test rows but no relevant
// candidate, or in sum.cold when it has test rows but no seen row (unless
// r.keepCold); a user without test rows is left out.
func (r *ranker) user(st *rankState, sum *rankSums, u int32) {
	ti := r.test.items(u)
	if len(ti) == 0 {
		return
	}
	own := r.seen.items(u)
	if len(own) == 0 && !r.keepCold {
		sum.cold++
		sum.coldRows += len(ti)
		return
	}
	rel := 0
	for j, i := range ti {
		if float64(r.test.value[int(r.test.start[u])+j]) < r.relevant || st.mark[i] == u+1 {
			continue
		}
		if _, found := slices.BinarySearch(own, i); found {
			continue
		}
		st.mark[i] = u + 1
		rel++
	}
	if rel == 0 {
		sum.noRelevant++
		return
	}
	k := r.k
	st.heap = TopK(st.heap, r.s, u, len(st.mark), own, k)
	hits := 0
	var dcg, ap float64
	for p, it := range st.heap {
		st.covered[it.Item] = true
		if st.mark[it.Item] != u+1 {
			continue
		}
		hits++
		dcg += r.disc[p]
		ap += float64(hits) / float64(p+1)
	}
	sum.users++
	sum.precision += float64(hits) / float64(k)
	sum.recall += float64(hits) / float64(rel)
	sum.ndcg += dcg / r.ideal[min(k, rel)]
	if hits > 0 {
		sum.hit++
	}
	sum.ap += ap / float64(min(k, rel))
}

// rankSums are one chunk's sums of the per-user metrics.
type rankSums struct {
	users, noRelevant, cold, coldRows int
	precision, recall, ndcg, hit, ap  float64
}

// rankChunk is the number of users (or test rows) in one unit of forChunks
// work. It is fixed so that sums merge in the same order on any machine.
const rankChunk = 256

// dcgDiscounts returns disc[p] = 1/log2(p+2) for the 0-based positions
// p < k, and ideal[r] = disc[0] + ... + disc[r-1] for r <= k.
func dcgDiscounts(k int) (disc, ideal []float64) {
	disc = make([]float64, k)
	ideal = make([]float64, k+1)
	for p := range disc {
		disc[p] = 1 / math.Log2(float64(p)+2)
		ideal[p+1] = ideal[p] + disc[p]
	}
	return disc, ideal
}

// forChunks calls work(st, c) for every chunk c in 0..chunks-1 on up to
// runtime.GOMAXPROCS goroutines, each with its own state from newState,
// and returns the states made.
func forChunks[S any](chunks int, newState func() S, work func(st S, c int)) []S {
	workers := max(min(runtime.GOMAXPROCS(0), chunks), 1)
	states := make([]S, workers)
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range states {
		states[w] = newState()
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				c := int(next.Add(1) - 1)
				if c >= chunks {
					return
				}
				work(states[w], c)
			}
		}()
	}
	wg.Wait()
	return states
}

// userRows groups rows by user: the rows of user u are at
// start[u]..start[u+1] in item and value, the items of each user sorted
// ascending.
type userRows struct {
	start []int32
	item  []int32
	value []float32
}

// items returns the sorted item ids of user u.
func (g userRows) items(u int32) []int32 { return g.item[g.start[u]:g.start[u+1]] }

// groupByUser groups the rows of parts whose user is in 0..users-1 and
// item in 0..items-1.
func groupByUser(users, items int, parts ...dataset.Ratings) userRows {
	ok := func(u, i int32) bool { return u >= 0 && int(u) < users && i >= 0 && int(i) < items }
	g := userRows{start: make([]int32, users+1)}
	for _, r := range parts {
		for k, u := range r.User {
			if ok(u, r.Item[k]) {
				g.start[u+1]++
			}
		}
	}
	for u := range users {
		g.start[u+1] += g.start[u]
	}
	n := g.start[users]
	order := make([]int64, n) // item<<32 | row position, sorted per user
	g.item, g.value = make([]int32, n), make([]float32, n)
	next := slices.Clone(g.start[:users])
	for _, r := range parts {
		for k, u := range r.User {
			if i := r.Item[k]; ok(u, i) {
				g.item[next[u]], g.value[next[u]] = i, r.Value[k]
				order[next[u]] = int64(i)<<32 | int64(next[u])
				next[u]++
			}
		}
	}
	value := slices.Clone(g.value)
	for u := range users {
		seg := order[g.start[u]:g.start[u+1]]
		slices.Sort(seg)
		for j, o := range seg {
			p := int(g.start[u]) + j
			g.item[p], g.value[p] = int32(o>>32), value[int32(o)]
		}
	}
	return g
}
