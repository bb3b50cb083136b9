package train

import (
	"context"
	"fmt"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

func init() { Register("nmf", Fitter{Fit: fitNMF, RowFloats: dotRowFloats}) }

// fitNMF trains non-negative matrix factorization as Surprise's NMF does
// (unbiased): factors start uniform in [0, 1), then every epoch makes one
// multiplicative update of every factor from sums over all training rows.
// Users and items without a training rating take the mean factors of those
// with one, so that they score about an average rating instead of their
// random start.
func fitNMF(ctx context.Context, s *dataset.Split, m *model.Model, o *Options) error {
	cfg := m.Config
	if cfg.Activation != model.Linear {
		return fmt.Errorf("train: nmf has no output activation (got %s)", cfg.Activation)
	}
	net := model.NewNMF(s.Users.Len(), s.Items.Len(), cfg)
	m.Net = net
	return loop(ctx, s, m, newNMFKernel(net, cfg, s.Train), o)
}

// nmfKernel trains a model.NMF. An epoch visits the rows user by user:
// it sums the terms of the user's multiplicative update over the user's
// rows and updates the user's factors as soon as they are done, while
// summing the items' terms, then updates every item's factors. A user's
// factors change only after all of its rows, and no item's before the end
// of the epoch, so every term uses the factors as they were at the start
// of the epoch, as in Surprise, while the user sums need no table.
type nmfKernel struct {
	dim          int
	reg          float64 // Surprise's reg_pu = reg_qi
	users, items []float32
	inum, iden   []float64 // per item factor: Σ pu r and Σ pu r̂
	unum, uden   []float64 // the current user's Σ qi r and Σ qi r̂
	nu, ni       []float64 // training ratings per user and per item
	start        []int32   // counting sort of an epoch's rows by user
	sortI        []int32
	sortT        []float32
	net          *model.NMF
}

func newNMFKernel(net *model.NMF, cfg model.Config, train dataset.Ratings) *nmfKernel {
	d := net.Dim
	reg, _ := cfg.PositiveL2()
	k := &nmfKernel{
		dim: d, reg: reg,
		users: append([]float32(nil), net.UserEmb...), items: append([]float32(nil), net.ItemEmb...),
		inum: make([]float64, net.Items*d), iden: make([]float64, net.Items*d),
		unum: make([]float64, d), uden: make([]float64, d),
		nu: make([]float64, net.Users), ni: make([]float64, net.Items),
		start: make([]int32, net.Users+1),
		net:   net,
	}
	for r := range train.User {
		k.nu[train.User[r]]++
		k.ni[train.Item[r]]++
	}
	return k
}

// epoch makes one multiplicative update of every factor from the given
// rows, calling after (if not nil) after every batch rows. It returns the
// sum of squared errors of the factors at the start of the epoch. An error
// from after stops the epoch with some users updated.
func (k *nmfKernel) epoch(us, is []int32, ts []float32, batch int, after func(b int, sse float64) error) (float64, error) {
	k.sortByUser(us, is, ts)
	clear(k.inum)
	clear(k.iden)
	var sse float64
	b, next := 0, batch
	for u := range len(k.start) - 1 {
		lo, hi := int(k.start[u]), int(k.start[u+1])
		if lo == hi {
			continue
		}
		sse += k.user(int32(u), k.sortI[lo:hi], k.sortT[lo:hi])
		for after != nil && hi >= next {
			if err := after(b, sse); err != nil {
				return sse, err
			}
			b, next = b+1, next+batch
		}
	}
	if after != nil && len(us)%batch != 0 {
		if err := after(b, sse); err != nil {
			return sse, err
		}
	}
	k.update(k.items, k.inum, k.iden, k.ni)
	k.fillCold(k.users, k.nu)
	k.fillCold(k.items, k.ni)
	return sse, nil
}

// sortByUser copies the items and targets of the rows into sortI and
// sortT grouped by user, keeping the given order within a user; the rows
// of user u are start[u]:start[u+1].
func (k *nmfKernel) sortByUser(us, is []int32, ts []float32) {
	if cap(k.sortI) < len(us) {
		k.sortI, k.sortT = make([]int32, len(us)), make([]float32, len(us))
	}
	k.sortI, k.sortT = k.sortI[:len(us)], k.sortT[:len(us)]
	clear(k.start)
	for _, u := range us {
		k.start[u+1]++
	}
	for u := 1; u < len(k.start); u++ {
		k.start[u] += k.start[u-1]
	}
	for r, u := range us {
		p := k.start[u]
		k.sortI[p], k.sortT[p] = is[r], ts[r]
		k.start[u]++
	}
	copy(k.start[1:], k.start[:len(k.start)-1])
	k.start[0] = 0
}

// user adds the terms of user u's rows (items is, targets ts) to the item
// sums, updates u's factors and returns the rows' sum of squared errors:
//
//	unum += qi r;  uden += qi r̂;  inum[i] += pu r;  iden[i] += pu r̂
func (k *nmfKernel) user(u int32, is []int32, ts []float32) float64 {
	d := k.dim
	uo := int(u) * d
	p := k.users[uo : uo+d : uo+d]
	un, ud := k.unum[:len(p)], k.uden[:len(p)]
	clear(un)
	clear(ud)
	ts = ts[:len(is)]
	var sse float64
	for r, i := range is {
		io := int(i) * d
		q := k.items[io : io+d : io+d]
		est := model.Dot32(p, q)
		t := ts[r]
		e := t - est
		sse += float64(e * e)
		in, id := k.inum[io:io+d:io+d], k.iden[io:io+d:io+d]
		t64, est64 := float64(t), float64(est)
		for f, pf32 := range p {
			pf, qf := float64(pf32), float64(q[f])
			un[f] += qf * t64
			ud[f] += qf * est64
			in[f] += pf * t64
			id[f] += pf * est64
		}
	}
	k.step(p, un, ud, k.nu[u])
	return sse
}

// step applies the multiplicative update to the factors x of a row with c
// training ratings, as Surprise does:
//
//	x *= num / (den + c·reg·x)
//
// A zero factor or a zero denominator leaves the factor as it is.
func (k *nmfKernel) step(x []float32, num, den []float64, c float64) {
	num, den = num[:len(x)], den[:len(x)]
	for f, v := range x {
		if v == 0 {
			continue
		}
		if q := den[f] + c*k.reg*float64(v); q > 0 {
			x[f] = float32(float64(v) * num[f] / q)
		}
	}
}

// update applies step to every row of t with training ratings.
func (k *nmfKernel) update(t []float32, num, den, count []float64) {
	d := k.dim
	for r, c := range count {
		if c > 0 {
			o := r * d
			k.step(t[o:o+d:o+d], num[o:o+d:o+d], den[o:o+d:o+d], c)
		}
	}
}

// fillCold sets the rows of t without training ratings (count 0) to the
// mean of the other rows.
func (k *nmfKernel) fillCold(t []float32, count []float64) {
	d := k.dim
	mean := make([]float64, d)
	warm := 0
	for r, c := range count {
		if c > 0 {
			warm++
			for f, v := range t[r*d : (r+1)*d] {
				mean[f] += float64(v)
			}
		}
	}
	if warm == 0 || warm == len(count) {
		return
	}
	m := make([]float32, d)
	for f, v := range mean {
		m[f] = float32(v / float64(warm))
	}
	for r, c := range count {
		if c == 0 {
			copy(t[r*d:(r+1)*d], m)
		}
	}
}

// score returns <pu, qi> from the current factors.
func (k *nmfKernel) score(u, i int32) float32 {
	d := k.dim
	return model.Dot32(k.users[int(u)*d:int(u)*d+d], k.items[int(i)*d:int(i)*d+d])
}

// store copies the current factors into the net.
func (k *nmfKernel) store() {
	copy(k.net.UserEmb, k.users)
	copy(k.net.ItemEmb, k.items)
}
