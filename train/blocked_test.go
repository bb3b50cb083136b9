package train

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/recnet/recnet/model"
)

// blockedConfig is a blocked fit of kind (dot: AdaGrad) on threads.
func blockedConfig(kind string, threads, epochs int) model.Config {
	return model.Config{Kind: kind, Training: model.Training{Schedule: model.ScheduleBlocked, Epochs: epochs, Patience: -1, Threads: threads},
		Settings: model.Settings{Dim: 8}}
}

// TestBlockedKnownAnswer trains dot (AdaGrad and SGD) and mf on the
// blocked schedule on data with known rank-4 factors and Gaussian noise, on
// one and three threads: the test RMSE must come within 15% of the noise
// floor, beat the bias baseline, and come within 5% of the shuffled
// schedule's (Adam for dot, mf's own SGD).
func TestBlockedKnownAnswer(t *testing.T) {
	s, truth := lowRankSplit(t, 0.25)
	fit := func(cfg model.Config) float64 {
		t.Helper()
		m, err := Fit(context.Background(), s, cfg)
		if err != nil {
			t.Fatal(err)
		}
		return m.Test(s.Test).RMSE
	}
	shuffled := map[string]float64{
		"dot": fit(model.Config{Training: model.Training{Epochs: 100, Patience: 5}, Settings: model.Settings{Dim: 8, L2: 1e-5}}),
		"mf":  fit(model.Config{Kind: "mf", Training: model.Training{Epochs: 100}, Settings: model.Settings{Dim: 8}}),
	}
	bm, _ := Fit(context.Background(), s, model.Config{Kind: "bias"})
	bias := bm.Test(s.Test).RMSE
	for _, tc := range []struct {
		kind, opt string
		lr        float64
		threads   int
	}{
		{"dot", "adagrad", 0, 1},
		{"dot", "adagrad", 0, 3},
		{"dot", "sgd", 0.03, 2}, // mf's rate
		{"mf", "sgd", 0, 1},
		{"mf", "sgd", 0, 2},
	} {
		cfg := blockedConfig(tc.kind, tc.threads, 100)
		cfg.Optimizer, cfg.LR = tc.opt, tc.lr
		if tc.opt == "sgd" {
			cfg.Patience = 20 // mf's: SGD's factors take a while to leave zero
		}
		got := fit(cfg)
		t.Logf("%s %s , %d threads: test RMSE %.4f, shuffled %.4f, noise floor %.4f, bias %.4f", tc.kind, tc.opt, tc.threads, got, shuffled[tc.kind], truth.Noise, bias)
		if got > 1.15*truth.Noise {
			t.Errorf("%s %s, %d threads: test RMSE %.4f is not within 15%% of the noise floor %.4f", tc.kind, tc.opt, tc.threads, got, truth.Noise)
		}
		if got >= bias {
			t.Errorf("%s %s, %d threads: test RMSE %.4f does not beat the bias baseline %.4f", tc.kind, tc.opt, tc.threads, got, bias)
		}
		if got > 1.05*shuffled[tc.kind] {
			t.Errorf("%s %s, %d threads: test RMSE %.4f is more than 5%% above the shuffled schedule's %.4f", tc.kind, tc.opt, tc.threads, got, shuffled[tc.kind])
		}
	}
}

// TestBlockedDeterministic: the blocked schedule gives the same bits
// (weights and every epoch's loss) for a seed and a thread count, on one
// thread and on three, where the threads' timing differs from run to run;
// another seed differs.
func TestBlockedDeterministic(t *testing.T) {
	s, _ := lowRankSplit(t, 0.25)
	for _, kind := range []string{"dot", "mf"} {
		for _, threads := range []int{1, 3} {
			cfg := blockedConfig(kind, threads, 4)
			fit := func(c model.Config) *model.Model {
				m, err := Fit(context.Background(), s, c)
				if err != nil {
					t.Fatal(err)
				}
				return m
			}
			a, b := fit(cfg), fit(cfg)
			sameWeights(t, a, b)
			for e := range a.History {
				if a.History[e].Loss != b.History[e].Loss {
					t.Errorf("%s, %d threads, epoch %d: loss %v then %v", kind, threads, e+1, a.History[e].Loss, b.History[e].Loss)
				}
			}
			cfg.Seed = 43
			if c := fit(cfg); slices.EqualFunc(a.Net.Params(), c.Net.Params(), func(x, y model.Param) bool { return slices.Equal(x.Data, y.Data) }) {
				t.Errorf("%s, %d threads: seeds 42 and 43 gave the same tables", kind, threads)
			}
		}
	}
}

// blockedKernelOf returns the blocked kernel of a dot fit's settings on s.
func blockedKernelOf(t *testing.T, threads int) *blockedKernel {
	t.Helper()
	s, _ := lowRankSplit(t, 0.25)
	cfg := blockedConfig("dot", threads, 1).WithDefaults()
	m := &model.Model{Config: cfg, Users: s.Users, Items: s.Items, Min: s.Min, Max: s.Max}
	net := model.NewDot(s.Users.Len(), s.Items.Len(), cfg)
	return newBlockedKernel(s, m, net.UserEmb, net.UserBias, net.ItemEmb, net.ItemBias, 0)
}

// TestBlockedVisitsEachRatingOnce: the ratings stored by block are the
// training ratings, each once, each in the block of its bands; an epoch's
// plan runs every block once, so every rating once.
func TestBlockedVisitsEachRatingOnce(t *testing.T) {
	s, _ := lowRankSplit(t, 0.25)
	k := blockedKernelOf(t, 3)
	if k.P < 4 {
		t.Fatalf("grid %d x %d on 3 threads, want at least 4 a side", k.P, k.P)
	}
	type pair struct{ u, i int32 }
	want := map[pair]int{}
	for j, u := range s.Train.User {
		want[pair{k.urow[u], k.irow[s.Train.Item[j]]}]++
	}
	P, users, items := k.P, len(k.urow), len(k.irow)
	for b := range P * P {
		for r := k.start[b]; r < k.start[b+1]; r++ {
			if got := int(k.us[r])*P/users*P + int(k.is[r])*P/items; got != b {
				t.Fatalf("rating %d (%d, %d) stored in block %d, its bands make %d", r, k.us[r], k.is[r], b, got)
			}
		}
	}
	var mu sync.Mutex
	got := map[pair]int{}
	p := plan(P, 3, k.start, rand.New(rand.NewPCG(1, 2)))
	err := p.run(context.Background(), 3, func(_, _ int, b int32) {
		mu.Lock()
		defer mu.Unlock()
		for r := k.start[b]; r < k.start[b+1]; r++ {
			got[pair{k.us[r], k.is[r]}]++
		}
	}, func() bool { return false })
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("an epoch visited %d distinct ratings, want %d", len(got), len(want))
	}
	for x, n := range want {
		if got[x] != n {
			t.Fatalf("rating (%d, %d) visited %d times in an epoch, want %d", x.u, x.i, got[x], n)
		}
	}
}

// TestBlockedSchedulerExclusive runs plans on several threads, blocks of
// uneven cost and a random delay each: no two blocks sharing a row band or
// a column band may run at once, every block runs once, and a band's
// blocks run in the planned order.
func TestBlockedSchedulerExclusive(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for _, tc := range []struct{ P, threads int }{{2, 1}, {4, 3}, {5, 4}, {9, 2}, {16, 8}} {
		start := make([]int, tc.P*tc.P+1)
		for b := range tc.P * tc.P {
			start[b+1] = start[b] + rng.IntN(500)
		}
		p := plan(tc.P, tc.threads, start, rng)
		var mu sync.Mutex
		rowBusy, colBusy := make([]int, tc.P), make([]int, tc.P)
		runs := make([]int, tc.P*tc.P)
		lastRow, lastCol := make([]int, tc.P), make([]int, tc.P)
		for k := range lastRow {
			lastRow[k], lastCol[k] = -1, -1
		}
		var bad []string
		enter := func(j int, b int32) {
			mu.Lock()
			defer mu.Unlock()
			r, c := int(b)/tc.P, int(b)%tc.P
			rowBusy[r]++
			colBusy[c]++
			runs[b]++
			if rowBusy[r] > 1 || colBusy[c] > 1 {
				bad = append(bad, "overlap")
			}
			if int(p.rowPrev[j]) != lastRow[r] || int(p.colPrev[j]) != lastCol[c] {
				bad = append(bad, "order")
			}
			lastRow[r], lastCol[c] = j, j
		}
		leave := func(b int32) {
			mu.Lock()
			defer mu.Unlock()
			rowBusy[int(b)/tc.P]--
			colBusy[int(b)%tc.P]--
		}
		seed := rng.Uint64()
		do := func(w, j int, b int32) {
			enter(j, b)
			spin := rand.New(rand.NewPCG(seed, uint64(j))).IntN(20000)
			x := 0
			for i := range spin {
				x += i
			}
			_ = x
			leave(b)
		}
		never := func() bool { return false }
		if err := p.run(context.Background(), tc.threads, do, never); err != nil {
			t.Fatal(err)
		}
		if len(bad) > 0 {
			t.Errorf("P %d, %d threads: %d violations, first %s", tc.P, tc.threads, len(bad), bad[0])
		}
		for b, n := range runs {
			if n != 1 {
				t.Errorf("P %d, %d threads: block %d ran %d times", tc.P, tc.threads, b, n)
			}
		}
	}
}

// TestBlockedStops: a progress callback's error (here a cancelled context)
// stops the epoch on several threads, and Fit returns it.
func TestBlockedStops(t *testing.T) {
	s, _ := lowRankSplit(t, 0.25)
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	_, err := Fit(ctx, s, blockedConfig("dot", 2, 5), WithProgress(func(Progress) {
		calls++
		cancel()
	}))
	if err == nil || ctx.Err() == nil {
		t.Fatalf("Fit after a cancel: error %v", err)
	}
	if calls != 1 {
		t.Errorf("progress called %d times after the cancel, want 1", calls)
	}
}

// TestBlockStepBits: blockStep (AVX2 where there is one) gives blockStepGo's
// bits, and its update is the gradient step it documents.
func TestBlockStepBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, n := range []int{8, 16, 40, 128} {
		p, q := make([]float32, n), make([]float32, n)
		for j := range p {
			p[j], q[j] = float32(rng.NormFloat64()), float32(rng.NormFloat64())
		}
		p2, q2 := slices.Clone(p), slices.Clone(q)
		p3, q3 := slices.Clone(p), slices.Clone(q)
		e, l2, ap, aq := float32(0.7), float32(0.01), float32(0.05), float32(0.03)
		sp, sq := blockStep(p, q, e, l2, ap, aq)
		gp, gq := blockStepGo(p2, q2, e, l2, ap, aq)
		if math.Float32bits(sp) != math.Float32bits(gp) || math.Float32bits(sq) != math.Float32bits(gq) {
			t.Errorf("n %d: sums %v %v, Go %v %v", n, sp, sq, gp, gq)
		}
		var want float64
		for j := range p {
			if math.Float32bits(p[j]) != math.Float32bits(p2[j]) || math.Float32bits(q[j]) != math.Float32bits(q2[j]) {
				t.Fatalf("n %d, element %d: %v %v, Go %v %v", n, j, p[j], q[j], p2[j], q2[j])
			}
			g := float64(l2)*float64(p3[j]) - float64(e)*float64(q3[j])
			want += g * g
			if d := float64(p3[j]) - float64(ap)*g - float64(p[j]); math.Abs(d) > 1e-5 {
				t.Fatalf("n %d, element %d: p %v, want %v", n, j, p[j], float64(p3[j])-float64(ap)*g)
			}
		}
		if math.Abs(float64(sp)-want) > 1e-4*want {
			t.Errorf("n %d: sum of squares %v, want %v", n, sp, want)
		}
	}
}

// TestGridSize: at least threads+1 a side, blocks' rows within the cache
// budget unless blocks would hold too few ratings, never more bands than
// users or items.
func TestGridSize(t *testing.T) {
	for _, tc := range []struct{ users, items, stride, threads, n, want int }{
		{162541, 59047, 48, 2, 20_000_000, 82},       // ml25m, dim 32: 42 MB of rows
		{610, 9724, 32, 1, 80_000, 3},                // ml-latest-small: 1.3 MB
		{400, 120, 16, 3, 19_000, 4},                 // threads+1
		{3, 2, 16, 8, 6, 2},                          // the fewer of users and items
		{1_000_000, 1_000_000, 48, 2, 1_000_000, 31}, // sparse: 1024 ratings a block
	} {
		if got := gridSize(tc.users, tc.items, tc.stride, tc.threads, tc.n); got != tc.want {
			t.Errorf("gridSize(%d, %d, %d, %d, %d) = %d, want %d", tc.users, tc.items, tc.stride, tc.threads, tc.n, got, tc.want)
		}
	}
}
