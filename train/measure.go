package train

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"
	"unsafe"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

// floor computes the output of every row (us[r], is[r]) from k's packed
// tables, as a training batch does before its update, and writes it to
// out[r]. It is the read-only pass an epoch is measured against: the same
// rows in the same order over the same tables, nothing updated. Like the
// epoch it goes in chunks of batch rows and, while it computes one chunk,
// asks for the lines a read of the next chunk's rows touches (the weights
// and the bias), so that their misses overlap with the work. The rows are
// cut into threads contiguous shares, one goroutine each.
func (k *dotKernel) floor(us, is []int32, out []float32, batch, threads int) {
	threads = max(threads, 1)
	var wg sync.WaitGroup
	n := len(us)
	for w := range threads {
		lo, hi := w*n/threads, (w+1)*n/threads
		if w == threads-1 {
			k.floorShare(us[lo:hi], is[lo:hi], out[lo:hi], batch)
			break
		}
		wg.Go(func() { k.floorShare(us[lo:hi], is[lo:hi], out[lo:hi], batch) })
	}
	wg.Wait()
}

func (k *dotKernel) floorShare(us, is []int32, out []float32, batch int) {
	is, out = is[:len(us)], out[:len(us)]
	for lo := 0; lo < len(us); lo += batch {
		hi := min(lo+batch, len(us))
		next := min(hi+batch, len(us))
		xs := out[lo:hi]
		if !predictVec(k, xs, us[lo:hi], is[lo:hi], us[hi:next], is[hi:next]) {
			k.users.prefetch(us[hi:next], false)
			k.items.prefetch(is[hi:next], false)
			for r, u := range us[lo:hi] {
				xs[r] = k.preact(u, is[lo+r])
			}
		}
		for r, x := range xs {
			xs[r], _ = k.act.Apply(x)
		}
	}
}

// writeFloor reads and writes back, unchanged, one word of every cache
// line an update of each row (us[r], is[r]) touches, in batches of batch
// rows, asking for the next batch's lines first as the epoch does. It is
// the epoch's memory traffic without its arithmetic.
func (k *dotKernel) writeFloor(us, is []int32, batch int) {
	lines := k.users.updateLines(k.opt)
	zero := writeFloorMask
	is = is[:len(us)]
	for lo := 0; lo < len(us); lo += batch {
		hi := min(lo+batch, len(us))
		next := min(hi+batch, len(us))
		k.users.prefetch(us[hi:next], k.opt.adam)
		k.items.prefetch(is[hi:next], k.opt.adam)
		for r, u := range us[lo:hi] {
			a, b := k.users.row(u), k.items.row(is[lo+r])
			for j := 0; j < lines*16; j += 16 {
				*(*uint32)(unsafe.Pointer(&a[j])) ^= zero
				*(*uint32)(unsafe.Pointer(&b[j])) ^= zero
			}
		}
	}
}

// writeFloorMask is always 0: a value the compiler cannot know, so that
// writeFloor's stores are kept.
var writeFloorMask uint32

// EpochTiming is one measurement of MeasureEpoch.
type EpochTiming struct {
	Threads int           // goroutines
	Epoch   time.Duration // one training epoch
	// Floor is the read-only pass over the same rows, order and tables on
	// as many goroutines: the faster of one run before and one after the
	// epoch.
	Floor time.Duration
	// WriteFloor, measured on one goroutine only (zero otherwise), is a
	// pass over the same rows, order and tables that reads and writes back
	// every cache line the epoch's updates touch, prefetching as the epoch
	// does, with no arithmetic: the memory traffic of an epoch alone.
	WriteFloor time.Duration
	Loss       float64 // mean training loss of the epoch
}

// MeasureEpoch times one epoch of a fresh dot model of cfg on s.Train, once
// for each thread count (cfg.Threads is replaced), beside the floor: a pass
// that computes every prediction over the same rows, in the same order, from
// the same packed tables, without updating anything. The rows are shuffled
// once by cfg.Seed, as the first epoch of Fit shuffles them, and every thread
// count starts from the same initial tables. On the blocked schedule the
// epoch is the first epoch's plan of blocks and the floor a read-only
// pass over the same blocks, in an order planned the same way (from its own
// draw), on as many goroutines. Only cfg.Kind dot (or empty),
// ials and autorec are measured; for ials the epoch is one iteration (both
// half-steps, as IALSIteration) and the floor the scores of every
// training interaction, each user's in turn, on as many goroutines; for
// autorec the epoch is one epoch of its batches of items with the codes
// computed after it, and the floor the scores of every training rating
// from the codes. For ease the epoch is the whole fit (the weights in
// closed form) and the floor the same scores from the fitted weights.
func MeasureEpoch(s *dataset.Split, cfg model.Config, threads ...int) ([]EpochTiming, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	switch cfg.Kind {
	case ialsKind:
		return measureIALS(s, cfg, threads)
	case easeKind:
		return measureEASE(s, cfg, threads)
	case autorecKind:
		return measureAutoRec(s, cfg, threads)
	case dotKind:
		if cfg.Blocked() {
			return measureBlocked(s, cfg, threads)
		}
	default:
		return nil, fmt.Errorf("train: can measure the epoch of dot, ials, ease or autorec only, not %q", cfg.Kind)
	}
	n := s.Train.Len()
	if n == 0 {
		return nil, ErrNoTrainRows
	}
	m := &model.Model{Config: cfg, Min: s.Min, Max: s.Max}
	target := m.ScaleRatings(s.Train)
	perm := make([]int32, n)
	for i := range perm {
		perm[i] = int32(i)
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x5f1e))
	rng.Shuffle(n, func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
	us, is, ts := make([]int32, n), make([]int32, n), make([]float32, n)
	for j, p := range perm {
		us[j], is[j], ts[j] = s.Train.User[p], s.Train.Item[p], target[p]
	}
	perm = nil
	out := make([]float32, n)
	var res []EpochTiming
	for _, t := range threads {
		c := cfg
		c.Threads = t
		net := model.NewDot(s.Users.Len(), s.Items.Len(), c)
		if c.Init == "normal" {
			mu := model.FitMean(target).Mu
			for i := range net.ItemBias {
				net.ItemBias[i] = mu
			}
			clear(net.UserBias)
		}
		k := newDotKernel(net, c)
		net = nil
		start := time.Now()
		k.floor(us, is, out, c.Batch, t)
		floor := time.Since(start)
		start = time.Now()
		sse, _ := k.epoch(us, is, ts, c.Batch, nil)
		epoch := time.Since(start)
		start = time.Now()
		k.floor(us, is, out, c.Batch, t)
		floor = min(floor, time.Since(start))
		var write time.Duration
		if t <= 1 {
			start = time.Now()
			k.writeFloor(us, is, c.Batch)
			write = time.Since(start)
		}
		res = append(res, EpochTiming{Threads: max(t, 1), Epoch: epoch, Floor: floor, WriteFloor: write, Loss: sse / float64(n)})
	}
	return res, nil
}

// measureBlocked is MeasureEpoch for dot on the blocked schedule.
func measureBlocked(s *dataset.Split, cfg model.Config, threads []int) ([]EpochTiming, error) {
	if s.Train.Len() == 0 {
		return nil, ErrNoTrainRows
	}
	m := &model.Model{Config: cfg, Users: s.Users, Items: s.Items, Min: s.Min, Max: s.Max}
	mu := startBias(s, m)
	var res []EpochTiming
	for _, t := range threads {
		m.Config.Threads = t
		net := model.NewDot(s.Users.Len(), s.Items.Len(), m.Config)
		if cfg.Init == "normal" { // as fitDot starts
			for i := range net.ItemBias {
				net.ItemBias[i] = mu
			}
			clear(net.UserBias)
		}
		k := newBlockedKernel(s, m, net.UserEmb, net.UserBias, net.ItemEmb, net.ItemBias, 0)
		out := make([]float32, len(k.us))
		p := plan(k.P, k.threads, k.start, rand.New(rand.NewPCG(cfg.Seed, 0xf1002)))
		floor := func() time.Duration {
			start := time.Now()
			_ = p.run(context.Background(), k.threads, func(_, _ int, b int32) {
				for r := k.start[b]; r < k.start[b+1]; r++ {
					out[r] = k.predict(k.rows(k.us[r], k.is[r]))
				}
			}, func() bool { return false })
			return time.Since(start)
		}
		f := floor()
		start := time.Now()
		sse, err := k.epoch(context.Background(), nil)
		if err != nil {
			return nil, err
		}
		epoch := time.Since(start)
		res = append(res, EpochTiming{Threads: k.threads, Epoch: epoch, Floor: min(f, floor()), Loss: sse / float64(len(k.us))})
	}
	return res, nil
}
