package eval

import (
	"math"
	"math/rand/v2"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

// DefaultCandidates is the number of sampled items each held-out item is
// ranked against in the NCF protocol: 99, so that 100 items are ranked, as
// in He et al. 2017 (its released test lists hold the held-out item and 99
// sampled ones, which the paper calls negatives; the negatives of
// model.Config are those sampled while training).
const DefaultCandidates = 99

// NCFOptions set the NCF protocol.
type NCFOptions struct {
	// Candidates is the number of items sampled per user among the items
	// the user never rated; zero or less means DefaultCandidates.
	Candidates int
	// K is the cut-off of HR@K and NDCG@K; zero or less means DefaultK.
	K int
	// Seed drives the sampling. The same seed gives the same candidates
	// for every scorer, so two scorers are compared on the same lists.
	Seed uint64
}

// NCFResult holds the NCF protocol's metrics, averaged over the test rows.
//
// For a test row (u, i) the list is i and the candidates sampled for u,
// ranked by score; with the held-out item at 1-based rank r,
// HR@K = 1 if r <= K and NDCG@K = 1/log2(r+1) if r <= K (0 otherwise).
// Scores equal to the held-out item's are ties broken at random: the
// metrics are their expected values over that draw, so a constant scorer
// gets exactly the random ranker's figures.
type NCFResult struct {
	K, Candidates int
	// Cases is the number of test rows ranked. Short counts those whose
	// user had fewer than Candidates unrated items: they were ranked
	// against all of them.
	Cases, Short int
	HR, NDCG     float64
	// RandomHR and RandomNDCG are what a random ranking of the same lists
	// scores in expectation, the trivial baseline: with n candidates per
	// list HR@K = K/n (10/100 = 0.1 for the paper's 99 candidates) and
	// NDCG@K = (1/n) Σ_{r<=K} 1/log2(r+1) (≈ 0.045).
	RandomHR, RandomNDCG float64
}

// NCF runs the evaluation protocol of Neural Collaborative Filtering (He
// et al. 2017) on s: for every test row (u, i) it samples Candidates items
// u never rated in any part of s (train, validation or test), uniformly
// without replacement from a generator seeded with (Seed, u), ranks i among
// them and the sampled items by s.Score, and averages HR@K and NDCG@K (see
// NCFResult). Use it on a dataset.LeaveOneOut split, whose test part holds
// one rating per user that the scorer was not trained on.
//
// Rows whose user or item is outside s's id maps are skipped. With no test
// row the averages are NaN. sc is called from several goroutines at once
// and must be safe for that (a model.Net only reads its tables); the result
// does not depend on their number.
func NCF(sc model.Scorer, s *dataset.Split, o NCFOptions) NCFResult {
	if o.Candidates <= 0 {
		o.Candidates = DefaultCandidates
	}
	if o.K <= 0 {
		o.K = DefaultK
	}
	res := NCFResult{K: o.K, Candidates: o.Candidates}
	nan := math.NaN()
	res.HR, res.NDCG, res.RandomHR, res.RandomNDCG = nan, nan, nan, nan
	users, items := s.Users.Len(), s.Items.Len()
	rated := groupByUser(users, items, s.Train, s.Valid, s.Test)
	var cases []int // test rows to rank
	for k, u := range s.Test.User {
		if i := s.Test.Item[k]; u >= 0 && int(u) < users && i >= 0 && int(i) < items {
			cases = append(cases, k)
		}
	}
	if len(cases) == 0 {
		return res
	}
	_, ideal := dcgDiscounts(o.K)
	chunks := (len(cases) + rankChunk - 1) / rankChunk
	sums := make([]ncfSums, chunks)
	forChunks(chunks, func() *ncfState {
		pcg := rand.NewPCG(0, 0)
		return &ncfState{pcg: pcg, rng: rand.New(pcg), mark: make([]uint32, items), pool: make([]int32, 0, items)}
	}, func(st *ncfState, c int) {
		for _, row := range cases[c*rankChunk : min((c+1)*rankChunk, len(cases))] {
			u := s.Test.User[row]
			sums[c].add(st.rank(sc, u, s.Test.Item[row], rated.items(u), o), o, ideal)
		}
	})
	var tot ncfSums
	for _, c := range sums {
		tot.cases += c.cases
		tot.short += c.short
		tot.hr += c.hr
		tot.ndcg += c.ndcg
		tot.randHR += c.randHR
		tot.randNDCG += c.randNDCG
	}
	n := float64(tot.cases)
	res.Cases, res.Short = tot.cases, tot.short
	res.HR, res.NDCG, res.RandomHR, res.RandomNDCG = tot.hr/n, tot.ndcg/n, tot.randHR/n, tot.randNDCG/n
	return res
}

// ncfState is the scratch space of one NCF goroutine.
type ncfState struct {
	pcg  *rand.PCG
	rng  *rand.Rand
	mark []uint32 // mark[j] == gen: j is rated by, or sampled for, the current case
	gen  uint32
	pool []int32 // unrated items, when drawing from a list
}

// ncfCase is where a held-out item ranks in its list: above sampled items
// score above it and ties as much, among n sampled.
type ncfCase struct{ above, ties, n int }

// rank samples the candidates of the test row (u, i), u having rated the
// sorted items rated, and ranks i among them by sc.
func (st *ncfState) rank(sc model.Scorer, u, i int32, rated []int32, o NCFOptions) ncfCase {
	st.gen++
	unrated := len(st.mark)
	for _, j := range rated {
		if st.mark[j] != st.gen {
			st.mark[j] = st.gen
			unrated--
		}
	}
	st.pcg.Seed(o.Seed, uint64(u))
	h := Scored{Item: i, Score: sc.Score(u, i)}
	c := ncfCase{n: min(o.Candidates, unrated)}
	st.sample(c.n, unrated, func(j int32) {
		switch x := (Scored{Item: j, Score: sc.Score(u, j)}); {
		case x.Score == h.Score || (x.Score != x.Score && h.Score != h.Score):
			c.ties++
		case scoreAbove(x, h):
			c.above++
		}
	})
	return c
}

// sample calls fn with n items drawn uniformly without replacement among
// the unrated items not marked, and marks them.
func (st *ncfState) sample(n, unrated int, fn func(j int32)) {
	items := len(st.mark)
	if unrated >= 2*n {
		// Rejection sampling: each draw succeeds with probability at
		// least one half.
		for range n {
			j := int32(st.rng.IntN(items))
			for st.mark[j] == st.gen {
				j = int32(st.rng.IntN(items))
			}
			st.mark[j] = st.gen
			fn(j)
		}
		return
	}
	// Few unrated items: list them and draw n by a partial Fisher-Yates
	// shuffle.
	st.pool = st.pool[:0]
	for j := range int32(items) {
		if st.mark[j] != st.gen {
			st.pool = append(st.pool, j)
		}
	}
	for d := range n {
		e := d + st.rng.IntN(len(st.pool)-d)
		st.pool[d], st.pool[e] = st.pool[e], st.pool[d]
		fn(st.pool[d])
	}
}

// scoreAbove reports whether a scores above b, a NaN score below every
// number; unlike topk.Above, equal scores are not ordered by item.
func scoreAbove(a, b Scored) bool {
	an, bn := a.Score != a.Score, b.Score != b.Score
	if an || bn {
		return bn && !an
	}
	return a.Score > b.Score
}

// ncfSums are one chunk's sums of the per-case metrics.
type ncfSums struct {
	cases, short               int
	hr, ndcg, randHR, randNDCG float64
}

// add adds case c's metrics to s; ideal[r] is the ideal DCG of r hits.
func (s *ncfSums) add(c ncfCase, o NCFOptions, ideal []float64) {
	if c.n < o.Candidates {
		s.short++
	}
	// The held-out item's rank is 1+above+x, x uniform in 0..ties.
	hit := max(0, min(c.ties+1, o.K-c.above))
	s.cases++
	s.hr += float64(hit) / float64(c.ties+1)
	if hit > 0 {
		s.ndcg += (ideal[c.above+hit] - ideal[c.above]) / float64(c.ties+1)
	}
	top := min(o.K, c.n+1)
	s.randHR += float64(top) / float64(c.n+1)
	s.randNDCG += ideal[top] / float64(c.n+1)
}
