package train

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

// ratedState is what dot and mf keep to train with the svdpp setting
// (model.RatedSum): each user's rated items N(u), the sum s_u =
// |N(u)|^-½ Σ_{j∈N(u)} y_j cached per user, and per user the gradient
// with respect to s_u gathered over the user's rows.
//
// An epoch runs in windows of whole users: either a window a user, the
// users in a random order and each user's rows together (mf), or the
// whole epoch one window, its rows in their given shuffled order (dot). s_u is summed afresh from y as it stands when the user's
// window begins, and when it ends the gradient gathered for s_u, times
// |N(u)|^-½, is pushed to every y_j of N(u): y is read and written once a
// user an epoch, which costs O(ratings · dim), not O(ratings · |N(u)| ·
// dim). At the end of an epoch every s_u is summed afresh, for validation.
type ratedState struct {
	dim    int
	one    bool      // the whole epoch one window, else a window a user
	rated  userItems // N(u): each user's training items, sorted
	sum    []float32 // users x dim: s_u
	acc    []float32 // users x dim: the gradient gathered for s_u
	rng    *rand.Rand
	order  []int32 // the users in this epoch's order
	rank   []int32 // each user's place in order
	count  []int32 // rows of each rank, then their start
	bounds []int32 // the rows where each window begins, then the rows' end
	wuser  []int32 // where each window's users begin in order, then len(order)
	us, is []int32 // this epoch's rows, by window
	ts     []float32
}

// newRatedState returns the svdpp state for dim-wide rows over the
// training ratings of s, in one window or a window a user, its user
// order drawn from seed.
func newRatedState(s *dataset.Split, dim int, one bool, seed uint64) *ratedState {
	users := s.Users.Len()
	st := &ratedState{
		dim: dim, one: one, rated: groupItems(users, s.Train),
		sum: make([]float32, users*dim), acc: make([]float32, users*dim),
		order: make([]int32, users),
	}
	for k := range st.order {
		st.order[k] = int32(k)
	}
	if !one { // one window keeps the rows as given, in the users' order
		n := s.Train.Len()
		st.rng = rand.New(rand.NewPCG(seed, 0x5dd9))
		st.rank, st.count = make([]int32, users), make([]int32, users+1)
		st.us, st.is, st.ts = make([]int32, n), make([]int32, n), make([]float32, n)
	}
	return st
}

// checkRated refuses what the svdpp setting cannot train with; cfg's
// kind checks the same settings (model.Config.Validate), this guards a
// caller that skips it.
func checkRated(cfg model.Config, o *Options) error {
	switch {
	case !cfg.SVDpp:
	case cfg.Implicit():
		return fmt.Errorf("train: svdpp is for the rating task")
	case cfg.Threads > 1:
		return fmt.Errorf("train: svdpp trains on one goroutine, not %d threads", cfg.Threads)
	case o.features != nil:
		return fmt.Errorf("train: svdpp does not train with item features")
	}
	return nil
}

// newRated returns the y table of a net: N(0, InitStd²) with the normal
// init, as the other tables with he_normal (from a generator of its own,
// so that the other tables draw what they draw without svdpp), and zero
// rows for the items no training rating names, which never train.
func newRated(s *dataset.Split, cfg model.Config) []float32 {
	items, d := s.Items.Len(), cfg.Dim
	src := model.NewDot(0, items, model.Config{Kind: model.DefaultKind, Settings: model.Settings{Dim: d, Init: cfg.Init, InitStd: cfg.InitStd}, Training: model.Training{Seed: cfg.Seed ^ 0x5dd9}})
	_, seen := mfSeen(s.Train, s.Users.Len(), items)
	mfZeroUnseen(src.ItemEmb, seen, d)
	return src.ItemEmb
}

// group returns the rows us, is, ts by window (see ratedState): as given
// in one window, or a window a user, the users in a random order, each
// user's rows in their given order.
func (st *ratedState) group(us, is []int32, ts []float32) ([]int32, []int32, []float32) {
	if st.one {
		st.bounds, st.wuser = append(st.bounds[:0], 0, int32(len(us))), append(st.wuser[:0], 0, int32(len(st.order)))
		return us, is, ts
	}
	for k := range st.order {
		st.order[k] = int32(k)
	}
	st.rng.Shuffle(len(st.order), func(a, b int) { st.order[a], st.order[b] = st.order[b], st.order[a] })
	for r, u := range st.order {
		st.rank[u] = int32(r)
	}
	clear(st.count)
	for _, u := range us {
		st.count[st.rank[u]+1]++
	}
	st.bounds, st.wuser = append(st.bounds[:0], 0), append(st.wuser[:0], 0)
	for r := range st.order {
		st.count[r+1] += st.count[r]
		if st.count[r+1] > st.count[r] || r == len(st.order)-1 {
			st.bounds, st.wuser = append(st.bounds, st.count[r+1]), append(st.wuser, int32(r+1))
		}
	}
	for k, u := range us {
		p := st.count[st.rank[u]]
		st.count[st.rank[u]]++
		st.us[p], st.is[p], st.ts[p] = u, is[k], ts[k]
	}
	n := len(us)
	return st.us[:n], st.is[:n], st.ts[:n]
}

// windows calls begin with the users of each window that begins at a row
// in lo..hi-1 of the rows of group, before that row, row(p) for each row p
// and end with the users of each window that ends at p, after row(p);
// begin and end may be nil.
func (st *ratedState) windows(lo, hi int, begin func(users []int32), row func(p int), end func(users []int32)) {
	w := st.windowOf(lo)
	for p := lo; p < hi; p++ {
		if int32(p) == st.bounds[w] && begin != nil {
			begin(st.order[st.wuser[w]:st.wuser[w+1]])
		}
		row(p)
		if int32(p) == st.bounds[w+1]-1 {
			if end != nil {
				end(st.order[st.wuser[w]:st.wuser[w+1]])
			}
			w++
		}
	}
}

// windowOf returns the window of row p.
func (st *ratedState) windowOf(p int) int {
	w, _ := slices.BinarySearch(st.bounds, int32(p)+1)
	return w - 1
}

// epoch runs an epoch of the rows us, is, ts by window (group) in
// batches of batch rows, step training on the rows lo..hi of the grouped
// rows, then sums every s_u afresh from y (y(j) is row j of y). after is
// as in batches.
func (st *ratedState) epoch(us, is []int32, ts []float32, batch int, after func(b int, sse float64) error,
	step func(us, is []int32, ts []float32, lo, hi int) float64, y func(j int32) []float32) (float64, error) {
	us, is, ts = st.group(us, is, ts)
	sse, err := batches(len(us), batch, after, func(int, int) {},
		func(lo, hi int) float64 { return step(us, is, ts, lo, hi) })
	st.refresh(y)
	return sse, err
}

// of returns user u's row of t (sum or acc).
func (st *ratedState) of(t []float32, u int32) []float32 {
	o := int(u) * st.dim
	return t[o : o+st.dim : o+st.dim]
}

// items returns N(u).
func (st *ratedState) items(u int32) []int32 {
	return st.rated.item[st.rated.start[u]:st.rated.start[u+1]]
}

// begin sums s_u afresh from the y rows (y(j) is row j of y) as
// model.RatedSum does, and clears u's gathered gradient.
func (st *ratedState) begin(u int32, y func(j int32) []float32) {
	s := st.of(st.sum, u)
	clear(s)
	clear(st.of(st.acc, u))
	items := st.items(u)
	if len(items) == 0 {
		return
	}
	for _, j := range items {
		for f, v := range y(j)[:len(s)] {
			s[f] += v
		}
	}
	c := model.RatedScale(len(items))
	for f := range s {
		s[f] *= c
	}
}

// refresh sums every s_u afresh.
func (st *ratedState) refresh(y func(j int32) []float32) {
	for u := range int32(len(st.order)) {
		st.begin(u, y)
	}
}

// effective sets dst to p + s_u, the user's whole vector.
func (st *ratedState) effective(dst, p []float32, u int32) []float32 {
	s := st.of(st.sum, u)
	dst = dst[:len(s)]
	for f, v := range s {
		dst[f] = p[f] + v
	}
	return dst
}

// storeUsers adds each user's s_u to the user rows emb, which hold p.
// The sums are those of the last refresh (the end of an epoch, or before
// the first), which store follows, so they are the final y's, as
// model.RatedSum sums them.
func (st *ratedState) storeUsers(emb []float32) {
	for u := range int32(len(st.order)) {
		row := st.of(emb, u)
		for f, v := range st.of(st.sum, u) {
			row[f] += v
		}
	}
}
