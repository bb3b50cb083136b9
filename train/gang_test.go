package train

import (
	"sync/atomic"
	"testing"
	"time"
)

// TestGang runs phases of every size on gangs of one to four goroutines:
// each task runs once, on a member's number in range, and a phase is over
// (its tasks' writes seen) when run returns, also after the members have
// fallen asleep between phases.
func TestGang(t *testing.T) {
	for _, n := range []int{1, 2, 4} {
		g := startGang(n)
		for phase, tasks := range []int{0, 1, 3, 16, 100, 7} {
			if phase == 4 {
				time.Sleep(3 * gangSpin) // the members sleep
			}
			runs := make([]int, tasks)
			var bad atomic.Bool
			g.run(tasks, func(w, k int) {
				if w < 0 || w >= n {
					bad.Store(true)
				}
				runs[k]++
			})
			for k, r := range runs {
				if r != 1 {
					t.Errorf("%d goroutines, phase %d: task %d ran %d times", n, phase, k, r)
				}
			}
			if bad.Load() {
				t.Errorf("%d goroutines, phase %d: a member's number out of range", n, phase)
			}
		}
		g.close()
	}
}

// TestGangCloseEarly closes gangs at once and after one phase, before
// their members have run: close returns (a member that took close's
// phase for its first would wait for a later one for ever).
func TestGangCloseEarly(t *testing.T) {
	for k := range 200 {
		g := startGang(3)
		if k%2 == 1 {
			g.run(1, func(int, int) {})
		}
		g.close()
	}
}
