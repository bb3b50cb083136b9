package train

import (
	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

// dotRated is the svdpp part of a dot kernel: the y table, packed as the
// item table is (its bias unused), with its batch gradient slots, and the
// per-user state.
type dotRated struct {
	st      *ratedState
	y       dotTable
	touched []int32
	grad    []float32
	tmp     []float32 // a user's whole vector, p + s
}

// withRated sets k up to train the svdpp setting over the training ratings
// of s, starting y from net.Rated.
func (k *dotKernel) withRated(s *dataset.Split, net *model.Dot, cfg model.Config) {
	r := &dotRated{
		st:  newRatedState(s, k.dim, true, cfg.Seed),
		y:   newDotTable(net.Items, k.dim, k.opt.adam),
		tmp: make([]float32, k.dim),
	}
	r.y.load(net.Rated, make([]float32, net.Items))
	slots := min(net.Items, s.Train.Len())
	r.grad, r.touched = make([]float32, slots*k.gn), make([]int32, 0, slots)
	k.rated = r
	r.st.refresh(r.yrow)
}

// yrow returns row j of y, its dim weights first.
func (r *dotRated) yrow(j int32) []float32 { return r.y.row(j) }

// ratedEpoch is epoch with the svdpp setting: the rows in their shuffled
// order, in batches as without it, as one window (ratedState): every s_u
// summed from y at the start, the gradients for them gathered over the
// epoch and pushed to y in its last batch, so that y takes one step an
// epoch. Windows of whole users, a few batches each, which step y more
// often, give each user fewer steps (a user's rows fall in fewer batches)
// and tested worse on ml-latest-small (recnet train, seed 42): test RMSE
// 0.884 with a window a user, 0.870 with 4 batches, 0.859 with 64, 0.852
// with one window (plain dot 0.847).
func (k *dotKernel) ratedEpoch(us, is []int32, ts []float32, batch int, after func(b int, sse float64) error) (float64, error) {
	return k.rated.st.epoch(us, is, ts, batch, after, k.ratedBatch, k.rated.yrow)
}

// ratedBatch trains on rows lo..hi of the epoch's rows us, is, ts as batch
// does, with each user's vector p_u + s_u: the gradient with respect to
// s_u is gathered over the epoch and pushed to y in its last batch, and y
// is stepped with the users and items.
func (k *dotKernel) ratedBatch(us, is []int32, ts []float32, lo, hi int) float64 {
	sse := k.ratedGrads(us, is, ts, lo, hi)
	k.opt.next()
	k.opt.updateRows(&k.users, k.utouched, k.ugrad, k.gn)
	k.opt.updateRows(&k.items, k.itouched, k.igrad, k.gn)
	k.opt.updateRows(&k.rated.y, k.rated.touched, k.rated.grad, k.gn)
	k.utouched, k.itouched, k.rated.touched = k.utouched[:0], k.itouched[:0], k.rated.touched[:0]
	return sse
}

// ratedGrads sums the gradients of rows lo..hi into the batch slots of the
// users, items and y rows, and returns the batch's loss (see ratedBatch).
func (k *dotKernel) ratedGrads(us, is []int32, ts []float32, lo, hi int) float64 {
	r := k.rated
	d, b := k.dim, k.users.bias()
	xs, gs := k.xs[:hi-lo], k.gs[:hi-lo]
	r.st.windows(lo, hi, r.begin, func(p int) {
		u, i := us[p], is[p]
		k.su[p-lo] = claim(&k.users, u, &k.utouched, k.ugrad, k.gn)
		k.si[p-lo] = claim(&k.items, i, &k.itouched, k.igrad, k.gn)
		pu, qi := k.users.row(u), k.items.row(i)
		w := r.st.effective(r.tmp, pu[:d], u)
		xs[p-lo] = model.Dot32(w, qi[:d]) + pu[b] + qi[b]
	}, nil)
	sse := k.losses(xs, ts[lo:hi])
	l2, bl2 := k.l2, k.bl2
	r.st.windows(lo, hi, nil, func(p int) {
		u, i := us[p], is[p]
		g := gs[p-lo]
		pu, qi := k.users.row(u), k.items.row(i)
		gu := k.ugrad[int(k.su[p-lo])*k.gn:][:d+1]
		gi := k.igrad[int(k.si[p-lo])*k.gn:][:d+1]
		s, acc := r.st.of(r.st.sum, u), r.st.of(r.st.acc, u)
		pw, qw := pu[:d], qi[:d]
		for j, pv := range pw {
			q := qw[j]
			gu[j] += g*q + l2*pv
			gi[j] += g*(pv+s[j]) + l2*q
			acc[j] += g * q
		}
		gu[d] += g + bl2*pu[b]
		gi[d] += g + bl2*qi[b]
	}, k.pushRated)
	return sse
}

// begin clears the gathered gradients as the epoch's one window begins:
// every s_u is already summed from y as it stands (refresh, after the
// last epoch and in withRated).
func (r *dotRated) begin([]int32) { clear(r.st.acc) }

// pushRated adds, for each of users u, |N(u)|^-½ times u's gathered
// gradient, and the L2 penalty's, to the y slot of every item of N(u).
func (k *dotKernel) pushRated(users []int32) {
	for _, u := range users {
		k.pushUser(u)
	}
}

// pushUser is pushRated for one user.
func (k *dotKernel) pushUser(u int32) {
	r := k.rated
	d := k.dim
	items := r.st.items(u)
	c := model.RatedScale(len(items))
	acc := r.st.of(r.st.acc, u)
	for _, j := range items {
		gy := r.grad[int(claim(&r.y, j, &r.touched, r.grad, k.gn))*k.gn:][:d]
		y := r.y.row(j)[:d]
		for f, a := range acc {
			gy[f] += c*a + k.l2*y[f]
		}
	}
}

// ratedScore is score with the svdpp setting: s_u as last summed.
func (k *dotKernel) ratedScore(u, i int32) float32 {
	d, b := k.dim, k.users.bias()
	pu, qi := k.users.row(u), k.items.row(i)
	w := k.rated.st.effective(k.rated.tmp, pu[:d], u)
	x := model.Dot32(w, qi[:d]) + pu[b] + qi[b]
	y, _ := k.act.Apply(x)
	return y
}

// storeRated writes y into d.Rated and adds each user's s_u to its row.
func (k *dotKernel) storeRated(d *model.Dot) {
	k.rated.y.store(d.Rated, make([]float32, d.Items))
	k.rated.st.storeUsers(d.UserEmb)
}
