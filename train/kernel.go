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
	users    table
	items    table
	l2, bl2  float32 // gradients of the L2 penalties: 2*l2
	opt      *optim
	uslot    []int32 // slot of each user in the current batch, or -1
	islot    []int32
	utouched []int32 // users touched by the batch, in slot order
	itouched []int32
	ugrad    []float32 // gradient per slot, n floats each
	igrad    []float32
	sink     float32   // keeps prefetch loads alive
	touch    int       // floats of a row a batch reads: the weights, and with Adam the moments
	par      *parallel // set when training on more than one goroutine
}

func newDotKernel(d *model.Dot, cfg model.Config) *dotKernel {
	n := d.Dim + 1
	l2, bl2 := cfg.PositiveL2()
	k := &dotKernel{
		dim: d.Dim, act: d.Act,
		users: newTable(d.Users, d.Dim), items: newTable(d.Items, d.Dim),
		l2: float32(2 * l2), bl2: float32(2 * bl2),
		opt:   newOptim(cfg.Optimizer, cfg.LR, cfg.Beta1, cfg.Beta2, cfg.Eps),
		uslot: make([]int32, d.Users), islot: make([]int32, d.Items),
		ugrad: make([]float32, cfg.Batch*n), igrad: make([]float32, min(cfg.Batch, d.Items)*n),
	}
	for i := range k.uslot {
		k.uslot[i] = -1
	}
	for i := range k.islot {
		k.islot[i] = -1
	}
	adviseHuge(k.users.data)
	adviseHuge(k.items.data)
	k.touch = k.opt.rowFloats(k.users)
	k.users.load(d.UserEmb, d.UserBias)
	k.items.load(d.ItemEmb, d.ItemBias)
	if cfg.Threads > 1 {
		k.par = newParallel(cfg.Threads, gridFor(cfg.Threads, d.Users, d.Items, k.users.stride))
	}
	return k
}

// store writes the current weights into d.
func (k *dotKernel) store(d *model.Dot) {
	k.users.store(d.UserEmb, d.UserBias)
	k.items.store(d.ItemEmb, d.ItemBias)
}

// slot returns the gradient of row r in the current batch, claiming and
// zeroing a new slot when r is first touched. grad holds a slot for every
// row of a batch, so it never grows.
func slot(r int32, slots []int32, touched *[]int32, grad []float32, n int) []float32 {
	s := slots[r]
	if s < 0 {
		s = int32(len(*touched))
		slots[r] = s
		*touched = append(*touched, r)
		g := grad[int(s)*n : int(s)*n+n : int(s)*n+n]
		clear(g)
		return g
	}
	return grad[int(s)*n : int(s)*n+n : int(s)*n+n]
}

// epoch trains on the rows in the given order in batches of size batch,
// calling after (if not nil) after each batch with its index and the sum of
// squared errors so far; an error from after stops the epoch. It returns the
// sum of squared errors.
func (k *dotKernel) epoch(us, is []int32, ts []float32, batch int, after func(b int, sse float64) error) (float64, error) {
	if k.par != nil {
		return k.parEpoch(us, is, ts, batch, after)
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

// prefetch touches every cache line of the user and item rows of the next
// batch, so that their misses overlap with each other instead of stalling
// the batch one by one.
func (k *dotKernel) prefetch(us, is []int32) {
	var s float32
	is = is[:len(us)]
	for r, u := range us {
		a, b := k.users.row(u), k.items.row(is[r])
		for j := 0; j < k.touch; j += 16 {
			s += a[j] + b[j]
		}
	}
	k.sink += s
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
	n, d := k.users.n, k.dim
	is = is[:len(us)]
	ts = ts[:len(us)]
	inv := 2 / float32(len(us))
	var sse float64
	for r, u := range us {
		i := is[r]
		pu := k.users.row(u)[:n:n]
		qi := k.items.row(i)[:n:n]
		x := model.Dot32(pu[:d], qi[:d]) + pu[d] + qi[d]
		y, dy := k.act.Apply(x)
		e := y - ts[r]
		var g float32
		if k.bce {
			// d/dx of the cross-entropy of sigmoid(x) is y - t.
			sse += bce(y, ts[r])
			g = inv / 2 * e
		} else {
			sse += float64(e * e)
			g = inv * e * dy
		}
		gu := slot(u, k.uslot, &k.utouched, k.ugrad, n)
		gi := slot(i, k.islot, &k.itouched, k.igrad, n)
		l2, bl2 := k.l2, k.bl2
		pw := pu[:d]
		qw, gw, hw := qi[:len(pw)], gu[:len(pw)], gi[:len(pw)]
		for j, p := range pw {
			q := qw[j]
			gw[j] += g*q + l2*p
			hw[j] += g*p + l2*q
		}
		gu[d] += g + bl2*pu[d]
		gi[d] += g + bl2*qi[d]
	}
	k.opt.next()
	for s, u := range k.utouched {
		k.opt.apply(k.users.row(u), k.ugrad[s*n:], n)
		k.uslot[u] = -1
	}
	for s, i := range k.itouched {
		k.opt.apply(k.items.row(i), k.igrad[s*n:], n)
		k.islot[i] = -1
	}
	k.utouched, k.itouched = k.utouched[:0], k.itouched[:0]
	return sse
}
