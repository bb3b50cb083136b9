package dataset

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
)

// CourseConfig configures GenerateCourses. A zero field takes its default,
// so the zero value gives the shape of the IBM course ratings data: 33,901
// users, 126 courses, 233,306 rows, seed 42.
type CourseConfig struct {
	// Users is the number of users (default 33,901).
	Users int
	// Items is the number of courses drawn from the catalog (default 126,
	// at most the catalog size).
	Items int
	// Rows is the number of ratings (default 233,306), clamped to
	// [Users, Users*MaxPerUser].
	Rows int
	// MaxPerUser caps the ratings of one user (default 61, at most Items).
	MaxPerUser int
	// Seed drives every random choice; 0 means 42.
	Seed uint64
	// Noise is the standard deviation of the Gaussian noise added to the
	// latent score before quantization (default 0.45; negative means none).
	Noise float64
	// Shares are the target shares of the ratings 3, 4 and 5 (default
	// 0.37, 0.30, 0.33); they are normalized to sum to one.
	Shares [3]float64
	// Catalog is where courses are drawn from (default BuiltinCatalog()).
	Catalog *Catalog
}

// Generator parameters of GenerateCourses: the shape of the table and the
// standard deviations and weights of the parts of the latent score (on the
// scale where the default noise sd is 0.45). Interests put weight
// 0.3+0.7*Exp(1) on each of 1 to 3 genres; a course's affinity is the mean
// interest over its genres.
const (
	genCountSigma   = 1.15 // sd of log ratings-per-user (lognormal)
	genZipfS        = 1.2  // Zipf-Mandelbrot exponent of course popularity
	genZipfQ        = 5.0  // Zipf-Mandelbrot offset
	genRank         = 4    // rank of the low-rank term
	genSDUserBias   = 0.7  // per-user bias
	genSDQuality    = 1.2  // per-course quality
	genSDFactor     = 0.85 // entries of the low-rank factors (on average)
	genFactorDecay  = 0.5  // ratio of the sd of successive low-rank terms
	genAffinity     = 1.2  // weight of genre affinity in the latent score
	genSelectBlend  = 2.0  // choice weight = popularity * (1 + blend*affinity)
	genNoiseDefault = 0.45
)

// CourseTruth is what GenerateCourses knows about the rows it made.
type CourseTruth struct {
	// Courses are the chosen catalog courses, indexed by inner item id.
	Courses []Course
	// Popularity is each course's share of choices before user interests
	// are blended in, indexed by inner item id.
	Popularity []float64
	// Latent is the score of each row (in Dataset row order) before noise
	// and quantization: user bias + course quality + genre affinity +
	// low-rank term.
	Latent []float64
	// Noise is the standard deviation of the Gaussian noise added to Latent.
	Noise float64
	// Cuts are the quantization thresholds: a noisy score below Cuts[0] is
	// rated 3, below Cuts[1] 4, otherwise 5.
	Cuts [2]float64
}

func (c CourseConfig) withDefaults() CourseConfig {
	if c.Catalog == nil {
		c.Catalog = BuiltinCatalog()
	}
	if c.Users <= 0 {
		c.Users = 33901
	}
	if c.Items <= 0 {
		c.Items = 126
	}
	c.Items = min(c.Items, len(c.Catalog.Courses))
	if c.MaxPerUser <= 0 {
		c.MaxPerUser = 61
	}
	c.MaxPerUser = min(c.MaxPerUser, c.Items)
	if c.Rows <= 0 {
		c.Rows = 233306
	}
	c.Rows = min(max(c.Rows, c.Users), c.Users*c.MaxPerUser)
	if c.Seed == 0 {
		c.Seed = 42
	}
	switch {
	case c.Noise == 0:
		c.Noise = genNoiseDefault
	case c.Noise < 0:
		c.Noise = 0
	}
	if s := c.Shares[0] + c.Shares[1] + c.Shares[2]; s <= 0 || c.Shares[0] < 0 || c.Shares[1] < 0 || c.Shares[2] < 0 {
		c.Shares = [3]float64{0.37, 0.30, 0.33}
	} else {
		c.Shares = [3]float64{c.Shares[0] / s, c.Shares[1] / s, c.Shares[2] / s}
	}
	return c
}

// Builtin returns the built-in data set: GenerateCourses with the default
// configuration. It is deterministic.
func Builtin() *Dataset {
	d, _ := GenerateCourses(CourseConfig{})
	return d
}

// GenerateCourses makes a synthetic course rating table shaped like the IBM
// course recommender lab data. It draws cfg.Items courses from the catalog
// and gives them Zipf-Mandelbrot popularity; each user gets a long-tailed
// (lognormal) number of ratings, an interest vector over a few genres, a
// bias and rank-4 factors. A user picks distinct courses by popularity
// blended with genre interest, and rates each by the latent score
//
//	user bias + course quality + affinity*interests·genres + <P_u, Q_i>
//
// plus Gaussian noise, quantized to 3, 4 or 5 at the quantiles that give
// cfg.Shares. Rows are shuffled; user raw ids are distinct random numbers,
// item raw ids are catalog course ids, and inner ids follow first
// appearance, as reading the CSV written by WriteCSV would give (the item
// map holds every chosen course, even one no user picked, which only a
// small Rows makes likely). The same cfg gives the same rows. The data set
// is named "builtin".
func GenerateCourses(cfg CourseConfig) (*Dataset, *CourseTruth) {
	cfg = cfg.withDefaults()
	// The steps draw from one generator in this order; the same seed gives
	// the same rows only while the order holds.
	g := &courseGen{rng: rand.New(rand.NewPCG(cfg.Seed, 0xc0a5e5))}
	g.drawCourses(cfg.Catalog, cfg.Items)
	counts := userCounts(g.rng, cfg.Users, cfg.Rows, cfg.MaxPerUser)
	rows := g.drawRows(counts, cfg.Rows)
	noisy := addNoise(g.rng, rows.latent, cfg.Noise)
	cuts := shareCuts(noisy, cfg.Shares)
	return g.assemble(rows, noisy, cuts, cfg)
}

// courseGen is the state of GenerateCourses: its random generator and the
// courses it drew, with what a user's choice and rating need of them.
type courseGen struct {
	rng      *rand.Rand
	courses  []Course
	byGenre  [][]genreMember // the courses of each genre
	genreCum []float64       // cumulative genre frequency (courses + 0.5)
	genreTot float64         // its total
	pop      []float64       // popularity, summing to one
	quality  []float64
	q        []float64        // Items x genRank factors
	fscale   [genRank]float64 // sd of each factor
}

// genreMember is a course of a genre, with its weight: 1/#genres of the
// course.
type genreMember struct {
	item int
	w    float64
}

// courseRows are the rows GenerateCourses makes, grouped by user, with
// generator indices (before relabelling) and latent scores.
type courseRows struct {
	user, item []int32
	latent     []float64
}

// drawCourses draws n courses from cat; draw order is popularity rank.
// Each gets its popularity, quality and factors.
func (g *courseGen) drawCourses(cat *Catalog, n int) {
	pick := g.rng.Perm(len(cat.Courses))[:n]
	g.courses = make([]Course, n)
	gidx := make(map[string]int, len(cat.Genres))
	for ge, name := range cat.Genres {
		gidx[name] = ge
	}
	g.byGenre = make([][]genreMember, len(cat.Genres))
	for k, p := range pick {
		g.courses[k] = cat.Courses[p]
		for _, name := range g.courses[k].Genres {
			if ge, ok := gidx[name]; ok {
				g.byGenre[ge] = append(g.byGenre[ge], genreMember{k, 1 / float64(len(g.courses[k].Genres))})
			}
		}
	}
	g.genreCum = make([]float64, len(cat.Genres))
	for ge, members := range g.byGenre {
		g.genreTot += float64(len(members)) + 0.5
		g.genreCum[ge] = g.genreTot
	}
	g.pop, g.fscale = zipfPopularity(n), factorScales()
	g.quality, g.q = make([]float64, n), make([]float64, n*genRank)
	for k := range n {
		g.quality[k] = genSDQuality * g.rng.NormFloat64()
		for f := range genRank {
			g.q[k*genRank+f] = g.fscale[f] * g.rng.NormFloat64()
		}
	}
}

// zipfPopularity returns the Zipf-Mandelbrot shares of n courses by rank.
func zipfPopularity(n int) []float64 {
	pop := make([]float64, n)
	var s float64
	for k := range pop {
		pop[k] = math.Pow(float64(k+1)+genZipfQ, -genZipfS)
		s += pop[k]
	}
	for k := range pop {
		pop[k] /= s
	}
	return pop
}

// factorScales returns the sd of each factor: dimension f contributes a
// term P_f*Q_f whose sd is genFactorDecay^f times that of the first,
// keeping the total variance of <P_u, Q_i> at genRank*genSDFactor^4.
func factorScales() [genRank]float64 {
	var fscale [genRank]float64
	var m float64
	for f := range genRank {
		m += math.Pow(genFactorDecay, 2*float64(f)) / genRank
	}
	for f := range fscale {
		fscale[f] = genSDFactor * math.Sqrt(math.Pow(genFactorDecay, float64(f))/math.Sqrt(m))
	}
	return fscale
}

// drawRows draws each user's bias, factors and interests, and counts[u]
// distinct courses for user u with their latent scores: n rows in all.
func (g *courseGen) drawRows(counts []int, n int) courseRows {
	I := len(g.courses)
	r := courseRows{user: make([]int32, n), item: make([]int32, n), latent: make([]float64, n)}
	aff, cw, mark := make([]float64, I), make([]float64, I), make([]int, I)
	var p [genRank]float64
	row := 0
	for u, c := range counts {
		bias := genSDUserBias * g.rng.NormFloat64()
		for f := range p {
			p[f] = g.fscale[f] * g.rng.NormFloat64()
		}
		g.interests(aff)
		items := r.item[row : row+c]
		g.pick(items, u+1, aff, cw, mark)
		for j, k := range items {
			s := bias + g.quality[k] + genAffinity*aff[k]
			for f := range p {
				s += p[f] * g.q[int(k)*genRank+f]
			}
			r.user[row+j], r.latent[row+j] = int32(u), s
		}
		row += c
	}
	return r
}

// interests sets aff to a new user's affinity for each course: 1 to 3
// genres, frequent genres liked more often, each with weight 0.3+0.7*Exp(1)
// shared among a course's genres.
func (g *courseGen) interests(aff []float64) {
	clear(aff)
	liked := 1 + g.rng.IntN(2) + g.rng.IntN(2)
	for range liked {
		ge := searchCum(g.genreCum, g.rng.Float64()*g.genreTot)
		w := 0.3 + g.rng.ExpFloat64()*0.7
		for _, mb := range g.byGenre[ge] {
			aff[mb.item] += w * mb.w
		}
	}
}

// pick fills items with distinct courses by successive draws weighted by
// popularity blended with the affinities aff, marking each in mark with
// tag (one per user). The cumulative weights cw are rebuilt without the
// taken courses when rejections pile up.
func (g *courseGen) pick(items []int32, tag int, aff, cw []float64, mark []int) {
	tot := g.weights(cw, aff, mark, tag)
	rejects := 0
	for got := 0; got < len(items); {
		if rejects > 16 {
			tot, rejects = g.weights(cw, aff, mark, tag), 0
		}
		k := searchCum(cw, g.rng.Float64()*tot)
		if k >= len(cw) || mark[k] == tag {
			rejects++
			continue
		}
		mark[k] = tag
		items[got] = int32(k)
		got++
	}
}

// weights sets cw to the cumulative choice weights of the courses not
// marked with tag, popularity * (1 + blend*affinity), and returns their
// total.
func (g *courseGen) weights(cw, aff []float64, mark []int, tag int) float64 {
	var tot float64
	for k := range cw {
		if mark[k] != tag {
			tot += g.pop[k] * (1 + genSelectBlend*aff[k])
		}
		cw[k] = tot
	}
	return tot
}

// addNoise returns the latent scores plus Gaussian noise of sd noise (one
// draw a row even when noise is 0).
func addNoise(rng *rand.Rand, latent []float64, noise float64) []float64 {
	noisy := make([]float64, len(latent))
	for r := range noisy {
		noisy[r] = latent[r] + noise*rng.NormFloat64()
	}
	return noisy
}

// shareCuts returns the quantization thresholds of the noisy scores: the
// quantiles that give the shares of the ratings 3, 4 and 5.
func shareCuts(noisy []float64, shares [3]float64) [2]float64 {
	var cuts [2]float64
	n := len(noisy)
	if n == 0 {
		return cuts
	}
	work := slices.Clone(noisy)
	k1 := min(n-1, int(shares[0]*float64(n)))
	k2 := max(k1, min(n-1, int((shares[0]+shares[1])*float64(n))))
	cuts[0] = selectNth(work, k1)
	cuts[1] = selectNth(work[k1:], k2-k1) // work[k1:] holds the values >= cuts[0]
	return cuts
}

// assemble shuffles the rows, gives users random raw ids, relabels both
// by first appearance and rates each row by its noisy score and the cuts.
func (g *courseGen) assemble(r courseRows, noisy []float64, cuts [2]float64, cfg CourseConfig) (*Dataset, *CourseTruth) {
	N, U, I := len(r.user), cfg.Users, len(g.courses)
	order := shuffledOrder(g.rng, N)
	rawUser := randomUserIDs(g.rng, U)
	uIn, iIn := relabel(r.user, r.item, order, U, I)

	d := &Dataset{Name: "builtin"}
	d.Ratings = Ratings{User: make([]int32, N), Item: make([]int32, N), Value: make([]float32, N)}
	tr := &CourseTruth{Latent: make([]float64, N), Noise: cfg.Noise, Cuts: cuts,
		Courses: make([]Course, I), Popularity: make([]float64, I)}
	for i, o := range order {
		v := float32(3)
		if noisy[o] >= cuts[0] {
			v++
		}
		if noisy[o] >= cuts[1] {
			v++
		}
		d.User[i], d.Item[i], d.Value[i] = uIn[r.user[o]], iIn[r.item[o]], v
		tr.Latent[i] = r.latent[o]
	}
	users := make([]string, U)
	for u, in := range uIn {
		users[in] = rawUser[u]
	}
	items := make([]string, I)
	for k, in := range iIn {
		items[in] = g.courses[k].ID
		tr.Courses[in], tr.Popularity[in] = g.courses[k], g.pop[k]
	}
	d.Users, d.Items = NewIDMap(users), NewIDMap(items)
	return d, tr
}

// searchCum returns the first index whose cumulative weight exceeds x, or
// len(cum) if none does.
func searchCum(cum []float64, x float64) int {
	lo, hi := 0, len(cum)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if cum[m] > x {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo
}

// userCounts draws U long-tailed (ceil lognormal) per-user counts in
// [1, maxPer] summing exactly to n. The lognormal location is found by
// bisection; the small remainder is spread one rating at a time.
func userCounts(rng *rand.Rand, U, n, maxPer int) []int {
	ez := make([]float64, U)
	for u := range ez {
		ez[u] = math.Exp(genCountSigma * rng.NormFloat64())
	}
	counts := make([]int, U)
	fill := func(mu float64) int {
		em, s := math.Exp(mu), 0
		for u, x := range ez {
			c := int(math.Ceil(em * x))
			c = min(max(c, 1), maxPer)
			counts[u] = c
			s += c
		}
		return s
	}
	lo, hi := -5.0, math.Log(float64(maxPer))+5
	for range 30 {
		if m := (lo + hi) / 2; fill(m) < n {
			lo = m
		} else {
			hi = m
		}
	}
	diff := n - fill(lo)
	for diff != 0 {
		u := rng.IntN(U)
		switch {
		case diff > 0 && counts[u] < maxPer:
			counts[u]++
			diff--
		case diff < 0 && counts[u] > 1:
			counts[u]--
			diff++
		}
	}
	return counts
}

// randomUserIDs returns U distinct random numeric ids in [2, 2,100,000)
// (or a larger range when U needs it), like the ids of the real data.
func randomUserIDs(rng *rand.Rand, U int) []string {
	span := max(2_100_000-2, 4*U)
	seen := make([]uint64, (span+63)/64)
	ids := make([]string, U)
	for u := range ids {
		for {
			x := rng.IntN(span)
			if seen[x/64]&(1<<(x%64)) == 0 {
				seen[x/64] |= 1 << (x % 64)
				ids[u] = strconv.Itoa(x + 2)
				break
			}
		}
	}
	return ids
}

// shuffledOrder returns 0..n-1 in an order drawn from rng.
func shuffledOrder(rng *rand.Rand, n int) []int32 {
	order := make([]int32, n)
	for i := range order {
		order[i] = int32(i)
	}
	rng.Shuffle(n, func(a, b int) { order[a], order[b] = order[b], order[a] })
	return order
}

// relabel returns, for generator user and item indices, their inner ids in
// order of first appearance when rows are read in the given order.
func relabel(gu, gi, order []int32, U, I int) (uIn, iIn []int32) {
	uIn, iIn = make([]int32, U), make([]int32, I)
	for k := range uIn {
		uIn[k] = -1
	}
	for k := range iIn {
		iIn[k] = -1
	}
	var nu, ni int32
	for _, o := range order {
		if u := gu[o]; uIn[u] < 0 {
			uIn[u] = nu
			nu++
		}
		if i := gi[o]; iIn[i] < 0 {
			iIn[i] = ni
			ni++
		}
	}
	// Users or items without rows (not possible with Rows >= Users, but
	// items may go unpicked) come last.
	for k := range uIn {
		if uIn[k] < 0 {
			uIn[k] = nu
			nu++
		}
	}
	for k := range iIn {
		if iIn[k] < 0 {
			iIn[k] = ni
			ni++
		}
	}
	return uIn, iIn
}

// selectNth reorders a so that a[k] is the value that would be there if a
// were sorted, no larger values come before it and no smaller after it,
// and returns a[k].
func selectNth(a []float64, k int) float64 {
	lo, hi := 0, len(a)-1
	for lo < hi {
		// Median of three as pivot, then Hoare partition.
		m := int(uint(lo+hi) >> 1)
		if a[m] < a[lo] {
			a[m], a[lo] = a[lo], a[m]
		}
		if a[hi] < a[lo] {
			a[hi], a[lo] = a[lo], a[hi]
		}
		if a[hi] < a[m] {
			a[hi], a[m] = a[m], a[hi]
		}
		p := a[m]
		i, j := lo, hi
		for i <= j {
			for a[i] < p {
				i++
			}
			for a[j] > p {
				j--
			}
			if i <= j {
				a[i], a[j] = a[j], a[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return a[k]
		}
	}
	return a[k]
}
