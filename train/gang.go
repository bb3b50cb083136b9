package train

import (
	"sync"
	"sync/atomic"
	"time"
)

// gang runs the tasks of a phase on n goroutines, phase after phase, the
// calling goroutine as member 0: for phases too short (tens of
// microseconds, as autorec's batches on ml-latest-small) for goroutines
// started per phase, whose start and wake-up cost about as much as the
// work. Each task goes to the member that claims it first, and a phase
// ends when its tasks have, without waiting for members that claimed none:
// a member the system has not scheduled leaves its share to the others.
// Between phases the members spin for up to gangSpin, then sleep until
// the next; so does member 0 while it waits for the others' tasks. A gang
// must be closed.
type gang struct {
	cur      atomic.Pointer[gangPhase] // the latest phase
	sleepers atomic.Int64              // goroutines asleep or about to sleep on cond
	stopped  atomic.Bool
	mu       sync.Mutex
	cond     sync.Cond
	members  sync.WaitGroup
}

// gangPhase is one phase's tasks: f(w, k) for k in [0, n), claimed in
// turn through next; done counts those finished.
type gangPhase struct {
	f          func(w, k int)
	n          int64
	next, done atomic.Int64
}

// gangSpin is how long a member spins for the next phase (or member 0 for
// the others' tasks) before it sleeps.
const gangSpin = 100 * time.Microsecond

// startGang starts the n − 1 members beside the caller's (n ≥ 1).
func startGang(n int) *gang {
	g := &gang{}
	g.cond.L = &g.mu
	first := &gangPhase{}
	g.cur.Store(first)
	for w := 1; w < n; w++ {
		g.members.Go(func() { g.member(w, first) })
	}
	return g
}

// run runs f(w, k) for every k in [0, n) on the members, w the member's
// number, and returns when every call has.
func (g *gang) run(n int, f func(w, k int)) {
	p := &gangPhase{f: f, n: int64(n)}
	g.cur.Store(p)
	g.wake()
	p.work(0)
	g.wait(func() bool { return p.done.Load() == p.n })
}

// work runs the tasks of p that member w claims.
func (p *gangPhase) work(w int) (finished bool) {
	for k := p.next.Add(1) - 1; k < p.n; k = p.next.Add(1) - 1 {
		p.f(w, int(k))
		if p.done.Add(1) == p.n {
			finished = true
		}
	}
	return finished
}

// close ends the members once they are idle.
func (g *gang) close() {
	g.stopped.Store(true)
	g.cur.Store(&gangPhase{})
	g.wake()
	g.members.Wait()
}

// member runs the tasks member w claims from the phases after seen until
// the gang is closed.
func (g *gang) member(w int, seen *gangPhase) {
	for {
		g.wait(func() bool { return g.cur.Load() != seen })
		seen = g.cur.Load()
		if g.stopped.Load() { // set before close's phase: seen is no later
			return
		}
		if seen.work(w) {
			g.wake() // member 0 may be asleep waiting for this phase
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
