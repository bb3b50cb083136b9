package train

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

// fitThreads trains the default dot model for a few epochs on threads
// goroutines.
func fitThreads(t *testing.T, s *dataset.Split, threads, epochs int) *model.Model {
	t.Helper()
	m, err := Fit(context.Background(), s, model.Config{Training: model.Training{Epochs: epochs, Patience: -1, Threads: threads}, Settings: model.Settings{Dim: 8, L2: 1e-5}})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// sameWeights reports the first weight where a and b differ in any bit.
func sameWeights(t *testing.T, a, b *model.Model) {
	t.Helper()
	for p, pa := range a.Net.Params() {
		pb := b.Net.Params()[p]
		for j := range pa.Data {
			if math.Float32bits(pa.Data[j]) != math.Float32bits(pb.Data[j]) {
				t.Fatalf("%s[%d]: %v then %v", pa.Name, j, pa.Data[j], pb.Data[j])
			}
		}
	}
}

// TestThreadsBeatBias trains on two goroutines on rank-4 data: the test
// RMSE must beat the bias baseline by a clear margin and come close to one
// thread's.
func TestThreadsBeatBias(t *testing.T) {
	s, truth := lowRankSplit(t, 0.25)
	one, two := fitThreads(t, s, 1, 40), fitThreads(t, s, 2, 40)
	r1, r2 := one.Test(s.Test).RMSE, two.Test(s.Test).RMSE
	_, bias := model.Baselines(two, s)
	b := bias.Test(s.Test).RMSE
	t.Logf("test RMSE: 2 threads %.4f, 1 thread %.4f, bias %.4f, noise %.4f", r2, r1, b, truth.Noise)
	if r2 > 0.8*b {
		t.Errorf("2 threads: test RMSE %.4f is not 20%% below the bias baseline %.4f", r2, b)
	}
	if math.Abs(r2-r1) > 0.05*r1 {
		t.Errorf("2 threads: test RMSE %.4f is more than 5%% away from one thread's %.4f", r2, r1)
	}
}

// TestThreadsDeterministic: one thread (and 0, its default) and two threads
// (blocks share no row) each give the same weights bit for bit from a seed.
func TestThreadsDeterministic(t *testing.T) {
	s, _ := lowRankSplit(t, 0.25)
	zero := fitThreads(t, s, 0, 3)
	sameWeights(t, zero, fitThreads(t, s, 1, 3))
	two := fitThreads(t, s, 2, 3)
	sameWeights(t, two, fitThreads(t, s, 2, 3))
	if two.History[2].Loss == zero.History[2].Loss {
		t.Error("2 threads gave the same loss as one: the parallel path did not run")
	}
}

// TestBalance: the groups' rating counts differ by at most the largest
// single count, and every id has a group.
func TestBalance(t *testing.T) {
	ids := []int32{0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 6}
	for _, T := range []int{1, 2, 3} {
		g := balance(ids, 8, T)
		load := make([]int, T)
		for _, id := range ids {
			load[g[id]]++
		}
		lo, hi := load[0], load[0]
		for _, l := range load {
			lo, hi = min(lo, l), max(hi, l)
		}
		if hi-lo > 5 {
			t.Errorf("T=%d: group loads %v", T, load)
		}
		for id, b := range g {
			if int(b) >= T {
				t.Errorf("T=%d: id %d in group %d", T, id, b)
			}
		}
	}
}

// TestFloorPredicts: the floor pass writes the output Model.PredictInner
// gives (on the training scale), for one and two goroutines.
func TestFloorPredicts(t *testing.T) {
	s, _ := lowRankSplit(t, 0.25)
	for _, opt := range []string{"adam", "adagrad", "sgd"} {
		cfg := model.Config{Training: model.Training{Epochs: 2, Patience: -1, Optimizer: opt}, Settings: model.Settings{Dim: 8, L2: 1e-5}}
		m, err := Fit(context.Background(), s, cfg)
		if err != nil {
			t.Fatal(err)
		}
		k := newDotKernel(m.Net.(*model.Dot), m.Config)
		us, is := s.Test.User, s.Test.Item
		for _, threads := range []int{1, 2} {
			out := make([]float32, len(us))
			k.floor(us, is, out, 256, threads)
			for r := range us {
				want := m.PredictInner(us[r], is[r])
				if got := m.FromScale(out[r]); math.Abs(got-want) > 1e-9 {
					t.Fatalf("%s, threads %d row %d: floor %v, Predict %v", opt, threads, r, got, want)
				}
			}
		}
	}
}

// TestWriteFloorUnchanged: the write floor touches every line an update
// does and leaves every bit of the tables as it was.
func TestWriteFloorUnchanged(t *testing.T) {
	s, _ := lowRankSplit(t, 0.25)
	for _, opt := range []string{"adam", "adagrad"} {
		cfg := model.Config{Training: model.Training{Optimizer: opt}, Settings: model.Settings{Dim: 20}}.WithDefaults()
		k := newDotKernel(model.NewDot(s.Users.Len(), s.Items.Len(), cfg), cfg)
		before := append([]float32(nil), k.users.data...)
		k.writeFloor(s.Train.User, s.Train.Item, 64)
		for j := range before {
			if math.Float32bits(before[j]) != math.Float32bits(k.users.data[j]) {
				t.Fatalf("%s: float %d changed", opt, j)
			}
		}
	}
}

// TestMeasureEpoch runs the measurement on small data: one record per
// thread count, positive times, a finite loss.
func TestMeasureEpoch(t *testing.T) {
	s, _ := lowRankSplit(t, 0.25)
	res, err := MeasureEpoch(s, model.Config{Settings: model.Settings{Dim: 8}}, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 2 || res[0].Threads != 1 || res[1].Threads != 2 {
		t.Fatalf("got %+v", res)
	}
	for _, r := range res {
		if r.Epoch <= 0 || r.Floor <= 0 || !(r.Loss > 0) || math.IsInf(r.Loss, 0) {
			t.Errorf("got %+v", r)
		}
	}
	if res[0].WriteFloor <= 0 || res[1].WriteFloor != 0 {
		t.Errorf("write floor: %v on 1 thread, %v on 2 (want positive, then 0)", res[0].WriteFloor, res[1].WriteFloor)
	}
	ials, err := MeasureEpoch(s, model.Config{Kind: "ials", Settings: model.Settings{Dim: 8}}, 1, 2)
	if err != nil || len(ials) != 2 || ials[1].Threads != 2 {
		t.Fatalf("ials: %+v, %v", ials, err)
	}
	for _, r := range ials {
		if r.Epoch <= 0 || r.Floor <= 0 || !(r.Loss > 0) || math.IsInf(r.Loss, 0) || r.WriteFloor != 0 {
			t.Errorf("ials: got %+v", r)
		}
	}
	if _, err := MeasureEpoch(s, model.Config{Kind: "bias"}, 1); err == nil {
		t.Error("bias: no error")
	}
}

// TestThreadsBCE: the workers of a parallel epoch train with binary
// cross-entropy when the kernel does (its loss near ln 2 per row at the
// start, where squared error would be near 0.25).
func TestThreadsBCE(t *testing.T) {
	cfg := model.Config{Training: model.Training{Threads: 2}, Settings: model.Settings{Dim: 8, Activation: model.Sigmoid}}.WithDefaults()
	k := newDotKernel(model.NewDot(50, 20, cfg), cfg)
	k.bce = true
	var us, is []int32
	var ts []float32
	for u := range int32(50) {
		for i := range int32(20) {
			us, is, ts = append(us, u), append(is, i), append(ts, float32((u+i)%2))
		}
	}
	sse, err := k.epoch(us, is, ts, 64, nil)
	if err != nil {
		t.Fatal(err)
	}
	if loss := sse / float64(len(us)); loss < 0.6 || loss > 0.8 {
		t.Errorf("mean loss %.4f, want about ln 2 = 0.693", loss)
	}
}

// TestThreadsCancel: a cancelled context stops a parallel epoch with the
// context's error.
func TestThreadsCancel(t *testing.T) {
	s, _ := lowRankSplit(t, 0.25)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Fit(ctx, s, model.Config{Training: model.Training{Epochs: 5, Threads: 2}, Settings: model.Settings{Dim: 8}})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}

// TestGroupRounds: for grids finer than the thread count, the rounds hold
// every row exactly once, and within a round no two workers share a user or
// an item.
func TestGroupRounds(t *testing.T) {
	s, _ := lowRankSplit(t, 0.25)
	us, is := s.Train.User, s.Train.Item
	ts := make([]float32, len(us))
	for r := range ts {
		ts[r] = float32(r) // identifies the row
	}
	for _, g := range []struct{ T, P int }{{2, 2}, {2, 8}, {3, 6}, {4, 4}} {
		cfg := model.Config{Training: model.Training{Threads: g.T}, Settings: model.Settings{Dim: 4}}.WithDefaults()
		k := newDotKernel(model.NewDot(s.Users.Len(), s.Items.Len(), cfg), cfg)
		k.par.grid = g.P
		k.par.workers[0] = k.fork()
		k.par.group(us, is, ts)
		p := k.par
		for b := range g.P * g.P {
			for j := p.start[b] + 1; j < p.start[b+1]; j++ {
				if p.ts[j] <= p.ts[j-1] {
					t.Fatalf("T %d P %d block %d: row %v after row %v: not in epoch order", g.T, g.P, b, p.ts[j], p.ts[j-1])
				}
			}
		}
		seen := make([]bool, len(us))
		for r := range g.P {
			owner := map[[2]int32]int{} // {0,user} or {1,item} -> worker
			for w := range g.T {
				lo, hi := p.start[r*g.P+w*g.P/g.T], p.start[r*g.P+(w+1)*g.P/g.T]
				for j := lo; j < hi; j++ {
					row := int(p.ts[j])
					if seen[row] || p.us[j] != us[row] || p.is[j] != is[row] {
						t.Fatalf("T %d P %d: row %d repeated or changed", g.T, g.P, row)
					}
					seen[row] = true
					for _, key := range [][2]int32{{0, p.us[j]}, {1, p.is[j]}} {
						if o, ok := owner[key]; ok && o != w {
							t.Fatalf("T %d P %d round %d: %v trained by workers %d and %d", g.T, g.P, r, key, o, w)
						}
						owner[key] = w
					}
				}
			}
		}
		for row, ok := range seen {
			if !ok {
				t.Fatalf("T %d P %d: row %d never trained", g.T, g.P, row)
			}
		}
	}
}

// TestFineGridBeatsBias trains two workers on an 8 x 8 grid (what large
// tables get): it must still beat the bias baseline clearly, and be
// deterministic.
func TestFineGridBeatsBias(t *testing.T) {
	s, _ := lowRankSplit(t, 0.25)
	fit := func() *model.Model {
		m := &model.Model{Config: model.Config{Training: model.Training{Epochs: 40, Patience: -1, Threads: 2}, Settings: model.Settings{Dim: 8, L2: 1e-5}}.WithDefaults(), Users: s.Users, Items: s.Items, Min: s.Min, Max: s.Max}
		net := model.NewDot(s.Users.Len(), s.Items.Len(), m.Config)
		m.Net = net
		mu := model.FitMean(m.ScaleRatings(s.Train)).Mu // as fitDot starts
		for i := range net.ItemBias {
			net.ItemBias[i] = mu
		}
		clear(net.UserBias)
		k := newDotKernel(net, m.Config)
		k.par.grid = 8
		if err := loop(context.Background(), s, m, dotEpochs{k, net}, &Options{every: 16}); err != nil {
			t.Fatal(err)
		}
		return m
	}
	a := fit()
	sameWeights(t, a, fit())
	_, bias := model.Baselines(a, s)
	got, b := a.Test(s.Test).RMSE, bias.Test(s.Test).RMSE
	t.Logf("8 x 8 grid: test RMSE %.4f, bias %.4f", got, b)
	if got > 0.8*b {
		t.Errorf("test RMSE %.4f is not 20%% below the bias baseline %.4f", got, b)
	}
}
