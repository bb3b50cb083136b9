package train

import (
	"sync"
	"sync/atomic"
	"time"
)

// gang runs a function on n goroutines at once, phase after phase, the
// calling goroutine as member 0: for phases too short (tens of
// microseconds, as autorec's batches on ml-latest-small) for a goroutine
// started per phase, whose start and wake-up cost about as much as the
// work. Between phases the other members spin on an atomic for up to
// gangSpin, then sleep until the next phase; so does member 0 while it
// waits for them. A gang must be closed.
type gang struct {
	n        int
	f        func(w int)
	gen      atomic.Uint64 // phases started
	pending  atomic.Int64  // members other than 0 still in the phase
	sleepers atomic.Int64  // goroutines asleep or about to sleep on cond
	stopped  atomic.Bool
	mu       sync.Mutex
	cond     sync.Cond
	done     sync.WaitGroup
}

// gangSpin is how long a member spins for the next phase (or member 0 for
// the others' end) before it sleeps.
const gangSpin = 100 * time.Microsecond

// startGang starts the n − 1 members beside the caller's (n ≥ 1).
func startGang(n int) *gang {
	g := &gang{n: n}
	g.cond.L = &g.mu
	for w := 1; w < n; w++ {
		g.done.Go(func() { g.member(w) })
	}
	return g
}

// run runs f(w) for every member w, f(0) on the calling goroutine, and
// returns when all have returned.
func (g *gang) run(f func(w int)) {
	if g.n == 1 {
		f(0)
		return
	}
	g.f = f
	g.pending.Store(int64(g.n - 1))
	g.gen.Add(1)
	g.wake()
	f(0)
	g.wait(func() bool { return g.pending.Load() == 0 })
	g.f = nil
}

// close ends the members once they are idle.
func (g *gang) close() {
	g.stopped.Store(true)
	g.gen.Add(1)
	g.wake()
	g.done.Wait()
}

// member runs the phases of member w until the gang is closed.
func (g *gang) member(w int) {
	var seen uint64
	for {
		g.wait(func() bool { return g.gen.Load() != seen })
		if g.stopped.Load() {
			return
		}
		seen = g.gen.Load()
		g.f(w)
		if g.pending.Add(-1) == 0 {
			g.wake()
		}
	}
}

// wait returns once ready does, spinning for gangSpin, then sleeping on
// cond between checks.
func (g *gang) wait(ready func() bool) {
	start := time.Now()
	for k := 1; !ready(); k++ {
		if k%64 == 0 && time.Since(start) > gangSpin {
			g.mu.Lock()
			g.sleepers.Add(1)
			for !ready() {
				g.cond.Wait()
			}
			g.sleepers.Add(-1)
			g.mu.Unlock()
			return
		}
	}
}

// wake wakes the sleepers after a change that may make them ready. A
// goroutine counts itself among the sleepers before its last check, so it
// either sees the change or is woken.
func (g *gang) wake() {
	if g.sleepers.Load() > 0 {
		g.mu.Lock()
		g.cond.Broadcast()
		g.mu.Unlock()
	}
}
