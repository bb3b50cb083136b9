package train

import (
	"cmp"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
)

// Parallel training of the dot kernel (Config.Threads = T > 1), as LIBMF
// does it: users and items are each cut into P groups balanced by rating
// count (P a multiple of T; T itself), making a P x P grid of blocks, and
// an epoch runs in P rounds. Round r trains the P blocks (a, (a+r) mod P);
// worker w takes those of user groups [w*P/T, (w+1)*P/T), one after the
// other, with the batch procedure of the one-thread kernel (exact batch
// gradient, then a lazy Adam step per touched row), its own batch scratch
// and its own optimizer, over the shared tables. The blocks of a round share
// no user and no item, so no two workers ever touch the same row: there are
// no locks and no data races, and the result does not depend on scheduling,
// so it is deterministic for a seed and a thread count. Rows keep their
// shuffled order within a block. Worker 0 runs on the calling goroutine.
//
// A grid finer than T x T would keep each block's rows in cache while it
// trains (LIBMF's reason for it). It paid while the kernel waited on each
// row's misses (at the ml25m shape a 16 x 16 grid ran an epoch in 3.7 s
// against 5.3-6.0 s unblocked); since the kernel prefetches the next
// batch's rows while it computes, a finer grid only adds grouping and
// rounds: at ml25m on two threads the T x T grid ran Adam epochs in 1.9 s
// against 2.8 s on 8 x 8, and AdaGrad's in 1.2 s against 1.5 s on 4 x 4.
// So P = T.
//
// Worker w's j-th batch of a round uses optimizer step s + j*T + w + 1,
// where s counts the batches of the earlier rounds and epochs, so that
// Adam's bias correction follows about the schedule it has on one thread.
//
// Hogwild (each worker takes a contiguous share of the shuffled rows and
// updates shared rows without locks) was measured too: the same RMSE, 7-20%
// more CPU time per epoch than 2 x 2 blocks on a 2.5M-row table with
// ml25m-sized tables, and not deterministic.

// parallel holds a dot kernel's parallel state.
type parallel struct {
	workers []*dotKernel
	grid    int // P: users and items are each cut into P groups, P a multiple of len(workers)
	// ublock and iblock are the group of each user and item, set from the
	// rating counts of the first epoch's rows.
	ublock, iblock []uint16
	// us, is and ts hold the epoch's rows grouped by block; start[r*P+a] is
	// the first row of the block of user group a in round r.
	us, is []int32
	ts     []float32
	start  []int
	keys   []int32 // each row's block, between group's two passes
}

// errStopped stops the other workers of a round once one has failed.
var errStopped = errors.New("train: stopped")

// newParallel sets k up to train on threads goroutines. The workers are
// made at the first epoch, once every setting of k is final.
func newParallel(threads, grid int) *parallel {
	return &parallel{workers: make([]*dotKernel, threads), grid: grid}
}

// fork returns a kernel that shares k's tables and settings and has its own
// batch scratch and optimizer.
func (k *dotKernel) fork() *dotKernel {
	f := &dotKernel{
		dim: k.dim, act: k.act, bce: k.bce, users: k.users, items: k.items, gn: k.gn,
		l2: k.l2, bl2: k.bl2, opt: new(optim),
	}
	f.alloc(len(k.xs), k.items.rows())
	return f
}

// part is one worker's rows in a round.
type part struct {
	us, is []int32
	ts     []float32
}

func (p part) batches(batch int) int { return (len(p.us) + batch - 1) / batch }

// parEpoch is epoch on several goroutines. after is called by worker 0 only,
// with an estimate of the batches done and of the sum of losses (worker 0's
// mean loss so far times the rows done).
func (k *dotKernel) parEpoch(us, is []int32, ts []float32, batch int, after func(int, float64) error) (float64, error) {
	p := k.par
	T, P := len(p.workers), p.grid
	if p.workers[0] == nil {
		for w := range p.workers {
			p.workers[w] = k.fork()
		}
	}
	parts := make([]part, T)
	p.group(us, is, ts)
	var sse float64
	done := 0
	for r := range P {
		for w := range parts {
			lo, hi := p.start[r*P+w*P/T], p.start[r*P+(w+1)*P/T]
			parts[w] = part{p.us[lo:hi], p.is[lo:hi], p.ts[lo:hi]}
		}
		s, err := k.round(parts, batch, done, sse, after)
		sse += s
		if err != nil {
			return sse, err
		}
		for _, pt := range parts {
			done += pt.batches(batch)
		}
	}
	return sse, nil
}

// round trains worker w on parts[w] for every w at once and returns the sum
// of their losses. done and sse are the batches and losses of the epoch's
// earlier rounds, for after.
func (k *dotKernel) round(parts []part, batch, done int, sse float64, after func(int, float64) error) (float64, error) {
	ws := k.par.workers
	T := len(ws)
	var stop atomic.Bool
	sums := make([]float64, T)
	errs := make([]error, T)
	run := func(w int) {
		kw := ws[w]
		*kw.opt = *k.opt
		for range w {
			kw.opt.next()
		}
		pt := parts[w]
		sums[w], errs[w] = kw.epoch(pt.us, pt.is, pt.ts, batch, func(j int, s float64) error {
			for range T - 1 {
				kw.opt.next() // the other workers' batches
			}
			if stop.Load() {
				return errStopped
			}
			if w == 0 && after != nil {
				if err := after(done+(j+1)*T-1, sse+s*float64(T)); err != nil {
					stop.Store(true)
					return err
				}
			}
			return nil
		})
	}
	var wg sync.WaitGroup
	for w := 1; w < T; w++ {
		wg.Go(func() { run(w) })
	}
	run(0)
	wg.Wait()
	var total float64
	for w, pt := range parts {
		total += sums[w]
		for range pt.batches(batch) {
			k.opt.next()
		}
	}
	for _, err := range errs {
		if err != nil && !errors.Is(err, errStopped) {
			return total, err
		}
	}
	return total, nil
}

// group copies the rows into p.us, p.is and p.ts ordered by round, then
// user group, keeping their order within a block: block (a, b) of the P x P
// grid runs in round (b - a) mod P, by the worker that has user group a.
// The first call cuts users and items into groups balanced by their counts
// in these rows.
func (p *parallel) group(us, is []int32, ts []float32) {
	P := p.grid
	k := p.workers[0]
	if p.ublock == nil {
		p.ublock = balance(us, k.users.rows(), P)
		p.iblock = balance(is, k.items.rows(), P)
	}
	n := len(us)
	if cap(p.us) < n {
		p.us, p.is, p.ts = make([]int32, n), make([]int32, n), make([]float32, n)
	}
	p.us, p.is, p.ts = p.us[:n], p.is[:n], p.ts[:n]
	p.start = slices.Grow(p.start[:0], P*P+1)[:P*P+1]
	clear(p.start)
	if cap(p.keys) < n {
		p.keys = make([]int32, n)
	}
	keys := p.keys[:n]
	is, ts = is[:n], ts[:n]
	// Both passes run on one goroutine per worker over contiguous chunks of
	// rows; a chunk's rows of a block go after the earlier chunks' rows of
	// that block, so the order is the single-goroutine counting sort's.
	T := len(p.workers)
	counts := make([][]int, T)
	each := func(f func(c, lo, hi int)) {
		var wg sync.WaitGroup
		for c := range T {
			lo, hi := c*n/T, (c+1)*n/T
			wg.Go(func() { f(c, lo, hi) })
		}
		wg.Wait()
	}
	each(func(c, lo, hi int) {
		cnt := make([]int, P*P)
		ub, ib := p.ublock, p.iblock
		for r := lo; r < hi; r++ {
			// The block of round (b-a) mod P for user group a, without
			// a division.
			a, b := int(ub[us[r]]), int(ib[is[r]])
			d := b - a
			if d < 0 {
				d += P
			}
			keys[r] = int32(d*P + a)
			cnt[d*P+a]++
		}
		counts[c] = cnt
	})
	at := 0
	for b := range P * P {
		p.start[b] = at
		for c := range T {
			counts[c][b], at = at, at+counts[c][b]
		}
	}
	p.start[P*P] = at
	each(func(c, lo, hi int) {
		next := counts[c]
		for r := lo; r < hi; r++ {
			b := keys[r]
			j := next[b]
			next[b]++
			p.us[j], p.is[j], p.ts[j] = us[r], is[r], ts[r]
		}
	})
}

// balance cuts ids 0..size-1 into T groups whose counts in ids are about
// equal: largest first, each to the lightest group (ties to the lower id
// and group, so the result is deterministic).
func balance(ids []int32, size, T int) []uint16 {
	T = min(T, 1<<16)
	count := make([]int, size)
	for _, id := range ids {
		count[id]++
	}
	order := make([]int32, size)
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(a, b int32) int { return cmp.Compare(count[b], count[a]) })
	load := make([]int, T)
	out := make([]uint16, size)
	for _, id := range order {
		g := 0
		for j := 1; j < T; j++ {
			if load[j] < load[g] {
				g = j
			}
		}
		out[id] = uint16(g)
		load[g] += count[id]
	}
	return out
}
