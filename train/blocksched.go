package train

import (
	"container/heap"
	"context"
	"math/rand/v2"
	"sync"
)

// The blocked schedule's scheduler. An epoch runs every block of a P x P
// grid once. LIBMF hands an idle thread the least-updated block whose
// row band (users) and column band (items) no running block holds, which
// depends on which thread finishes first: its result changes from run to
// run. Here the same rule is played out once per epoch on a model of the
// threads, each block taking time in proportion to its ratings (plan), and
// the threads then run the blocks, each once the blocks planned before it
// in its row band and in its column band have finished (run). So a band's
// blocks run in one order whatever the timing is, and the weights are the
// same bits for a seed and a thread count. A thread seldom waits: the plan
// is a schedule the threads could have run, and where a block takes longer
// than planned an idle thread takes another ready block. LIBMF's own rule
// (an idle thread takes any free block at once) was measured against an
// earlier run that took the blocks strictly in the planned order, at the
// ml25m shape on two threads on the shared machine: 0.901 s an epoch
// against 0.898 s, and 0.94 s against 1.11 s in a second run; it was not
// kept.

// blockPlan is an epoch's blocks in the order the threads take them.
type blockPlan struct {
	order []int32 // block indices (row band * P + column band)
	// rowPrev[j] and colPrev[j] are the positions in order of the block
	// planned before order[j] in its row band and in its column band; -1
	// for none.
	rowPrev, colPrev []int32
}

// blockOverhead is the cost of a block besides its ratings, in ratings,
// in the threads' model: taking it and loading its rows.
const blockOverhead = 64

// plan returns an epoch's plan for threads threads over a P x P grid
// whose block b holds ratings start[b] to start[b+1]: each idle thread in turn (the one
// idle first; ties to the lower thread) takes the free block of least
// priority, drawn from rng anew each epoch, as every block has been
// updated as often as the others at an epoch's start (LIBMF's priority is
// the block's updates plus a uniform draw); with none free it waits for
// the next running block to end.
func plan(P, threads int, start []int, rng *rand.Rand) blockPlan {
	n := P * P
	pending := make([]int32, n) // in priority order
	for b := range pending {
		pending[b] = int32(b)
	}
	rng.Shuffle(n, func(i, j int) { pending[i], pending[j] = pending[j], pending[i] })
	p := blockPlan{order: make([]int32, 0, n), rowPrev: make([]int32, 0, n), colPrev: make([]int32, 0, n)}
	lastRow, lastCol := make([]int32, P), make([]int32, P)
	for k := range P {
		lastRow[k], lastCol[k] = -1, -1
	}
	busyRow, busyCol := make([]bool, P), make([]bool, P)
	taken := make([]bool, n)
	head := 0 // pending[:head] are all taken
	type worker struct {
		at    int64 // when it is next idle
		block int32 // the block it runs until at, or -1
	}
	ws := make([]worker, threads)
	for w := range ws {
		ws[w].block = -1
	}
	for len(p.order) < n {
		w := 0
		for v := range ws {
			if ws[v].at < ws[w].at {
				w = v
			}
		}
		now := ws[w].at
		for v := range ws { // every block ended by now frees its bands
			if b := ws[v].block; b >= 0 && ws[v].at <= now {
				busyRow[int(b)/P], busyCol[int(b)%P] = false, false
				ws[v].block = -1
			}
		}
		for head < n && taken[pending[head]] {
			head++
		}
		pick := int32(-1)
		for _, b := range pending[head:] {
			if !taken[b] && !busyRow[int(b)/P] && !busyCol[int(b)%P] {
				pick = b
				break
			}
		}
		if pick < 0 { // wait for the next running block to end
			next := int64(-1)
			for v := range ws {
				if ws[v].block >= 0 && (next < 0 || ws[v].at < next) {
					next = ws[v].at
				}
			}
			ws[w].at = next
			continue
		}
		r, c := int(pick)/P, int(pick)%P
		taken[pick], busyRow[r], busyCol[c] = true, true, true
		ws[w] = worker{at: now + int64(start[pick+1]-start[pick]) + blockOverhead, block: pick}
		j := int32(len(p.order))
		p.order = append(p.order, pick)
		p.rowPrev = append(p.rowPrev, lastRow[r])
		p.colPrev = append(p.colPrev, lastCol[c])
		lastRow[r], lastCol[c] = j, j
	}
	return p
}

// run runs the plan's blocks on threads goroutines (the calling one is
// thread 0) and calls do(thread, position in the plan, block) for each. A
// block is ready once the blocks planned before it in its row band and in
// its column band have finished; an idle thread takes the ready block
// earliest in the plan, or waits for one. Whichever thread runs a block
// and whenever, each band's blocks run in the planned order, which is all
// the weights depend on. After each block of thread 0 it calls stop, and
// stops taking blocks once ctx is done or stop returns true; it returns
// ctx's error.
func (p blockPlan) run(ctx context.Context, threads int, do func(w, j int, b int32), stop func() bool) error {
	if threads <= 1 {
		for j, b := range p.order {
			do(0, j, b)
			if ctx.Err() != nil || stop() {
				break
			}
		}
		return ctx.Err()
	}
	n := len(p.order)
	// waits[j] counts the unfinished blocks order[j] waits for; next
	// holds each block's successors in its row band and column band.
	waits := make([]int8, n)
	next := make([][2]int32, n)
	for j := range next {
		next[j] = [2]int32{-1, -1}
	}
	for j := range n {
		if r := p.rowPrev[j]; r >= 0 {
			waits[j]++
			next[r][0] = int32(j)
		}
		if c := p.colPrev[j]; c >= 0 {
			waits[j]++
			next[c][1] = int32(j)
		}
	}
	var (
		mu    sync.Mutex
		cond  = sync.NewCond(&mu)
		ready readyHeap
		taken int
		halt  bool
		wg    sync.WaitGroup
	)
	for j := range n {
		if waits[j] == 0 {
			heap.Push(&ready, int32(j))
		}
	}
	work := func(w int) {
		mu.Lock()
		defer mu.Unlock()
		for {
			for !halt && taken < n && ready.Len() == 0 {
				cond.Wait()
			}
			if halt || taken == n {
				return
			}
			j := heap.Pop(&ready).(int32)
			taken++
			mu.Unlock()
			do(w, int(j), p.order[j])
			stopped := ctx.Err() != nil || (w == 0 && stop())
			mu.Lock()
			for _, s := range next[j] {
				if s >= 0 {
					if waits[s]--; waits[s] == 0 {
						heap.Push(&ready, s)
					}
				}
			}
			halt = halt || stopped
			cond.Broadcast()
		}
	}
	for w := 1; w < threads; w++ {
		wg.Go(func() { work(w) })
	}
	work(0)
	wg.Wait()
	return ctx.Err()
}

// readyHeap is a min-heap of plan positions (container/heap).
type readyHeap []int32

func (h readyHeap) Len() int           { return len(h) }
func (h readyHeap) Less(i, j int) bool { return h[i] < h[j] }
func (h readyHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *readyHeap) Push(x any)        { *h = append(*h, x.(int32)) }
func (h *readyHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
