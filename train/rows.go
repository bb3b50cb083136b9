package train

import (
	"math/rand/v2"
	"slices"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

// epochRows makes each epoch's training rows in a fresh random order: the
// training ratings on the training scale for the rating task; for the
// implicit task every rating as a positive (target 1) and, for each,
// cfg.Negatives items the user has not rated, drawn uniformly (target 0),
// sampled anew every epoch.
type epochRows struct {
	train      dataset.Ratings
	target     []float32
	perm       []int32
	us, is     []int32
	ts         []float32
	negatives  int
	items      int
	rated      userItems
	sampleFrom *rand.Rand
}

func newEpochRows(s *dataset.Split, m *model.Model) *epochRows {
	cfg := m.Config
	r := &epochRows{train: s.Train}
	n := s.Train.Len()
	if !cfg.Implicit() {
		r.target = m.ScaleRatings(s.Train)
		r.perm = make([]int32, n)
		for i := range r.perm {
			r.perm[i] = int32(i)
		}
	} else {
		r.negatives, r.items = cfg.Negatives, s.Items.Len()
		r.rated = groupItems(s.Users.Len(), s.Train)
		n *= 1 + cfg.Negatives
	}
	r.us, r.is, r.ts = make([]int32, n), make([]int32, n), make([]float32, n)
	return r
}

// next returns the next epoch's rows, drawing their order (and negatives)
// from rng.
func (r *epochRows) next(rng *rand.Rand) (us, is []int32, ts []float32) {
	us, is, ts = r.us, r.is, r.ts
	if r.perm != nil {
		perm := r.perm
		rng.Shuffle(len(perm), func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		for j, p := range perm {
			us[j], is[j], ts[j] = r.train.User[p], r.train.Item[p], r.target[p]
		}
		return us, is, ts
	}
	j := 0
	for p, u := range r.train.User {
		us[j], is[j], ts[j] = u, r.train.Item[p], 1
		j++
		for range r.negatives {
			us[j], is[j], ts[j] = u, r.rated.sample(rng, u, r.items), 0
			j++
		}
	}
	rng.Shuffle(len(us), func(a, b int) {
		us[a], us[b] = us[b], us[a]
		is[a], is[b] = is[b], is[a]
		ts[a], ts[b] = ts[b], ts[a]
	})
	return us, is, ts
}

// userItems holds each user's rated items, sorted.
type userItems struct {
	start []int32
	item  []int32
}

// groupItems groups the items of the given ratings by user.
func groupItems(users int, parts ...dataset.Ratings) userItems {
	g := userItems{start: make([]int32, users+1)}
	for _, p := range parts {
		for _, u := range p.User {
			g.start[u+1]++
		}
	}
	for u := range users {
		g.start[u+1] += g.start[u]
	}
	g.item = make([]int32, g.start[users])
	fill := slices.Clone(g.start[:users])
	for _, p := range parts {
		for k, u := range p.User {
			g.item[fill[u]] = p.Item[k]
			fill[u]++
		}
	}
	for u := range users {
		slices.Sort(g.item[g.start[u]:g.start[u+1]])
	}
	return g
}

// has reports whether user u rated item i.
func (g userItems) has(u, i int32) bool {
	_, ok := slices.BinarySearch(g.item[g.start[u]:g.start[u+1]], i)
	return ok
}

// sample draws an item in 0..items-1 that u has not rated, uniformly; if u
// rated (nearly) every item it gives up after a bounded number of draws and
// returns the last draw.
func (g userItems) sample(rng *rand.Rand, u int32, items int) int32 {
	var i int32
	for range 64 {
		i = int32(rng.IntN(items))
		if !g.has(u, i) {
			return i
		}
	}
	return i
}

// implicitValidation returns the validation rows of the implicit task: each
// validation rating as a positive with cfg.Negatives sampled items the user
// rated in neither part as negatives, drawn once from the seed so that every
// epoch is scored on the same rows.
func implicitValidation(s *dataset.Split, cfg model.Config) (us, is []int32, ts []float32) {
	if s.Valid.Len() == 0 {
		return nil, nil, nil
	}
	rated := groupItems(s.Users.Len(), s.Train, s.Valid)
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x7a11d))
	items := s.Items.Len()
	for p, u := range s.Valid.User {
		us, is, ts = append(us, u), append(is, s.Valid.Item[p]), append(ts, 1)
		for range cfg.Negatives {
			us, is, ts = append(us, u), append(is, rated.sample(rng, u, items)), append(ts, 0)
		}
	}
	return us, is, ts
}
