package train

import (
	"math"

	"github.com/recnet/recnet/model"
)

// dotKernel trains a model.Dot on packed tables. A batch is one pass that
// scores every row with the weights as they were before the batch and sums
// each touched row's gradient, then one optimizer step per touched row, so a
// batch computes exactly the gradient of its mean loss.
type dotKernel struct {
	dim      int
	act      model.Activation
	bce      bool // binary cross-entropy on a sigmoid output instead of squared error
	users    dotTable
	items    dotTable
	l2, bl2  float32 // gradients of the L2 penalties: 2*l2
	opt      *optim
	utouched []int32 // users touched by the batch, in slot order
	itouched []int32
	ugrad    []float32 // gradient per slot, n floats each
	igrad    []float32
	gn       int       // floats per gradient slot: dim+1 rounded up to whole cache lines
	xs, gs   []float32 // per row of a batch: output before activation, gradient of the loss
	su, si   []int32   // per row of a batch: its user's and its item's gradient slot
	nu, ni   []int32   // the next batch's rows, for forwardVec to prefetch
	par      *parallel // set when training on more than one goroutine
	rated    *dotRated // set when training with the svdpp setting
}

func newDotKernel(d *model.Dot, cfg model.Config) *dotKernel {
	n := (d.Dim + 1 + 15) &^ 15
	l2, bl2 := cfg.PositiveL2()
	moments := cfg.Optimizer == "adam"
	k := &dotKernel{
		dim: d.Dim, act: d.Act, gn: n,
		users: newDotTable(d.Users, d.Dim, moments), items: newDotTable(d.Items, d.Dim, moments),
		l2: float32(2 * l2), bl2: float32(2 * bl2),
		opt: newOptim(cfg.Optimizer, cfg.LR, cfg.Beta1, cfg.Beta2, cfg.Eps),
	}
	k.alloc(cfg.Batch, d.Items)
	adviseHuge(k.users.data)
	adviseHuge(k.items.data)
	k.users.load(d.UserEmb, d.UserBias)
	k.items.load(d.ItemEmb, d.ItemBias)
	if cfg.Threads > 1 {
		k.par = newParallel(cfg.Threads, cfg.Threads)
	}
	return k
}

// store writes the current weights into d.
func (k *dotKernel) store(d *model.Dot) {
	k.users.store(d.UserEmb, d.UserBias)
	k.items.store(d.ItemEmb, d.ItemBias)
	if k.rated != nil {
		k.storeRated(d)
	}
}

// slot returns the gradient of row r in the current batch, whose slot
// is slots[r] (see claimAt). grad holds a slot for every row of a batch, so
// it never grows.
func slot(r int32, slots []int32, touched *[]int32, grad []float32, n int) []float32 {
	s := int(claimAt(&slots[r], r, touched, grad, n))
	return grad[s*n : s*n+n : s*n+n]
}

// claimAt returns the batch slot held at p for row r, or when it is
// negative claims the next one (appending r to touched) and zeroes its n
// floats in grad.
func claimAt(p *int32, r int32, touched *[]int32, grad []float32, n int) int32 {
	s := *p
	if s < 0 {
		s = int32(len(*touched))
		*p = s
		*touched = append(*touched, r)
		clear(grad[int(s)*n : int(s)*n+n])
	}
	return s
}

// claim returns the gradient slot of row r of t in the current batch (see
// claimAt). The slot lives in the row's bias line (see dotTable), which the
// batch reads anyway: a slot array indexed by row would add a cache miss
// per row at large tables.
func claim(t *dotTable, r int32, touched *[]int32, grad []float32, n int) int32 {
	return claimAt(slotOf(t.row(r), t.bo), r, touched, grad, n)
}

// epoch trains on the rows in the given order in batches of size batch,
// calling after (if not nil) after each batch with its index and the sum of
// squared errors so far; an error from after stops the epoch. It returns the
// sum of squared errors.
func (k *dotKernel) epoch(us, is []int32, ts []float32, batch int, after func(b int, sse float64) error) (float64, error) {
	if k.par != nil {
		return k.parEpoch(us, is, ts, batch, after)
	}
	if k.rated != nil {
		return k.ratedEpoch(us, is, ts, batch, after)
	}
	return batches(len(us), batch, after,
		func(lo, hi int) { k.prefetch(us[lo:hi], is[lo:hi]) },
		func(lo, hi int) float64 { return k.batch(us[lo:hi], is[lo:hi], ts[lo:hi]) })
}

// batches runs one epoch over n rows in batches of the given size: for each
// batch it calls prefetch with the bounds of the batch after it, step with
// its own bounds, then after (if not nil) with its index and the summed
// loss so far; an error from after stops the epoch. It returns the summed
// loss.
func batches(n, batch int, after func(b int, loss float64) error, prefetch func(lo, hi int), step func(lo, hi int) float64) (float64, error) {
	var loss float64
	for b, lo := 0, 0; lo < n; b, lo = b+1, lo+batch {
		hi := min(lo+batch, n)
		prefetch(hi, min(hi+batch, n))
		loss += step(lo, hi)
		if after != nil {
			if err := after(b, loss); err != nil {
				return loss, err
			}
		}
	}
	return loss, nil
}

// prefetch asks for every cache line an update reads of the user and item
// rows of the next batch, so that their misses overlap with each other and
// with the work on this batch.
func (k *dotKernel) prefetch(us, is []int32) {
	if prefetchLater(k, us, is) {
		return
	}
	k.users.prefetch(us, k.opt.adam)
	k.items.prefetch(is, k.opt.adam)
}

// alloc makes the batch scratch of k for batches of up to batch rows over
// items items.
func (k *dotKernel) alloc(batch, items int) {
	k.ugrad, k.igrad = make([]float32, batch*k.gn), make([]float32, min(batch, items)*k.gn)
	k.xs, k.gs = make([]float32, batch), make([]float32, batch)
	k.utouched, k.itouched = make([]int32, 0, batch), make([]int32, 0, min(batch, items))
	k.su, k.si = make([]int32, batch), make([]int32, batch)
}

// bce returns the binary cross-entropy of probability y for target t, with y
// kept off 0 and 1.
func bce(y, t float32) float64 {
	p := min(max(float64(y), 1e-7), 1-1e-7)
	return -(float64(t)*math.Log(p) + float64(1-t)*math.Log(1-p))
}

// batch trains on one mini-batch given as parallel columns and returns the
// sum of its losses before the update (squared errors, or cross-entropies
// when k.bce is set).
func (k *dotKernel) batch(us, is []int32, ts []float32) float64 {
	n := len(us)
	is, ts = is[:n], ts[:n]
	xs := k.xs[:n]
	k.forward(xs, us, is)
	sse := k.losses(xs, ts)
	k.grads(us, is)
	k.opt.next()
	k.opt.updateRows(&k.users, k.utouched, k.ugrad, k.gn)
	k.opt.updateRows(&k.items, k.itouched, k.igrad, k.gn)
	k.utouched, k.itouched = k.utouched[:0], k.itouched[:0]
	return sse
}

// losses returns the sum of the losses of the outputs before activation
// xs for the targets ts, and sets k.gs to the gradient of the batch's mean
// loss with respect to each.
func (k *dotKernel) losses(xs, ts []float32) float64 {
	n := len(xs)
	ts, gs := ts[:n], k.gs[:n]
	inv := 2 / float32(n)
	var sse float64
	for r, x := range xs {
		y, dy := k.act.Apply(x)
		e := y - ts[r]
		if k.bce {
			// d/dx of the cross-entropy of sigmoid(x) is y - t.
			sse += bce(y, ts[r])
			gs[r] = inv / 2 * e
		} else {
			sse += float64(e * e)
			gs[r] = inv * e * dy
		}
	}
	return sse
}

// forward sets xs[r] to the output before activation of (us[r], is[r])
// and claims the rows' gradient slots (k.su[r], k.si[r]) in row order.
func (k *dotKernel) forward(xs []float32, us, is []int32) {
	if forwardVec(k, xs, us, is) {
		return
	}
	is = is[:len(xs)]
	for r, u := range us[:len(xs)] {
		k.su[r] = claim(&k.users, u, &k.utouched, k.ugrad, k.gn)
		k.si[r] = claim(&k.items, is[r], &k.itouched, k.igrad, k.gn)
		xs[r] = k.preact(u, is[r])
	}
}

// preact returns the output before activation of (u, i) from the packed
// weights: <p_u, q_i> + b_u + b_i, the sum the assembly passes do too.
func (k *dotKernel) preact(u, i int32) float32 {
	d, b := k.dim, k.users.bias()
	pu, qi := k.users.row(u), k.items.row(i)
	return model.Dot32(pu[:d], qi[:d]) + pu[b] + qi[b]
}

// grads adds each row's gradient, from k.gs, to its user's and its item's
// slot (k.su, k.si), in row order.
func (k *dotKernel) grads(us, is []int32) {
	if gradRowsVec(k, us, is) {
		return
	}
	n, d, b := k.gn, k.dim, k.users.bias()
	l2, bl2 := k.l2, k.bl2
	is = is[:len(us)]
	for r, u := range us {
		g := k.gs[r]
		pu, qi := k.users.row(u), k.items.row(is[r])
		gu := k.ugrad[int(k.su[r])*n:][:d+1]
		gi := k.igrad[int(k.si[r])*n:][:d+1]
		pw, qw := pu[:d], qi[:d]
		for j, p := range pw {
			q := qw[j]
			gu[j] += g*q + l2*p
			gi[j] += g*p + l2*q
		}
		gu[d] += g + bl2*pu[b]
		gi[d] += g + bl2*qi[b]
	}
}
