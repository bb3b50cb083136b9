package dataset

import (
	"math"
	"math/rand/v2"
	"strconv"
)

// LowRankConfig configures GenerateLowRank. A zero field takes its default.
type LowRankConfig struct {
	// Users and Items are the numbers of users and items (default 500, 100).
	Users, Items int
	// Rank is the dimension of the true factors (default 4).
	Rank int
	// Rows is the number of ratings (default 20,000), clamped to
	// [Users, Users*Items] and spread evenly over the users.
	Rows int
	// Noise is the standard deviation of the Gaussian noise added to each
	// rating (default 0.1; negative means none).
	Noise float64
	// Seed drives every random choice; 0 means 42.
	Seed uint64
	// Min and Max set the scale (default 1 and 5): the global mean is their
	// midpoint and the spreads of the biases and factors are proportional
	// to Max-Min, so nearly all ratings fall in [Min, Max]. Ratings are not
	// clipped.
	Min, Max float64
}

// LowRankTruth holds the parameters GenerateLowRank drew, indexed by the
// inner ids of its data set, so that rating = Clean(u, i) + noise.
type LowRankTruth struct {
	Mu       float64
	UserBias []float64
	ItemBias []float64
	// P and Q are the user and item factors, each of length Rank.
	P, Q [][]float64
	// Noise is the standard deviation of the rating noise: the RMSE a
	// perfect model would have, up to sampling.
	Noise float64
}

// Clean returns the noiseless rating of user u and item i (inner ids):
// Mu + UserBias[u] + ItemBias[i] + <P[u], Q[i]>.
func (t *LowRankTruth) Clean(u, i int32) float64 {
	s := t.Mu + t.UserBias[u] + t.ItemBias[i]
	for f, p := range t.P[u] {
		s += p * t.Q[i][f]
	}
	return s
}

func (c LowRankConfig) withDefaults() LowRankConfig {
	if c.Users <= 0 {
		c.Users = 500
	}
	if c.Items <= 0 {
		c.Items = 100
	}
	if c.Rank <= 0 {
		c.Rank = 4
	}
	if c.Rows <= 0 {
		c.Rows = 20000
	}
	c.Rows = min(max(c.Rows, c.Users), c.Users*c.Items)
	switch {
	case c.Noise == 0:
		c.Noise = 0.1
	case c.Noise < 0:
		c.Noise = 0
	}
	if c.Seed == 0 {
		c.Seed = 42
	}
	if c.Min == 0 && c.Max == 0 {
		c.Min, c.Max = 1, 5
	}
	if c.Max < c.Min {
		c.Min, c.Max = c.Max, c.Min
	}
	return c
}

// GenerateLowRank makes a known-answer data set for tests: continuous
// ratings r = mu + b_u + b_i + <P_u, Q_i> + N(0, Noise²), neither quantized
// nor clipped. Every user rates Rows/Users (or one more) distinct items
// drawn uniformly; rows are shuffled, raw ids are "u1".."uN" and
// "i1".."iM", inner ids follow first appearance. Biases have standard
// deviation (Max-Min)/16 and the factor term (Max-Min)/10. The data set
// is named "lowrank"; the same cfg gives the same rows.
func GenerateLowRank(cfg LowRankConfig) (*Dataset, *LowRankTruth) {
	cfg = cfg.withDefaults()
	// The steps draw from one generator in this order; the same seed gives
	// the same rows only while the order holds.
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x10e4a4c))
	g := drawLowRank(rng, cfg)
	rows := g.rate(rng, cfg)
	order := shuffledOrder(rng, cfg.Rows)
	return g.assemble(rows, order)
}

// lowRankGen holds the parameters GenerateLowRank drew, indexed by the
// generator's user and item indices (before relabelling); P and Q are
// Users x Rank and Items x Rank.
type lowRankGen struct {
	mu, noise float64
	rank      int
	bu, bi    []float64
	p, q      []float64
}

// lowRankRows are the rows GenerateLowRank makes, grouped by user, with
// generator indices.
type lowRankRows struct {
	user, item []int32
	value      []float32
}

// drawLowRank draws the biases and factors of cfg.
func drawLowRank(rng *rand.Rand, cfg LowRankConfig) *lowRankGen {
	U, I, K := cfg.Users, cfg.Items, cfg.Rank
	span := cfg.Max - cfg.Min
	sdBias := span / 16
	sdFactor := math.Sqrt(span / 10 / math.Sqrt(float64(K))) // <P_u,Q_i> has sd span/10
	draw := func(n int, sd float64) []float64 {
		x := make([]float64, n)
		for k := range x {
			x[k] = sd * rng.NormFloat64()
		}
		return x
	}
	g := &lowRankGen{mu: (cfg.Min + cfg.Max) / 2, noise: cfg.Noise, rank: K}
	g.bu, g.bi = draw(U, sdBias), draw(I, sdBias)
	g.p, g.q = draw(U*K, sdFactor), draw(I*K, sdFactor)
	return g
}

// rate spreads cfg.Rows over the users, draws each user's distinct items
// uniformly and rates them with noise.
func (g *lowRankGen) rate(rng *rand.Rand, cfg LowRankConfig) lowRankRows {
	U, I, K, N := cfg.Users, cfg.Items, g.rank, cfg.Rows
	rows := lowRankRows{user: make([]int32, 0, N), item: make([]int32, 0, N), value: make([]float32, 0, N)}
	extra := make([]bool, U)
	for _, u := range rng.Perm(U)[:N%U] {
		extra[u] = true
	}
	perm := make([]int32, I)
	for k := range perm {
		perm[k] = int32(k)
	}
	for u := range U {
		c := N / U
		if extra[u] {
			c++
		}
		for j := range c { // partial Fisher-Yates: c distinct items
			r := j + rng.IntN(I-j)
			perm[j], perm[r] = perm[r], perm[j]
			i := perm[j]
			s := g.mu + g.bu[u] + g.bi[i] + g.noise*rng.NormFloat64()
			for f := range K {
				s += g.p[u*K+f] * g.q[int(i)*K+f]
			}
			rows.user, rows.item = append(rows.user, int32(u)), append(rows.item, i)
			rows.value = append(rows.value, float32(s))
		}
	}
	return rows
}

// assemble puts the rows in the given order, relabels users and items by
// first appearance, names them "u1".."uN" and "i1".."iM" by generator
// index, and indexes the truth by the inner ids.
func (g *lowRankGen) assemble(r lowRankRows, order []int32) (*Dataset, *LowRankTruth) {
	N, U, I, K := len(order), len(g.bu), len(g.bi), g.rank
	uIn, iIn := relabel(r.user, r.item, order, U, I)
	d := &Dataset{Name: "lowrank"}
	d.Ratings = Ratings{User: make([]int32, N), Item: make([]int32, N), Value: make([]float32, N)}
	for k, o := range order {
		d.User[k], d.Item[k], d.Value[k] = uIn[r.user[o]], iIn[r.item[o]], r.value[o]
	}
	t := &LowRankTruth{Mu: g.mu, Noise: g.noise,
		UserBias: make([]float64, U), ItemBias: make([]float64, I),
		P: make([][]float64, U), Q: make([][]float64, I)}
	users, items := make([]string, U), make([]string, I)
	for u, in := range uIn {
		users[in] = "u" + strconv.Itoa(u+1)
		t.UserBias[in], t.P[in] = g.bu[u], g.p[u*K:(u+1)*K:(u+1)*K]
	}
	for i, in := range iIn {
		items[in] = "i" + strconv.Itoa(i+1)
		t.ItemBias[in], t.Q[in] = g.bi[i], g.q[i*K:(i+1)*K:(i+1)*K]
	}
	d.Users, d.Items = NewIDMap(users), NewIDMap(items)
	return d, t
}
