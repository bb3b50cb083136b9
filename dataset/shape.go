package dataset

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
)

// Shape is the size of a synthetic MovieLens-like ratings table made by
// GenerateShape and WriteShapeCSV. A zero Users, Items or Rows takes
// ShapeML25M's value; a zero MinPerUser, Rank or Noise takes its default.
type Shape struct {
	// Name names the shape, e.g. "ml25m"; it becomes the Dataset's Name.
	Name string
	// Users, Items and Rows are the numbers of users, items and ratings.
	// Rows is clamped to [Users, Users*Items]. Every user has a rating;
	// every item too when Rows allows.
	Users, Items, Rows int
	// MinPerUser is the fewest ratings a user has (default 20, as in
	// MovieLens; clamped to Rows/Users and Items).
	MinPerUser int
	// Rank is the rank of the user-item interaction term (default 8).
	Rank int
	// Noise is the standard deviation of the noise added to a rating
	// before it is rounded (default 0.5; negative means none).
	Noise float64
}

// The shapes of the MovieLens ratings tables: users, items (those with a
// rating) and ratings.
var (
	ShapeML100K = Shape{Name: "ml100k", Users: 943, Items: 1682, Rows: 100_000}
	ShapeML1M   = Shape{Name: "ml1m", Users: 6040, Items: 3706, Rows: 1_000_209}
	ShapeML25M  = Shape{Name: "ml25m", Users: 162_541, Items: 59_047, Rows: 25_000_095}
)

// ShapeByName returns the shape named ml100k, ml1m or ml25m (case and
// surrounding spaces are ignored).
func ShapeByName(name string) (Shape, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "ml100k":
		return ShapeML100K, nil
	case "ml1m":
		return ShapeML1M, nil
	case "ml25m":
		return ShapeML25M, nil
	}
	return Shape{}, fmt.Errorf("dataset: unknown shape %q (want ml100k, ml1m or ml25m)", name)
}

// Scaled returns s with rows ratings, the users scaled by the same factor
// and the items by its square root (at least 1 each): a user keeps the
// same number of ratings, and a smaller table is denser, as the smaller
// MovieLens tables are. It is how a benchmark or a test gets a small
// table of a large shape.
func (s Shape) Scaled(rows int) Shape {
	s = s.withDefaults()
	f := float64(rows) / float64(s.Rows)
	s.Users = max(1, int(math.Round(float64(s.Users)*f)))
	s.Items = max(1, int(math.Round(float64(s.Items)*math.Sqrt(f))))
	s.Rows = rows
	if s.Name != "" {
		s.Name = fmt.Sprintf("%s/%d", s.Name, rows)
	}
	return s
}

func (s Shape) withDefaults() Shape {
	if s.Users <= 0 {
		s.Users = ShapeML25M.Users
	}
	if s.Items <= 0 {
		s.Items = ShapeML25M.Items
	}
	if s.Rows <= 0 {
		s.Rows = ShapeML25M.Rows
	}
	s.Rows = int(min(max(int64(s.Rows), int64(s.Users)), int64(s.Users)*int64(s.Items)))
	if s.MinPerUser <= 0 {
		s.MinPerUser = 20
	}
	s.MinPerUser = max(1, min(s.MinPerUser, s.Rows/s.Users, s.Items))
	if s.Rank <= 0 {
		s.Rank = 8
	}
	switch {
	case s.Noise == 0:
		s.Noise = 0.5
	case s.Noise < 0:
		s.Noise = 0
	}
	if s.Name == "" {
		s.Name = "shape"
	}
	return s
}

// Parameters of the shape generator.
const (
	shapeCountSigma = 1.39 // sd of the log of a user's ratings above the minimum
	shapeZipfS      = 1.5  // Zipf-Mandelbrot exponent of item popularity
	shapeTopShare   = 0.55 // expected share of users rating the top item
	shapeMean       = 3.55 // global mean of the latent rating
	shapeSDUser     = 0.45 // sd of user biases
	shapeSDItem     = 0.45 // sd of item biases
	shapeSDDot      = 0.6  // sd of the interaction term
	shapeHalfStars  = 0.55 // share of users rating in half stars
	shapeHeavy      = 8    // users with more than Items/shapeHeavy ratings draw by sorting keys
)

// shapeGen holds what is drawn once for a whole table; the rows of user u
// then come from a random stream of their own, so users can be made in
// any order, on any number of goroutines, with the same result.
type shapeGen struct {
	s        Shape
	seed     uint64
	counts   []int32   // ratings of each user
	itemRaw  []int32   // raw id of each item, increasing
	rankItem []int32   // item of each popularity rank
	weight   []float64 // popularity weight of each item
	thr      []uint32  // alias table over ranks: keep rank r when the low bits < thr[r]
	alias    []int32
	bu, bi   []float32
	p, q     []float32 // factors, Rank per user and per item
	half     []bool    // the user rates in half stars
}

func newShapeGen(s Shape, seed uint64) *shapeGen {
	s = s.withDefaults()
	if seed == 0 {
		seed = 42
	}
	U, I, K := s.Users, s.Items, s.Rank
	rng := rand.New(rand.NewPCG(seed, 0x5a4e))
	g := &shapeGen{s: s, seed: seed}
	g.counts = shapeCounts(rng, U, s.Rows, s.MinPerUser, I)

	// Raw item ids: I distinct increasing numbers in [1, 3.54*I], the
	// spread of MovieLens' movieIds.
	span := max(I, int(float64(I)*209171/59047))
	taken := make([]uint64, (span+63)/64)
	for n := 0; n < I; {
		x := rng.IntN(span)
		if taken[x/64]&(1<<(x%64)) == 0 {
			taken[x/64] |= 1 << (x % 64)
			n++
		}
	}
	g.itemRaw = make([]int32, 0, I)
	for x := range span {
		if taken[x/64]&(1<<(x%64)) != 0 {
			g.itemRaw = append(g.itemRaw, int32(x+1))
		}
	}

	// Popularity: Zipf-Mandelbrot over ranks, the offset chosen so that
	// the top item is expected in about shapeTopShare of the users.
	g.rankItem = make([]int32, I)
	for r, i := range rng.Perm(I) {
		g.rankItem[r] = int32(i)
	}
	q := zipfOffset(I, float64(s.Rows), shapeTopShare*float64(U))
	w := make([]float64, I)
	var sum float64
	for r := range w {
		w[r] = math.Pow(float64(r+1)+q, -shapeZipfS)
		sum += w[r]
	}
	g.weight = make([]float64, I)
	for r, x := range w {
		w[r] = x / sum
		g.weight[g.rankItem[r]] = w[r]
	}
	g.thr, g.alias = aliasTable(w)

	norm := func(n int, sd float64) []float32 {
		x := make([]float32, n)
		for k := range x {
			x[k] = float32(sd * rng.NormFloat64())
		}
		return x
	}
	sdf := math.Sqrt(shapeSDDot / math.Sqrt(float64(K))) // <p,q> has sd shapeSDDot
	g.bu, g.bi = norm(U, shapeSDUser), norm(I, shapeSDItem)
	g.p, g.q = norm(U*K, sdf), norm(I*K, sdf)
	g.half = make([]bool, U)
	for u := range g.half {
		g.half[u] = rng.Float64() < shapeHalfStars
	}
	return g
}

// shapeCounts draws U long-tailed counts in [lo, hi] summing to n: lo plus
// a lognormal part whose location is found by bisection.
func shapeCounts(rng *rand.Rand, U, n, lo, hi int) []int32 {
	ez := make([]float64, U)
	for u := range ez {
		ez[u] = math.Exp(shapeCountSigma * rng.NormFloat64())
	}
	counts := make([]int32, U)
	fill := func(mu float64) int {
		em, s := math.Exp(mu), 0
		for u, x := range ez {
			c := min(lo+int(em*x), hi)
			counts[u] = int32(c)
			s += c
		}
		return s
	}
	a, b := -30.0, math.Log(float64(hi))+30
	for range 60 {
		if m := (a + b) / 2; fill(m) <= n {
			a = m
		} else {
			b = m
		}
	}
	for diff := n - fill(a); diff > 0; { // floor and caps leave a few rows
		if u := rng.IntN(U); int(counts[u]) < hi {
			counts[u]++
			diff--
		}
	}
	return counts
}

// zipfOffset returns the offset q at which the first of I Zipf-Mandelbrot
// weights (r+1+q)^-s takes a share top/rows of the mass (0 if even q = 0
// gives less, and a large q, near uniform, if none gives that little).
func zipfOffset(I int, rows, top float64) float64 {
	share := func(q float64) float64 {
		var s float64
		for r := range I {
			s += math.Pow(float64(r+1)+q, -shapeZipfS)
		}
		return math.Pow(1+q, -shapeZipfS) / s
	}
	want := top / rows
	if share(0) <= want {
		return 0
	}
	a, b := 0.0, 100*float64(I)
	for range 40 {
		m := (a + b) / 2
		if share(m) > want {
			a = m
		} else {
			b = m
		}
	}
	return b
}

// aliasTable builds Vose's alias table for the weights w (summing to 1).
func aliasTable(w []float64) (thr []uint32, alias []int32) {
	n := len(w)
	thr, alias = make([]uint32, n), make([]int32, n)
	scaled := make([]float64, n)
	var small, large []int32
	for k, x := range w {
		scaled[k] = x * float64(n)
		if scaled[k] < 1 {
			small = append(small, int32(k))
		} else {
			large = append(large, int32(k))
		}
	}
	for len(small) > 0 && len(large) > 0 {
		s, l := small[len(small)-1], large[len(large)-1]
		small = small[:len(small)-1]
		thr[s], alias[s] = uint32(scaled[s]*(1<<32)), l
		scaled[l] -= 1 - scaled[s]
		if scaled[l] < 1 {
			large, small = large[:len(large)-1], append(small, l)
		}
	}
	for _, k := range append(small, large...) {
		thr[k], alias[k] = math.MaxUint32, k
	}
	return thr, alias
}

// shapeWorker makes the rows of one user at a time.
type shapeWorker struct {
	g     *shapeGen
	src   rand.PCG
	rng   *rand.Rand
	mark  []int32 // mark[i] == u+1: user u took item i
	items []int32
	vals  []float32
	keys  []uint64
}

func (g *shapeGen) worker() *shapeWorker {
	w := &shapeWorker{g: g, mark: make([]int32, g.s.Items)}
	w.rng = rand.New(&w.src)
	return w
}

// user returns the items of user u in increasing order and their ratings.
// The slices are reused by the next call.
func (w *shapeWorker) user(u int) ([]int32, []float32) {
	g := w.g
	I, U, K := g.s.Items, g.s.Users, g.s.Rank
	w.src.Seed(g.seed, 0x9e3779b97f4a7c15^uint64(u))
	c := int(g.counts[u])
	w.items = w.items[:0]
	take := func(i int32) {
		w.mark[i] = int32(u + 1)
		w.items = append(w.items, i)
	}
	// Forced items: ranks u, u+U, ... so that every item has a rating.
	for r := u; r < I && len(w.items) < c; r += U {
		take(g.rankItem[r])
	}
	if c > I/shapeHeavy {
		// Weighted sampling without replacement by the smallest keys
		// Exp(1)/weight (Efraimidis-Spirakis): all items at once.
		w.keys = w.keys[:0]
		for i, wt := range g.weight {
			if w.mark[i] != int32(u+1) {
				k := float32(w.rng.ExpFloat64() / wt)
				w.keys = append(w.keys, uint64(math.Float32bits(k))<<32|uint64(i))
			}
		}
		slices.Sort(w.keys)
		for _, k := range w.keys[:c-len(w.items)] {
			take(int32(uint32(k)))
		}
	} else {
		for len(w.items) < c {
			x := w.rng.Uint64()
			r := int32((x >> 32) * uint64(I) >> 32)
			if uint32(x) >= g.thr[r] {
				r = g.alias[r]
			}
			if i := g.rankItem[r]; w.mark[i] != int32(u+1) {
				take(i)
			}
		}
	}
	slices.Sort(w.items)
	w.vals = w.vals[:0]
	pu := g.p[u*K : (u+1)*K]
	base := shapeMean + float64(g.bu[u])
	for _, i := range w.items {
		s := base + float64(g.bi[i])
		for f, x := range g.q[int(i)*K : int(i+1)*K] {
			s += float64(pu[f] * x)
		}
		s += g.s.Noise * w.rng.NormFloat64()
		var v float64
		if g.half[u] {
			v = min(max(math.Round(2*s)/2, 0.5), 5)
		} else {
			v = min(max(math.Round(s), 1), 5)
		}
		w.vals = append(w.vals, float32(v))
	}
	return w.items, w.vals
}
