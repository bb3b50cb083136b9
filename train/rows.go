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
//
// It holds two buffers, so that the next epoch's rows can be made (ahead)
// on another core while the current epoch trains on the other buffer.
type epochRows struct {
	train     dataset.Ratings
	packed    []packedRow // rating task: the training rows with their targets
	perm      []int32
	buf       [2]rowsBuf
	cur       int
	negatives int
	items     int
	rated     userItems
	pool      []int32 // the items negatives are drawn from (nil: all; see negativePool)
}

// packedRow is one training row, packed so that gathering it in shuffled
// order costs one cache miss instead of three.
type packedRow struct {
	u, i int32
	t    float32
}

type rowsBuf struct {
	us, is []int32
	ts     []float32
}

// maxAheadRows bounds the rows for which a second buffer is kept (12 bytes
// a row): beyond it epochs are made in turn.
const maxAheadRows = 1 << 25

func newEpochRows(s *dataset.Split, m *model.Model) *epochRows {
	cfg := m.Config
	r := &epochRows{train: s.Train}
	n := s.Train.Len()
	if !cfg.Implicit() {
		target := m.ScaleRatings(s.Train)
		r.packed = make([]packedRow, n)
		r.perm = make([]int32, n)
		for k := range r.perm {
			r.perm[k] = int32(k)
			r.packed[k] = packedRow{s.Train.User[k], s.Train.Item[k], target[k]}
		}
	} else {
		r.negatives, r.items = cfg.Negatives, s.Items.Len()
		r.rated = groupItems(s.Users.Len(), s.Train)
		r.pool = negativePool(m)
		n *= 1 + cfg.Negatives
	}
	bufs := 2
	if n > maxAheadRows {
		bufs = 1
	}
	for b := range bufs {
		r.buf[b] = rowsBuf{make([]int32, n), make([]int32, n), make([]float32, n)}
	}
	if bufs == 1 {
		r.buf[1] = r.buf[0]
	}
	return r
}

// len returns the number of rows of an epoch.
func (r *epochRows) len() int { return len(r.buf[0].us) }

// next returns the next epoch's rows, drawing their order (and negatives)
// from rng, in the buffer after the last one returned.
func (r *epochRows) next(rng *rand.Rand) (us, is []int32, ts []float32) {
	b := r.buf[r.cur]
	r.cur ^= 1
	us, is, ts = b.us, b.is, b.ts
	if r.perm != nil {
		perm := r.perm
		rng.Shuffle(len(perm), func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		for j, p := range perm {
			x := r.packed[p]
			us[j], is[j], ts[j] = x.u, x.i, x.t
		}
		return us, is, ts
	}
	j := 0
	for p, u := range r.train.User {
		us[j], is[j], ts[j] = u, r.train.Item[p], 1
		j++
		for range r.negatives {
			us[j], is[j], ts[j] = u, r.rated.sampleFrom(rng, u, r.items, r.pool), 0
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

// ahead starts making the next epoch's rows and returns a function that
// waits for them. With two buffers the rows are made on another goroutine;
// the caller must not call ahead again before it has called the returned
// function and finished with the rows before those. The rows are the same
// as next's, in the same rng order.
func (r *epochRows) ahead(rng *rand.Rand) func() ([]int32, []int32, []float32) {
	if r.len() == 0 || &r.buf[0].us[0] == &r.buf[1].us[0] {
		us, is, ts := r.next(rng)
		return func() ([]int32, []int32, []float32) { return us, is, ts }
	}
	done := make(chan struct{})
	var (
		us, is []int32
		ts     []float32
	)
	go func() {
		us, is, ts = r.next(rng)
		close(done)
	}()
	return func() ([]int32, []int32, []float32) {
		<-done
		return us, is, ts
	}
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
	return g.sampleFrom(rng, u, items, nil)
}

// sampleFrom is sample drawing from pool instead, when it is not nil.
func (g userItems) sampleFrom(rng *rand.Rand, u int32, items int, pool []int32) int32 {
	var i int32
	for range 64 {
		if pool != nil {
			i = pool[rng.IntN(len(pool))]
		} else {
			i = int32(rng.IntN(items))
		}
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
func implicitValidation(s *dataset.Split, m *model.Model) (us, is []int32, ts []float32) {
	cfg := m.Config
	if s.Valid.Len() == 0 {
		return nil, nil, nil
	}
	rated := groupItems(s.Users.Len(), s.Train, s.Valid)
	pool := negativePool(m)
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x7a11d))
	items := s.Items.Len()
	for p, u := range s.Valid.User {
		us, is, ts = append(us, u), append(is, s.Valid.Item[p]), append(ts, 1)
		for range cfg.Negatives {
			us, is, ts = append(us, u), append(is, rated.sampleFrom(rng, u, items, pool)), append(ts, 0)
		}
	}
	return us, is, ts
}

// negativePool returns the items negatives are drawn from: nil (every
// item) unless the model has item features and new items (no training or
// validation row), which are then never drawn: no one took them because
// they are new, which says nothing of their features.
func negativePool(m *model.Model) []int32 {
	if m.Features == nil || len(m.Features.New) == 0 {
		return nil
	}
	pool := make([]int32, 0, m.Items.Len()-len(m.Features.New))
	for i := range int32(m.Items.Len()) {
		if !m.Features.IsNew(i) {
			pool = append(pool, i)
		}
	}
	return pool
}
