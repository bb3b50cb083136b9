package train

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

// The blocked schedule (model.Config.Schedule "blocked") trains dot and
// mf as LIBMF does (Chin, Zhuang, Juan, Lin, ACM TIST 2015; PAKDD 2015):
//
//   - users and items are renumbered by a seeded permutation and cut into
//     P bands each, so that the ratings form a P x P grid of blocks, P at
//     least threads+1 and large enough for a block's user and item rows to
//     fit in blockCache (gridSize);
//   - the training ratings are stored block after block, each block's
//     sorted by the more numerous of user and item, once for the fit;
//   - an epoch runs every block once, a thread taking a block that shares
//     no band with the running ones (blockPlan: deterministic for a seed
//     and a thread count);
//   - each rating updates its user's and item's rows at once: row-wise
//     AdaGrad as LIBMF's (one accumulator a row, starting at 1 on ratings
//     of unit range, so at (max-min)^-3 on ratings scaled to [0,1], where
//     a gradient is (max-min)^-1.5 times as large; each step
//     scaled by the accumulator before it, which then adds the mean
//     square of the step's gradient) or plain SGD, on the gradient of
//     (r - y)² + l2 (|p|² + |q|²) halved; the biases (which LIBMF has not)
//     take the same step with their own accumulators and bias_l2.
//
// The row step is blockStep, in AVX2 where the processor has it with the
// Go loop's bits.

// blockCache is the bytes a block's user and item rows may take: half of
// a 1 MiB L2 cache, leaving room for its ratings and the other core.
const blockCache = 512 << 10

// minBlockRatings bounds the grid from above: past it, blocks of fewer
// ratings than this on average cost more in scheduling than they gain.
const minBlockRatings = 1024

// blockedKernel trains a dot or mf net on the blocked schedule. Row r of
// users (items) is the user (item) renumbered r: w[0:span] | b G Gb |
// padding, span the dimension rounded up to 8 (the padding zero), G the
// row's AdaGrad accumulator and Gb its bias's.
type blockedKernel struct {
	dim, span, stride int
	users, items      []float32
	urow, irow        []int32 // the packed row of each user and item
	ada               bool    // AdaGrad, else SGD
	lr, l2, bl2       float32
	mu                float32 // the fixed global mean of mf; 0 for dot
	threads           int
	P                 int
	us, is            []int32 // the training ratings block after block (packed rows)
	ts                []float32
	start             []int // block b holds ratings start[b]:start[b+1]
	sse               []float64
	rng               *rand.Rand
	// the net's tables, which store writes
	uemb, ubias, iemb, ibias []float32
}

// newBlockedKernel packs the tables of a net (emb and bias for users,
// then for items) and groups the training ratings of s by block.
func newBlockedKernel(s *dataset.Split, m *model.Model, uemb, ubias, iemb, ibias []float32, mu float32) *blockedKernel {
	cfg := m.Config
	d := cfg.Dim
	span := (d + 7) &^ 7
	l2, bl2 := cfg.PositiveL2()
	k := &blockedKernel{
		dim: d, span: span, stride: (span + 3 + 15) &^ 15, ada: cfg.Optimizer == "adagrad",
		lr: float32(cfg.LR), l2: float32(l2), bl2: float32(bl2), mu: mu, threads: max(cfg.Threads, 1),
		rng:  rand.New(rand.NewPCG(cfg.Seed, 0xb10c)),
		uemb: uemb, ubias: ubias, iemb: iemb, ibias: ibias,
	}
	users, items := s.Users.Len(), s.Items.Len()
	k.urow, k.irow = permutation(k.rng, users), permutation(k.rng, items)
	g0 := float32(1)
	if !cfg.NoScale && m.Max > m.Min {
		g0 = float32(math.Pow(m.Max-m.Min, -3))
	}
	k.users, k.items = k.pack(uemb, ubias, k.urow, g0), k.pack(iemb, ibias, k.irow, g0)
	adviseHuge(k.users)
	adviseHuge(k.items)
	k.P = gridSize(users, items, k.stride, k.threads, s.Train.Len())
	k.group(s.Train, m.ScaleRatings(s.Train), users > items)
	return k
}

// permutation returns a random permutation of 0..n-1 drawn from rng.
func permutation(rng *rand.Rand, n int) []int32 {
	p := make([]int32, n)
	for k := range p {
		p[k] = int32(k)
	}
	rng.Shuffle(n, func(i, j int) { p[i], p[j] = p[j], p[i] })
	return p
}

// gridSize returns P for a table of users x items whose packed rows take
// stride floats, trained on threads threads with n ratings: the least P
// (at least threads+1) whose block's rows fit in blockCache, unless that
// leaves blocks of fewer than minBlockRatings ratings on average, and at
// most the fewer of users and items.
func gridSize(users, items, stride, threads, n int) int {
	bytes := float64(users+items) * float64(stride) * 4
	P := int(math.Ceil(bytes / blockCache))
	P = min(P, int(math.Sqrt(float64(n)/minBlockRatings)))
	P = max(P, threads+1)
	return max(1, min(P, users, items))
}

// pack returns the packed rows of a table: row[r] holds emb's row r and
// bias[r], with both accumulators at g0.
func (k *blockedKernel) pack(emb, bias []float32, row []int32, g0 float32) []float32 {
	d, s := k.dim, k.span
	t := make([]float32, len(bias)*k.stride)
	for r, b := range bias {
		w := t[int(row[r])*k.stride:]
		copy(w[:d], emb[r*d:(r+1)*d])
		w[s], w[s+1], w[s+2] = b, g0, g0
	}
	return t
}

// unpack copies packed rows back into a table and its biases.
func (k *blockedKernel) unpack(t, emb, bias []float32, row []int32) {
	d, s := k.dim, k.span
	for r := range bias {
		w := t[int(row[r])*k.stride:]
		copy(emb[r*d:(r+1)*d], w[:d])
		bias[r] = w[s]
	}
}

// group stores the ratings (targets ts) block after block, each block's
// sorted by packed user row when byUser is set, else by item row, ties in
// the order of r.
func (k *blockedKernel) group(r dataset.Ratings, ts []float32, byUser bool) {
	n, P := r.Len(), k.P
	users, items := len(k.urow), len(k.irow)
	key, size := k.irow, items
	if byUser {
		key, size = k.urow, users
	}
	keyOf := r.Item
	if byUser {
		keyOf = r.User
	}
	// First by row (a counting sort), then by block (a stable one).
	at := make([]int, size+1)
	for _, x := range keyOf {
		at[key[x]+1]++
	}
	for j := range size {
		at[j+1] += at[j]
	}
	byRow := make([]int32, n)
	for j, x := range keyOf {
		byRow[at[key[x]]] = int32(j)
		at[key[x]]++
	}
	block := func(j int32) int {
		return int(k.urow[r.User[j]])*P/users*P + int(k.irow[r.Item[j]])*P/items
	}
	k.start = make([]int, P*P+1)
	for _, j := range byRow {
		k.start[block(j)+1]++
	}
	for b := range P * P {
		k.start[b+1] += k.start[b]
	}
	next := append([]int(nil), k.start[:P*P]...)
	k.us, k.is, k.ts = make([]int32, n), make([]int32, n), make([]float32, n)
	for _, j := range byRow {
		b := block(j)
		o := next[b]
		next[b]++
		k.us[o], k.is[o], k.ts[o] = k.urow[r.User[j]], k.irow[r.Item[j]], ts[j]
	}
	k.sse = make([]float64, P*P)
}

// rows returns the packed rows of (u, i), renumbered.
func (k *blockedKernel) rows(u, i int32) (p, q []float32) {
	o, v := int(u)*k.stride, int(i)*k.stride
	return k.users[o : o+k.stride : o+k.stride], k.items[v : v+k.stride : v+k.stride]
}

// predict returns mu + b_u + b_i + <p, q> from packed rows.
func (k *blockedKernel) predict(p, q []float32) float32 {
	s := k.span
	return k.mu + p[s] + q[s] + model.Dot32(p[:s], q[:s])
}

// score returns the current prediction of (u, i), ids of the net.
func (k *blockedKernel) score(u, i int32) float32 { return k.predict(k.rows(k.urow[u], k.irow[i])) }

// block trains on the ratings of block b and returns their squared errors
// before each step.
func (k *blockedKernel) block(b int32) float64 {
	lo, hi := k.start[b], k.start[b+1]
	us, is, ts := k.us[lo:hi], k.is[lo:hi], k.ts[lo:hi]
	is, ts = is[:len(us)], ts[:len(us)]
	s := k.span
	lr, l2, bl2 := k.lr, k.l2, k.bl2
	inv := 1 / float32(k.dim)
	var sse float64
	for r, u := range us {
		p, q := k.rows(u, is[r])
		e := ts[r] - k.predict(p, q)
		sse += float64(e * e)
		gu, gi := float32(bl2*p[s])-e, float32(bl2*q[s])-e
		if !k.ada {
			blockStep(p[:s], q[:s], e, l2, lr, lr)
			p[s] -= float32(lr * gu)
			q[s] -= float32(lr * gi)
			continue
		}
		sp, sq := blockStep(p[:s], q[:s], e, l2, lr/sqrt32(p[s+1]), lr/sqrt32(q[s+1]))
		p[s+1] += float32(sp * inv)
		q[s+1] += float32(sq * inv)
		p[s] -= float32(lr / sqrt32(p[s+2]) * gu)
		q[s] -= float32(lr / sqrt32(q[s+2]) * gi)
		p[s+2] += float32(gu * gu)
		q[s+2] += float32(gi * gi)
	}
	return sse
}

func sqrt32(x float32) float32 { return float32(math.Sqrt(float64(x))) }

// blockStepGo is blockStep in Go: for each j < len(p) (a multiple of 8),
// with gp = l2 p[j] - e q[j] and gq = l2 q[j] - e p[j] (each product
// rounded before the difference), p[j] -= ap gp and q[j] -= aq gq; it
// returns the sums of gp² and of gq², each summed in eight lanes (lane
// j mod 8) that are then added as ((l0+l4) + (l2+l6)) + ((l1+l5) +
// (l3+l7)).
func blockStepGo(p, q []float32, e, l2, ap, aq float32) (sp, sq float32) {
	q = q[:len(p)]
	var a, c [8]float32
	for j, x := range p {
		y := q[j]
		gp := float32(l2*x) - float32(e*y)
		gq := float32(l2*y) - float32(e*x)
		a[j&7] += float32(gp * gp)
		c[j&7] += float32(gq * gq)
		p[j] = x - float32(ap*gp)
		q[j] = y - float32(aq*gq)
	}
	return lanes8(a), lanes8(c)
}

// lanes8 adds eight lanes in the order blockStep's assembly does.
func lanes8(l [8]float32) float32 {
	t0, t1, t2, t3 := l[0]+l[4], l[1]+l[5], l[2]+l[6], l[3]+l[7]
	return (t0 + t2) + (t1 + t3)
}

// epoch trains every block once and returns the sum of the squared
// errors, added in the plan's order. after, when not nil, is called on
// the calling goroutine every few blocks with the blocks every goroutine
// has done, and the ratings and squared errors of the calling goroutine's
// blocks (a sample of the epoch's loss); an error from it stops the epoch.
func (k *blockedKernel) epoch(ctx context.Context, after func(blocks, rows int, sse float64) error) (float64, error) {
	clear(k.sse)
	var (
		err            error
		done           atomic.Int64 // blocks done by every goroutine
		reported, rows int
		part           float64
	)
	every := max(1, k.P*k.P/64)
	do := func(w, j int, b int32) {
		k.sse[j] = k.block(b)
		done.Add(1)
		if w == 0 {
			rows, part = rows+k.start[b+1]-k.start[b], part+k.sse[j]
		}
	}
	stop := func() bool {
		blocks := int(done.Load())
		if after == nil || blocks-reported < every {
			return false
		}
		reported = blocks
		err = after(blocks, rows, part)
		return err != nil
	}
	rerr := plan(k.P, k.threads, k.start, k.rng).run(ctx, k.threads, do, stop)
	var sse float64
	for _, x := range k.sse {
		sse += x
	}
	if rerr != nil {
		return sse, rerr
	}
	return sse, err
}

// fitBlocked trains m's net, whose tables k packs, on the blocked
// schedule: epochs with validation, progress and early stopping as loop
// does (see Fit).
func fitBlocked(ctx context.Context, s *dataset.Split, m *model.Model, k *blockedKernel, o *Options) error {
	cfg := m.Config
	val := newValidation(s, m)
	n := len(k.us)
	blocks := k.P * k.P
	st := newStopper(m, k, val, nil, o, blocks)
	for epoch := 1; epoch <= cfg.Epochs; epoch++ {
		start := time.Now()
		sse, err := k.epoch(ctx, func(b, rows int, sse float64) error {
			if o.Progress != nil {
				o.Progress(Progress{Epoch: epoch, Epochs: cfg.Epochs, Batch: b, Batches: blocks, Loss: sse / float64(max(1, rows))})
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("train: %w", err)
		}
		if stop, err := st.end(epoch, sse/float64(n), start); err != nil || stop {
			return err
		}
	}
	st.finish()
	return nil
}

// store writes the current weights into the net's tables.
func (k *blockedKernel) store() {
	k.unpack(k.users, k.uemb, k.ubias, k.urow)
	k.unpack(k.items, k.iemb, k.ibias, k.irow)
}
