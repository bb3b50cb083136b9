package train

import (
	"context"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/internal/f32"
	"github.com/recnet/recnet/model"
)

// autorecKind names the autorec kind.
const autorecKind = "autorec"

func init() {
	Register(autorecKind, Fitter{Fit: fitAutoRec, RowFloats: func(c model.Config) int64 { return 3 * int64(c.Dim) }})
}

// fitAutoRec trains item-based AutoRec (model.AutoRec) by Adam on batches
// of cfg.Batch items, the items shuffled each epoch from the seed. A batch
// costs O(ratings·Hidden), never users x items: each item's encoder input
// is a gather of the encoder rows of its raters, and its output, error and
// gradient are taken on those raters only. The update is lazy, as dot's:
// only the encoder and decoder rows of users rated in the batch move, and
// each of them takes the share n_ub/n_u of the penalty λ (n_ub of its n_u
// training ratings in the batch), so that an epoch adds up to the
// objective's whole penalty; so does each user's decoder bias of its
// penalty toward the training mean, (bias_l2/2)(c_u − μ)². After each epoch every item's code is
// computed anew and the model validated; early stopping is loop's.
//
// A batch runs on up to GOMAXPROCS goroutines (autorecWorkers), a gang
// kept for the epoch: first the items (each its own forward and backward
// pass, its code's sum and sigmoid in one pass, f32.SigmoidRowsAt), then
// the users, cut into ranges claimed in turn (a range's worker sums each
// user's row gradients over the batch's items in batch order, in
// registers within the user's Adam step, optim.adamRowL2). No sum
// depends on how the work is cut, so a seed gives the same bits for any
// number of goroutines.
func fitAutoRec(ctx context.Context, s *dataset.Split, m *model.Model, o *Options) error {
	cfg := m.Config
	t := newAutoRecTrainer(s, m, autorecWorkers(runtime.GOMAXPROCS(0), s.Train.Len(), s.Items.Len(), cfg.Batch, cfg.Dim))
	m.Net = t.best
	val := newValidation(s, m)
	rng := newShuffleRNG(cfg)
	order := slices.Clone(t.rated)
	batches := (len(order) + cfg.Batch - 1) / cfg.Batch
	st := newStopper(m, t, val, nil, o, batches)
	for epoch := 1; epoch <= cfg.Epochs; epoch++ {
		start := time.Now()
		rng.Shuffle(len(order), func(a, b int) { order[a], order[b] = order[b], order[a] })
		sse, err := t.epoch(order, cfg.Batch, func(b int, sse float64, done int) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			if o.Progress != nil && (b+1)%o.every == 0 {
				o.Progress(Progress{Epoch: epoch, Epochs: cfg.Epochs, Batch: b + 1, Batches: batches, Loss: sse / float64(done)})
			}
			return nil
		})
		if err != nil {
			return err
		}
		if stop, err := st.end(epoch, sse/float64(len(t.r.user)), start); err != nil || stop {
			return err
		}
	}
	st.finish()
	return nil
}

// autorecMinWork is the least work of a batch, in ratings times hidden
// units, that fitAutoRec gives each goroutine. On ml-latest-small (about
// 130 ratings a batch of 16 items, 500 units: 66,000) the batch's two
// phases last tens of microseconds. Started per phase, two goroutines
// took 1.4 times one's epoch; on the gang (kept for the epoch, the tasks
// claimed in turn) they take 0.60 times one's, 0.044 to 0.046 s against
// 0.074 to 0.076 s (`recnet bench --kind autorec --threads 1,2`, both
// cores free), and 1.4 times one's when another job holds one of the
// machine's two cores (0.105 to 0.109 s against 0.073 to 0.077 s).
const autorecMinWork = 1 << 15

// autorecRanges is the user ranges a batch's users are cut into per
// worker, each claimed by the next free worker.
const autorecRanges = 4

// autorecWorkers returns the goroutines of a batch: procs, or fewer where
// an average batch (nnz ratings over items, batch items a batch) holds
// less than autorecMinWork a goroutine, and at least one.
func autorecWorkers(procs, nnz, items, batch, hidden int) int {
	work := float64(nnz) * float64(min(batch, items)) / float64(max(items, 1)) * float64(hidden)
	return max(1, min(procs, int(work/autorecMinWork)))
}

// epoch trains on the items of order in batches of the given size, then
// computes every item's code, calling after (if not nil) after each batch
// with its index, the squared errors so far and their number; an error
// from after stops the epoch. It returns the squared errors.
func (t *autorecTrainer) epoch(order []int32, size int, after func(b int, sse float64, done int) error) (float64, error) {
	if t.threads > 1 {
		t.gang = startGang(t.threads)
		defer func() {
			t.gang.close()
			t.gang = nil
		}()
	}
	var sse float64
	var done int
	for b := 0; b*size < len(order); b++ {
		batch := order[b*size : min((b+1)*size, len(order))]
		sse += t.step(batch)
		for _, i := range batch {
			done += t.r.start[i+1] - t.r.start[i]
		}
		if after != nil {
			if err := after(b, sse, done); err != nil {
				return sse, err
			}
		}
	}
	t.codes(t.net)
	return sse, nil
}

// measureAutoRec is MeasureEpoch for autorec: one epoch of a fresh net of
// cfg (the items in the order of Fit's first epoch, the codes computed
// after it) for each thread count (GOMAXPROCS set to it for the while),
// beside the floor, the score W_u·h_i + c_u of every training rating from
// the cached codes on as many goroutines, before and after.
func measureAutoRec(s *dataset.Split, cfg model.Config, threads []int) ([]EpochTiming, error) {
	if s.Train.Len() == 0 {
		return nil, ErrNoTrainRows
	}
	m := &model.Model{Config: cfg, Min: s.Min, Max: s.Max}
	var res []EpochTiming
	for _, n := range threads {
		n = max(n, 1)
		prev := runtime.GOMAXPROCS(n)
		t := newAutoRecTrainer(s, m, n)
		order := slices.Clone(t.rated)
		rng := newShuffleRNG(cfg)
		rng.Shuffle(len(order), func(a, b int) { order[a], order[b] = order[b], order[a] })
		floor := t.floor()
		start := time.Now()
		sse, _ := t.epoch(order, cfg.Batch, nil)
		epoch := time.Since(start)
		floor = min(floor, t.floor())
		runtime.GOMAXPROCS(prev)
		res = append(res, EpochTiming{Threads: n, Epoch: epoch, Floor: floor, Loss: sse / float64(len(t.r.user))})
	}
	return res, nil
}

// floor times the scores of every training rating from the cached codes,
// the items shared among the workers, and returns the time.
func (t *autorecTrainer) floor() time.Duration {
	start := time.Now()
	sums := make([]float32, t.threads)
	t.parallel(func(w int) {
		var sum float32
		for i := w; i < t.net.Items; i += t.threads {
			for _, u := range t.r.user[t.r.start[i]:t.r.start[i+1]] {
				sum += t.net.Score(u, int32(i))
			}
		}
		sums[w] = sum
	})
	floorSink = sums[0]
	return time.Since(start)
}

// itemRatings holds the training ratings by item, each item's users
// increasing: item i's are at [start[i], start[i+1]), with their targets
// on the training scale and their inputs (model.AutoRecInput).
type itemRatings struct {
	start []int
	user  []int32
	t, x  []float32
}

// newItemRatings returns the training ratings of s by item, a rating of
// one pair given twice kept twice.
func newItemRatings(s *dataset.Split, m *model.Model) itemRatings {
	items := s.Items.Len()
	target := m.ScaleRatings(s.Train)
	n := len(target)
	r := itemRatings{start: make([]int, items+1), user: make([]int32, n), t: make([]float32, n), x: make([]float32, n)}
	for _, i := range s.Train.Item {
		r.start[i+1]++
	}
	for i := range items {
		r.start[i+1] += r.start[i]
	}
	pos := make([]int32, n) // rows by item, then by user within an item
	next := slices.Clone(r.start[:items])
	for k, i := range s.Train.Item {
		pos[next[i]] = int32(k)
		next[i]++
	}
	for i := range items {
		slices.SortStableFunc(pos[r.start[i]:r.start[i+1]], func(a, b int32) int {
			return int(s.Train.User[a]) - int(s.Train.User[b])
		})
	}
	for q, k := range pos {
		r.user[q], r.t[q], r.x[q] = s.Train.User[k], target[k], model.AutoRecInput(target[k])
	}
	return r
}

// autorecTrainer holds an autorec net in training, its Adam state and its
// batch buffers.
type autorecTrainer struct {
	net, best *model.AutoRec // trained in place; the best epoch's copy (the model's net)
	r         itemRatings
	rated     []int32   // the items with training ratings
	perUser   []float32 // each user's number of training ratings
	l2        float32
	opt       *optim
	threads   int
	gang      *gang // the workers during an epoch, else nil
	bounds    []int // user range c is [bounds[c], bounds[c+1]), about as many ratings each

	mEnc, vEnc, mDec, vDec []float32     // Adam's moments, Users x Hidden
	mDB, vDB, mEB, vEB     []float32     // of the decoder and encoder biases
	mSh, vSh               []float32     // of the shared decoder row
	gDB, gEB, gSh          []float32     // gradients, zero outside a batch
	gEnc, gDec             []float32     // penalize's whole gradients, Users x Hidden (tests)
	sumE                   []float32     // each batch item's sum of errors
	slots                  []int32       // 0, 1, ..., batch − 1
	ones                   []float32     // batch ones
	nnz                    float32       // training ratings
	mu, biasL2             float32       // the training mean, and the penalty of c_u - mu
	inBatch                []int32       // each user's ratings in the batch, zero outside one
	at                     []int32       // each touched user's end in its range's lists
	h, dz                  []float32     // batch x Hidden: codes and pre-activation gradients
	e                      []float32     // each rating's error in the batch
	sse                    []float64     // each batch item's squared errors
	work                   []autorecWork // each user range's users in the batch
	scratch                [][]float32   // each worker's Hidden floats, zero outside update
}

// newAutoRecTrainer returns the trainer of a fresh net for s, its decoder
// biases at the training mean and its codes computed.
func newAutoRecTrainer(s *dataset.Split, m *model.Model, threads int) *autorecTrainer {
	cfg := m.Config
	users, items := s.Users.Len(), s.Items.Len()
	net := model.NewAutoRec(users, items, cfg)
	mu := startBias(s, m)
	for u := range net.DecBias {
		net.DecBias[u] = mu
	}
	hid, uh := net.Hidden, users*net.Hidden
	b := min(cfg.Batch, items)
	t := &autorecTrainer{net: net, r: newItemRatings(s, m), perUser: make([]float32, users),
		l2: float32(net.L2), opt: newOptim("adam", cfg.LR, cfg.Beta1, cfg.Beta2, cfg.Eps), threads: max(threads, 1),
		mEnc: make([]float32, uh), vEnc: make([]float32, uh), mDec: make([]float32, uh), vDec: make([]float32, uh),
		mDB: make([]float32, users), vDB: make([]float32, users), mEB: make([]float32, hid), vEB: make([]float32, hid),
		gDB: make([]float32, users), gEB: make([]float32, hid),
		inBatch: make([]int32, users), at: make([]int32, users), h: make([]float32, b*hid), dz: make([]float32, b*hid),
		sse: make([]float64, b), sumE: make([]float32, b), mSh: make([]float32, hid), vSh: make([]float32, hid), gSh: make([]float32, hid)}
	t.e = make([]float32, len(t.r.user))
	t.slots, t.ones = make([]int32, b), make([]float32, b)
	for k := range b {
		t.slots[k], t.ones[k] = int32(k), 1
	}
	t.nnz = float32(len(t.r.user))
	_, bl2 := cfg.PositiveL2()
	t.mu, t.biasL2 = mu, float32(bl2)
	ranges := 1
	if t.threads > 1 {
		ranges = autorecRanges * t.threads
	}
	t.work = make([]autorecWork, ranges)
	t.scratch = make([][]float32, t.threads)
	for w := range t.scratch {
		t.scratch[w] = make([]float32, hid)
	}
	for _, u := range t.r.user {
		t.perUser[u]++
	}
	for i := range items {
		if t.r.start[i+1] > t.r.start[i] {
			t.rated = append(t.rated, int32(i))
		}
	}
	t.bounds = userBounds(t.perUser, ranges)
	t.codes(net)
	t.best = cloneAutoRec(net)
	return t
}

// userBounds cuts the users into n ranges of about as many ratings.
func userBounds(perUser []float32, n int) []int {
	var total float64
	for _, c := range perUser {
		total += float64(c)
	}
	bounds := make([]int, n+1)
	bounds[n] = len(perUser)
	var sum float64
	w := 1
	for u, c := range perUser {
		for w < n && sum >= total*float64(w)/float64(n) {
			bounds[w] = u
			w++
		}
		sum += float64(c)
	}
	for ; w < n; w++ {
		bounds[w] = len(perUser)
	}
	return bounds
}

// cloneAutoRec returns a copy of n with its own tables.
func cloneAutoRec(n *model.AutoRec) *model.AutoRec {
	c := *n
	c.Enc, c.EncBias, c.Dec, c.DecBias, c.Code = slices.Clone(n.Enc), slices.Clone(n.EncBias), slices.Clone(n.Dec), slices.Clone(n.DecBias), slices.Clone(n.Code)
	c.Shared = slices.Clone(n.Shared)
	return &c
}

// score scores with the current weights and the codes of the last epoch.
func (t *autorecTrainer) score(u, i int32) float32 { return t.net.Score(u, i) }

// store copies the current weights and codes into the model's net.
func (t *autorecTrainer) store() {
	n, b := t.net, t.best
	copy(b.Enc, n.Enc)
	copy(b.EncBias, n.EncBias)
	copy(b.Dec, n.Dec)
	copy(b.DecBias, n.DecBias)
	copy(b.Shared, n.Shared)
	copy(b.Code, n.Code)
}

// each runs f(w, k) for every k in [0, n), w the number of the worker
// that claimed k: on the epoch's gang during one, else on goroutines
// started for it.
func (t *autorecTrainer) each(n int, f func(w, k int)) {
	if t.gang != nil {
		t.gang.run(n, f)
		return
	}
	var next atomic.Int64
	t.parallel(func(w int) {
		for k := int(next.Add(1)) - 1; k < n; k = int(next.Add(1)) - 1 {
			f(w, k)
		}
	})
}

// parallel runs f(w) for w in [0, threads), f(0) on the calling goroutine.
func (t *autorecTrainer) parallel(f func(w int)) {
	var wg sync.WaitGroup
	for w := 1; w < t.threads; w++ {
		wg.Go(func() { f(w) })
	}
	f(0)
	wg.Wait()
}

// encode sets h to item i's code sigmoid(b + Σ x_ui V_u) under net, the
// raters' encoder rows added in turn.
func (t *autorecTrainer) encode(net *model.AutoRec, h []float32, i int32) {
	q0, q1 := t.r.start[i], t.r.start[i+1]
	f32.SigmoidRowsAt(h, net.EncBias, t.r.x[q0:q1], net.Enc, net.Hidden, t.r.user[q0:q1])
}

// codes sets every item's code of net from its encoder.
func (t *autorecTrainer) codes(net *model.AutoRec) {
	d := net.Hidden
	const chunk = 64
	t.each((net.Items+chunk-1)/chunk, func(_, c int) {
		for i := c * chunk; i < min(c*chunk+chunk, net.Items); i++ {
			t.encode(net, net.Code[i*d:i*d+d], int32(i))
		}
	})
}

// itemGrad runs item i forward and back: its code into h, its raters'
// errors into t.e, and the gradient of the loss with respect to its
// pre-activation into dz. It returns the item's squared errors and
// the sum of its errors.
func (t *autorecTrainer) itemGrad(i int32, h, dz []float32) (float64, float32) {
	net, d := t.net, t.net.Hidden
	t.encode(net, h, i)
	clear(dz)
	shared := f32.Dot(net.Shared, h)
	var sse float64
	var sumE float32
	q0, q1 := t.r.start[i], t.r.start[i+1]
	f32.DotRowsAt(t.e[q0:q1], h, net.Dec, d, t.r.user[q0:q1]) // W_u · h_i
	for q := q0; q < q1; q++ {
		e := t.e[q] + shared + net.DecBias[t.r.user[q]] - t.r.t[q]
		t.e[q] = e
		sse += float64(e) * float64(e)
		sumE += e
	}
	f32.AddRowsAt(dz, t.e[q0:q1], net.Dec, d, t.r.user[q0:q1]) // Σ e_u W_u
	axpy(dz, sumE, net.Shared)
	f32.SigmoidGrad(dz, dz, h)
	return sse, sumE
}

// step trains one batch of items and returns its squared errors.
func (t *autorecTrainer) step(batch []int32) float64 {
	t.opt.next()
	sse := t.grad(batch, t.update)
	t.opt.step3(t.net.EncBias, t.mEB, t.vEB, t.gEB)
	t.opt.step3(t.net.Shared, t.mSh, t.vSh, t.gSh)
	return sse
}

// grad computes the batch's gradient: each item's pass (on the workers,
// an item each in turn), then each user range's users (t.work[c] lists
// them and their ratings in the batch; then, if not nil, runs on the
// worker that claimed the range, which alone reads and writes their
// rows, with that worker's scratch, and steps them, as update does;
// otherwise penalize writes their rows' gradients, penalty included, into
// gDec and gEnc), the encoder bias and the shared decoder row, which
// takes the share of the penalty of the batch's ratings among all. It
// returns the squared errors.
func (t *autorecTrainer) grad(batch []int32, then func(w *autorecWork, g []float32)) float64 {
	d := t.net.Hidden
	t.each(len(batch), func(_, k int) {
		t.sse[k], t.sumE[k] = t.itemGrad(batch[k], t.h[k*d:k*d+d], t.dz[k*d:k*d+d])
	})
	t.each(len(t.work), func(w, c int) {
		wk := &t.work[c]
		t.collect(batch, t.bounds[c], t.bounds[c+1], wk)
		if then != nil {
			then(wk, t.scratch[w])
		} else {
			t.penalize(wk)
		}
	})
	clear(t.gEB)
	clear(t.gSh)
	slots := t.slots[:len(batch)]
	f32.AddRowsAt(t.gEB, t.ones[:len(batch)], t.dz, d, slots)
	f32.AddRowsAt(t.gSh, t.sumE[:len(batch)], t.h, d, slots)
	var sse float64
	var n int
	for k, i := range batch {
		sse += t.sse[k]
		n += t.r.start[i+1] - t.r.start[i]
	}
	if share := t.l2 * float32(n) / t.nnz; share > 0 {
		axpy(t.gSh, share, t.net.Shared)
	}
	return sse
}

// autorecWork is one user range's users in a batch: the users it touched, in
// the order of their first rating in the batch, and each one's ratings in
// batch order, at [at[u] − inBatch[u], at[u]) of slot (the item's place
// in the batch), e (its error) and x (its input).
type autorecWork struct {
	touched []int32
	slot    []int32
	e, x    []float32
	span    [][2]int // each batch item's ratings by the range's users
}

// collect sets w to the users in [lo, hi) that the batch's items were
// rated by and their ratings, counts them in t.inBatch and sums their
// decoder biases' gradients in gDB, each one's share of the penalty
// (bias_l2/2)(c_u − μ)² added, μ the training mean where it starts.
func (t *autorecTrainer) collect(batch []int32, lo, hi int, w *autorecWork) {
	w.touched, w.span = w.touched[:0], w.span[:0]
	n := 0
	for _, i := range batch {
		raters := t.r.user[t.r.start[i]:t.r.start[i+1]]
		a, _ := slices.BinarySearch(raters, int32(lo))
		b, _ := slices.BinarySearch(raters, int32(hi))
		q0, q1 := t.r.start[i]+a, t.r.start[i]+b
		w.span = append(w.span, [2]int{q0, q1})
		for q := q0; q < q1; q++ {
			u := t.r.user[q]
			if t.inBatch[u] == 0 {
				w.touched = append(w.touched, u)
			}
			t.inBatch[u]++
			t.gDB[u] += t.e[q]
		}
		n += q1 - q0
	}
	var off int32
	for _, u := range w.touched {
		t.at[u] = off
		off += t.inBatch[u]
	}
	w.slot, w.e, w.x = slices.Grow(w.slot[:0], n)[:n], slices.Grow(w.e[:0], n)[:n], slices.Grow(w.x[:0], n)[:n]
	for k, sp := range w.span {
		for q := sp[0]; q < sp[1]; q++ {
			u := t.r.user[q]
			p := t.at[u]
			w.slot[p], w.e[p], w.x[p] = int32(k), t.e[q], t.r.x[q]
			t.at[u]++
		}
	}
	if t.biasL2 > 0 {
		for _, u := range w.touched {
			t.gDB[u] += t.biasL2 * float32(t.inBatch[u]) / t.perUser[u] * (t.net.DecBias[u] - t.mu)
		}
	}
}

// rowGrads adds to dec and enc (Hidden floats each) user u's gradients
// of the batch without the penalty, its ratings' terms in batch order:
// Σ e_ui h_i for the decoder row and Σ x_ui dz_i for the encoder's.
func (t *autorecTrainer) rowGrads(w *autorecWork, u int32, dec, enc []float32) {
	d := t.net.Hidden
	p0, p1 := t.at[u]-t.inBatch[u], t.at[u]
	f32.AddRowsAt(dec, w.e[p0:p1], t.h, d, w.slot[p0:p1])
	f32.AddRowsAt(enc, w.x[p0:p1], t.dz, d, w.slot[p0:p1])
}

// share returns user u's share of the penalty λ in the batch: λ n_ub/n_u.
func (t *autorecTrainer) share(u int32) float32 {
	return t.l2 * float32(t.inBatch[u]) / t.perUser[u]
}

// penalize sets the rows of gDec and gEnc (made at the first call) of the
// touched users to their gradients, their share of the penalty included.
func (t *autorecTrainer) penalize(w *autorecWork) {
	net, d := t.net, t.net.Hidden
	if t.gDec == nil {
		t.gDec, t.gEnc = make([]float32, len(net.Dec)), make([]float32, len(net.Enc))
	}
	for _, u := range w.touched {
		row := int(u) * d
		gd, ge := t.gDec[row:row+d], t.gEnc[row:row+d]
		clear(gd)
		clear(ge)
		t.rowGrads(w, u, gd, ge)
		if share := t.share(u); share > 0 {
			axpy(gd, share, net.Dec[row:row+d])
			axpy(ge, share, net.Enc[row:row+d])
		}
	}
}

// update takes an Adam step on the rows of the touched users, each row's
// gradient summed and its share of the penalty added within the step
// (optim.adamRowL2; g is the worker's scratch where that runs in Go), and
// clears the users' counts and bias gradients.
func (t *autorecTrainer) update(w *autorecWork, g []float32) {
	net, d := t.net, t.net.Hidden
	for _, u := range w.touched {
		row := int(u) * d
		share := t.share(u)
		p0, p1 := t.at[u]-t.inBatch[u], t.at[u]
		for _, p := range [2]struct {
			w, m, v, a, src []float32
		}{
			{net.Dec[row : row+d], t.mDec[row : row+d], t.vDec[row : row+d], w.e[p0:p1], t.h},
			{net.Enc[row : row+d], t.mEnc[row : row+d], t.vEnc[row : row+d], w.x[p0:p1], t.dz},
		} {
			if share > 0 {
				t.opt.adamRowL2(p.w, p.m, p.v, g, p.src, w.slot[p0:p1], p.a, share)
				continue
			}
			f32.AddRowsAt(g, p.a, p.src, d, w.slot[p0:p1])
			t.opt.step3(p.w, p.m, p.v, g)
			clear(g)
		}
		t.opt.step3(net.DecBias[u:u+1], t.mDB[u:u+1], t.vDB[u:u+1], t.gDB[u:u+1])
		t.gDB[u], t.inBatch[u] = 0, 0
	}
}

// axpy sets dst += a·x, each product rounded before its sum: dst less
// (-a)·x, which is the same in IEEE arithmetic.
func axpy(dst []float32, a float32, x []float32) { f32.SubScaled(dst, x, -a) }
