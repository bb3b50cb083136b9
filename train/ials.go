package train

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/internal/f32"
	"github.com/recnet/recnet/model"
)

// ialsKind names the ials kind.
const ialsKind = "ials"

// ialsDiverged is the DivergedError.Reason of ials, which solves each row
// in closed form and has no learning rate.
const ialsDiverged = "the loss became NaN or infinite: the weights blew up, from too large a confidence weight (alpha) or too small an l2, and nothing was learned"

func init() { Register(ialsKind, Fitter{Fit: fitIALS}) }

// fitIALS trains implicit ALS (model.IALS): from item factors drawn at
// random, each iteration (an "epoch") solves every user row with the
// items fixed, then every item row with the users fixed (model.ALSRow),
// by cfg.CGSteps conjugate-gradient steps warm-started from the row's
// last value, or exactly when CGSteps is negative; the rows of a half-step shared among GOMAXPROCS
// goroutines. Each row's solve depends only on the fixed table, so the
// factors are the same bits for any number of goroutines. An iteration
// records the confidence-weighted mean squared error over every cell
// (Epoch.Loss); there is no validation loss and no early stopping: the
// model holds the last iteration's factors.
func fitIALS(ctx context.Context, s *dataset.Split, m *model.Model, o *Options) error {
	cfg := m.Config
	net := model.NewIALS(s.Users.Len(), s.Items.Len(), cfg)
	m.Net = net
	vals := confidenceValues(s.Train.Value)
	byUser := NewInteractions(s.Train.User, s.Train.Item, vals, net.Users)
	byItem := NewInteractions(s.Train.Item, s.Train.User, vals, net.Items)
	for epoch := 1; epoch <= cfg.Epochs; epoch++ {
		start := time.Now()
		if err := IALSIteration(ctx, net, byUser, byItem, cfg.CGSteps); err != nil {
			return err
		}
		rec := model.Epoch{Epoch: epoch, Loss: ialsLoss(net, byUser), ValLoss: math.NaN(), ValRMSE: math.NaN(), ValNDCG: math.NaN(),
			Seconds: time.Since(start).Seconds()}
		m.History = append(m.History, rec)
		if o.Progress != nil {
			o.Progress(Progress{Epoch: epoch, Epochs: cfg.Epochs, Batch: 1, Batches: 1, Loss: rec.Loss, End: &rec})
		}
		if de, ok := diverged(rec, false).(*DivergedError); ok {
			de.Reason = ialsDiverged
			return de
		}
	}
	m.BestEpoch = len(m.History)
	return nil
}

// confidenceValues returns the values ials weighs the training rows by
// (confidence 1 + α·r): the ratings on their original scale, a negative
// one taken as 0. A table of interactions (every value 1) gives the same
// factors as no values.
func confidenceValues(ratings []float32) []float32 {
	vals := make([]float32, len(ratings))
	for k, r := range ratings {
		vals[k] = max(r, 0)
	}
	return vals
}

// Interactions holds, for each row (a user, or an item), the columns it
// interacted with (items, or users), increasing and without repeats, and
// their values: a compressed sparse row table.
type Interactions struct {
	Start []int     // row r's columns are Col[Start[r]:Start[r+1]]
	Col   []int32   // the columns
	Val   []float32 // the values of Col, or nil: every value 1
}

// NewInteractions returns the interactions of rows 0..n-1 from the pairs
// (rows[k], cols[k]) with the values vals[k] (nil: every value 1), a pair
// given twice counted once, with the larger of its values.
func NewInteractions(rows, cols []int32, vals []float32, n int) Interactions {
	if vals != nil {
		return newValuedInteractions(rows, cols, vals, n)
	}
	t := Interactions{Start: rowStarts(rows, n)}
	col, next := make([]int32, len(rows)), slices.Clone(t.Start[:n])
	for k, r := range rows {
		col[next[r]] = cols[k]
		next[r]++
	}
	// Sort each row and drop repeats, compacting in place.
	w := 0
	for r := range n {
		row := col[t.Start[r]:t.Start[r+1]]
		slices.Sort(row)
		row = slices.Compact(row)
		t.Start[r] = w
		w += copy(col[w:], row)
	}
	t.Start[n] = w
	t.Col = col[:w:w]
	return t
}

// rowStarts returns where each of rows 0..n-1 starts among the pairs
// grouped by row, rows given by the pairs' row numbers, and the end (n+1
// offsets).
func rowStarts(rows []int32, n int) []int {
	start := make([]int, n+1)
	for _, r := range rows {
		start[r+1]++
	}
	for r := range n {
		start[r+1] += start[r]
	}
	return start
}

// newValuedInteractions is NewInteractions with values.
func newValuedInteractions(rows, cols []int32, vals []float32, n int) Interactions {
	type cell struct {
		col int32
		val float32
	}
	t := Interactions{Start: rowStarts(rows, n)}
	cells, next := make([]cell, len(rows)), slices.Clone(t.Start[:n])
	for k, r := range rows {
		cells[next[r]] = cell{cols[k], vals[k]}
		next[r]++
	}
	t.Col, t.Val = make([]int32, 0, len(rows)), make([]float32, 0, len(rows))
	for r := range n {
		row := cells[t.Start[r]:t.Start[r+1]]
		slices.SortFunc(row, func(a, b cell) int {
			if a.col != b.col {
				return int(a.col) - int(b.col)
			}
			return cmp.Compare(a.val, b.val)
		})
		t.Start[r] = len(t.Col)
		for k, c := range row {
			if k+1 < len(row) && row[k+1].col == c.col {
				continue // the larger value follows
			}
			t.Col, t.Val = append(t.Col, c.col), append(t.Val, c.val)
		}
	}
	t.Start[n] = len(t.Col)
	return t
}

// Row returns the columns of row r.
func (t Interactions) Row(r int) []int32 { return t.Col[t.Start[r]:t.Start[r+1]] }

// Values returns the values of row r's columns, or nil when every value
// is 1.
func (t Interactions) Values(r int) []float32 {
	if t.Val == nil {
		return nil
	}
	return t.Val[t.Start[r]:t.Start[r+1]]
}

// Len returns the number of interactions.
func (t Interactions) Len() int { return len(t.Col) }

// IALSIteration runs one iteration of implicit ALS on net: the user
// half-step, then the item half-step. byUser holds each user's items and
// byItem each item's users (the same interactions). Each row takes
// cgSteps conjugate-gradient steps from its current value, or an exact
// solve when cgSteps ≤ 0.
func IALSIteration(ctx context.Context, net *model.IALS, byUser, byItem Interactions, cgSteps int) error {
	if err := IALSHalfStep(ctx, net.UserEmb, net.ItemEmb, byUser, net, cgSteps); err != nil {
		return err
	}
	return IALSHalfStep(ctx, net.ItemEmb, net.UserEmb, byItem, net, cgSteps)
}

// IALSHalfStep solves every row of dst (a table of len(rows.Start)-1
// rows) with the table fixed held fixed: the Gramian of fixed once, then
// one model.ALSRow solve a row (cgSteps steps of ALSRow.CG, or
// ALSRow.Solve when cgSteps ≤ 0), on GOMAXPROCS goroutines. It stops with
// ctx's error when ctx is done.
func IALSHalfStep(ctx context.Context, dst, fixed []float32, rows Interactions, net *model.IALS, cgSteps int) error {
	d := net.Dim
	others := len(fixed) / d
	// CG reads the Gramian in float32 only: the matrix kernel makes it.
	shared := model.ALSRow{Dim: d, Alpha: net.Alpha, L2: net.L2, Others: others}
	if cgSteps > 0 {
		shared.Gram32 = make([]float32, d*d)
		f32.MulTN(shared.Gram32, fixed, fixed, d, others, d, false)
	} else {
		shared.Gram = model.Gram(nil, fixed, others, d)
	}
	gram := shared.Gram
	n := len(rows.Start) - 1
	const chunk = 64
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, runtime.GOMAXPROCS(0))
	for w := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			row := model.ALSRow{Dim: d, Alpha: net.Alpha, L2: net.L2, Others: others, Gram: gram, Gram32: shared.Gram32}
			for {
				lo := int(next.Add(chunk)) - chunk
				if lo >= n {
					return
				}
				if err := ctx.Err(); err != nil {
					errs[w] = err
					return
				}
				for r := lo; r < min(lo+chunk, n); r++ {
					if cgSteps > 0 {
						row.CG(dst[r*d:r*d+d], fixed, rows.Row(r), rows.Values(r), cgSteps)
						continue
					}
					if err := row.Solve(dst[r*d:r*d+d], fixed, rows.Row(r), rows.Values(r)); err != nil {
						errs[w] = fmt.Errorf("train: %w", err)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// ialsLoss returns the confidence-weighted mean squared error of net over
// every (user, item) cell,
//
//	Σ c (p − s)² / Σ c = (Σ_u P[u]ᵀ(QᵀQ)P[u] + Σ_{(u,i)} ((1+α·r)(1−s)² − s²)) / (users·items + α·Σ r),
//
// in O(nnz·Dim + users·Dim²) by the Gramian QᵀQ.
func ialsLoss(net *model.IALS, byUser Interactions) float64 {
	d := net.Dim
	gram := model.Gram(nil, net.ItemEmb, net.Items, d)
	var sum, total float64
	for u := range net.Users {
		p := net.UserEmb[u*d : u*d+d]
		for a, x := range p {
			var s float64
			for b, y := range p {
				s += gram[a*d+b] * float64(y)
			}
			sum += float64(x) * s
		}
		vals := byUser.Values(u)
		for k, i := range byUser.Row(u) {
			s, r := float64(net.Score(int32(u), i)), 1.0
			if vals != nil {
				r = float64(vals[k])
			}
			sum += (1+net.Alpha*r)*(1-s)*(1-s) - s*s
			total += r
		}
	}
	return sum / (float64(net.Users)*float64(net.Items) + net.Alpha*total)
}

// measureIALS is MeasureEpoch for ials: one iteration of a fresh net of
// cfg for each thread count (GOMAXPROCS set to it for the while), beside
// the floor, the score <P[u], Q[i]> of every training interaction
// computed user by user on as many goroutines, before and after.
func measureIALS(s *dataset.Split, cfg model.Config, threads []int) ([]EpochTiming, error) {
	if s.Train.Len() == 0 {
		return nil, ErrNoTrainRows
	}
	users, items := s.Users.Len(), s.Items.Len()
	vals := confidenceValues(s.Train.Value)
	byUser := NewInteractions(s.Train.User, s.Train.Item, vals, users)
	byItem := NewInteractions(s.Train.Item, s.Train.User, vals, items)
	var res []EpochTiming
	for _, t := range threads {
		t = max(t, 1)
		net := model.NewIALS(users, items, cfg)
		// One iteration first, so that the floor reads trained factors.
		if err := IALSIteration(context.Background(), net, byUser, byItem, cfg.CGSteps); err != nil {
			return nil, err
		}
		prev := runtime.GOMAXPROCS(t)
		floor := ialsFloor(net, byUser, t)
		start := time.Now()
		err := IALSIteration(context.Background(), net, byUser, byItem, cfg.CGSteps)
		epoch := time.Since(start)
		floor = min(floor, ialsFloor(net, byUser, t))
		runtime.GOMAXPROCS(prev)
		if err != nil {
			return nil, err
		}
		res = append(res, EpochTiming{Threads: t, Epoch: epoch, Floor: floor, Loss: ialsLoss(net, byUser)})
	}
	return res, nil
}

// ialsFloor times the scores of every interaction of byUser, the users
// cut into threads contiguous shares, and returns the time.
func ialsFloor(net *model.IALS, byUser Interactions, threads int) time.Duration {
	start := time.Now()
	var wg sync.WaitGroup
	sums := make([]float32, threads)
	for w := range threads {
		lo, hi := w*net.Users/threads, (w+1)*net.Users/threads
		wg.Go(func() {
			var s float32
			for u := lo; u < hi; u++ {
				for _, i := range byUser.Row(u) {
					s += net.Score(int32(u), i)
				}
			}
			sums[w] = s
		})
	}
	wg.Wait()
	floorSink = sums[0]
	return time.Since(start)
}

// floorSink keeps ialsFloor's sums alive.
var floorSink float32
