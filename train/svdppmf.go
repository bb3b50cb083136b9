package train

import (
	"math"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

// mfRated is the svdpp part of an mf kernel: the y table (Items x dim,
// flat) and the per-user state.
type mfRated struct {
	st  *ratedState
	y   []float32
	tmp []float32 // a user's whole vector, p + s
}

// begin sums s_u afresh for each of users.
func (r *mfRated) begin(users []int32) {
	for _, u := range users {
		r.st.begin(u, r.yrow)
	}
}

// withRated sets k up to train the svdpp setting over the training ratings
// of s, starting y from net.Rated.
func (k *mfKernel) withRated(s *dataset.Split, net *model.MF, cfg model.Config) {
	r := &mfRated{st: newRatedState(s, k.dim, false, cfg.Seed), y: append([]float32(nil), net.Rated...), tmp: make([]float32, k.dim)}
	k.rated = r
	r.st.refresh(r.yrow)
}

// yrow returns row j of y.
func (r *mfRated) yrow(j int32) []float32 {
	d := r.st.dim
	return r.y[int(j)*d : int(j)*d+d : int(j)*d+d]
}

// ratedEpoch is epoch with the svdpp setting: the rows regrouped by user
// (ratedState), then every s_u summed afresh.
func (k *mfKernel) ratedEpoch(us, is []int32, ts []float32, batch int, after func(b int, sse float64) error) (float64, error) {
	return k.rated.st.epoch(us, is, ts, batch, after, k.ratedSteps, k.rated.yrow)
}

// ratedSteps makes one SGD step per row lo..hi of the rows of group (a
// window a user: each user's rows together) as
// Surprise's SVDpp does, which with c = 1 - lr·reg, s = |N(u)|^-½ Σ y_j
// and err = r - (mu + bu + bi + <pu + s, qi>) steps
//
//	pu += lr (err qi - reg pu);  qi += lr (err (pu + s) - reg qi)
//	y_j = c y_j + lr err |N(u)|^-½ qi  for every j in N(u)
//
// (biases as mf's steps). It does not touch y at each row: it follows s
// exactly instead, s = c s + lr err qi, and gathers a = c a + err qi, so
// that when the user's k rows end y_j = c^k y_j + lr |N(u)|^-½ a is what
// the k per-row steps would have made. It returns the sum of the squared
// errors before each step.
func (k *mfKernel) ratedSteps(us, is []int32, ts []float32, lo, hi int) float64 {
	r := k.rated
	d := k.dim
	lr, mu := k.lr, k.mu
	shrink, bshrink := 1-lr*k.reg, 1-lr*k.breg
	var sse float64
	r.st.windows(lo, hi, r.begin, func(p int) {
		u := us[p]
		pu, qi := k.row(k.users, u), k.row(k.items, is[p])
		pw, qw := pu[:d], qi[:d]
		s, acc := r.st.of(r.st.sum, u), r.st.of(r.st.acc, u)
		w := r.st.effective(r.tmp, pw, u)
		e := ts[p] - (mu + pu[d] + qi[d] + model.Dot32(w, qw))
		sse += float64(e * e)
		g := lr * e
		pu[d] = bshrink*pu[d] + g
		qi[d] = bshrink*qi[d] + g
		for f, pf := range pw {
			qf := qw[f]
			pw[f] = shrink*pf + g*qf
			qw[f] = shrink*qf + g*w[f]
			acc[f] = shrink*acc[f] + e*qf
			s[f] = shrink*s[f] + g*qf
		}
	}, func(users []int32) { r.push(users, lr, shrink) })
	return sse
}

// push steps the y rows of N(u) of each of users u by the gradient
// gathered over u's |N(u)| rows (see ratedSteps).
func (r *mfRated) push(users []int32, lr, shrink float32) {
	for _, u := range users {
		items := r.st.items(u)
		if len(items) == 0 {
			continue
		}
		c := lr * model.RatedScale(len(items))
		decay := float32(math.Pow(float64(shrink), float64(len(items))))
		acc := r.st.of(r.st.acc, u)
		for _, j := range items {
			y := r.yrow(j)
			for f, a := range acc {
				y[f] = decay*y[f] + c*a
			}
		}
	}
}

// ratedScore is score with the svdpp setting: s_u as last summed.
func (k *mfKernel) ratedScore(u, i int32) float32 {
	d := k.dim
	pu, qi := k.row(k.users, u), k.row(k.items, i)
	w := k.rated.st.effective(k.rated.tmp, pu[:d], u)
	return k.mu + pu[d] + qi[d] + model.Dot32(w, qi[:d])
}

// storeRated writes y into the net and adds each user's s_u to its row.
func (k *mfKernel) storeRated() {
	copy(k.net.Rated, k.rated.y)
	k.rated.st.storeUsers(k.net.UserEmb)
}
