package train_test

import (
	"context"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/eval"
	"github.com/recnet/recnet/model"
	"github.com/recnet/recnet/train"
)

// bestByNDCG returns the epoch (0 for the initial weights) of the highest
// validation NDCG, the earliest of equals: the one ranking stopping keeps.
func bestByNDCG(m *model.Model) int {
	best, at := m.Initial.ValNDCG, 0
	for _, e := range m.History {
		if e.ValNDCG > best {
			best, at = e.ValNDCG, e.Epoch
		}
	}
	return at
}

// TestRankStopping: on the implicit task dot records each epoch's
// validation NDCG@10, keep the epoch of the highest and stop Patience
// epochs after it; mlp (cross-entropy) and the rating task record none.
// Two fits, on one and on two goroutines, give the same bits.
func TestRankStopping(t *testing.T) {
	s := clusterSplit(t)
	implicit := model.Training{Task: model.TaskImplicit, LR: 0.01, Epochs: 40, Patience: 3}
	for _, kind := range []string{"dot"} {
		t.Run(kind, func(t *testing.T) {
			cfg := model.Config{Kind: kind, Training: implicit, Settings: model.Settings{Dim: 8}}
			m := fitProcs(t, s, cfg, 1)
			if m.Initial == nil || !(m.Initial.ValNDCG >= 0 && m.Initial.ValNDCG <= 1) {
				t.Fatalf("initial validation NDCG %+v, want one in [0, 1]", m.Initial)
			}
			for _, e := range m.History {
				if !(e.ValNDCG >= 0 && e.ValNDCG <= 1) {
					t.Errorf("epoch %d: validation NDCG %v, want one in [0, 1]", e.Epoch, e.ValNDCG)
				}
			}
			if want := bestByNDCG(m); m.BestEpoch != want {
				t.Errorf("best epoch %d, want %d (the highest validation NDCG)", m.BestEpoch, want)
			}
			if n := len(m.History); n != cfg.Epochs && n != m.BestEpoch+cfg.Patience {
				t.Errorf("trained %d epochs, best %d: want %d epochs, or patience %d past the best", n, m.BestEpoch, cfg.Epochs, cfg.Patience)
			}
			if last := m.History[m.BestEpoch-1].ValNDCG; last < 0.5 {
				t.Errorf("best validation NDCG %.3f: the groups are not learned", last)
			}
			again := fitProcs(t, s, cfg, 2)
			if !slices.Equal(epochBits(m.History), epochBits(again.History)) || !slices.Equal(paramBits(m), paramBits(again)) {
				t.Error("a second fit on two goroutines gave other bits")
			}
		})
	}
	for name, cfg := range map[string]model.Config{
		"mlp-implicit": {Kind: "mlp", Training: implicit, Settings: model.Settings{Dim: 8, Layers: "8"}},
		"dot-rating":   {Kind: "dot", Training: model.Training{Epochs: 3, Patience: 3}},
	} {
		m := fitProcs(t, s, cfg, 2)
		for _, e := range append([]model.Epoch{*m.Initial}, m.History...) {
			if !math.IsNaN(e.ValNDCG) {
				t.Errorf("%s: epoch %d has validation NDCG %v, want NaN (not measured)", name, e.Epoch, e.ValNDCG)
			}
		}
	}
}

// fitProcs fits cfg on s with GOMAXPROCS procs.
func fitProcs(t *testing.T, s *dataset.Split, cfg model.Config, procs int) *model.Model {
	t.Helper()
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
	m, err := train.Fit(context.Background(), s, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// epochBits returns the history's validation figures as bits.
func epochBits(h []model.Epoch) []uint64 {
	var out []uint64
	for _, e := range h {
		out = append(out, math.Float64bits(e.Loss), math.Float64bits(e.ValLoss), math.Float64bits(e.ValNDCG))
	}
	return out
}

// paramBits returns the bits of every table of m's net.
func paramBits(m *model.Model) []uint32 {
	var out []uint32
	for _, p := range m.Net.Params() {
		for _, v := range p.Data {
			out = append(out, math.Float32bits(v))
		}
	}
	return out
}

// TestRankStoppingRealData: on ml-latest-small, dot at dim 64, L2 1e-5,
// lr 0.002, 8 negatives and patience 5. Early stopping on validation cross-entropy
// would keep an early epoch; stopping on validation NDCG@10 trains on,
// and its model ranks the test part better than that epoch's model (the
// same fit cut there) and than most popular.
func TestRankStoppingRealData(t *testing.T) {
	if testing.Short() {
		t.Skip("short: skips the real-data test")
	}
	ctx := context.Background()
	d, err := dataset.Load(ctx, mlsRatings(t), dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := dataset.SplitRandom(d, dataset.Fractions{}, 42)
	if err != nil {
		t.Fatal(err)
	}
	cfg := model.Config{Training: model.Training{Task: model.TaskImplicit, LR: 0.002, Negatives: 8, Epochs: 30, Patience: 5},
		Settings: model.Settings{Dim: 64, L2: 1e-5}}
	ranked, err := train.Fit(ctx, s, cfg, train.WithoutSeen())
	if err != nil {
		t.Fatal(err)
	}
	// Where patience 5 on validation cross-entropy stops, from the same
	// history (the weights do not depend on the criterion until it stops).
	ce, best, bad := 0, ranked.Initial.ValLoss, 0
	for _, e := range ranked.History {
		if e.ValLoss < best {
			ce, best, bad = e.Epoch, e.ValLoss, 0
		} else if bad++; bad >= cfg.Patience {
			break
		}
	}
	if ranked.BestEpoch <= ce || ce == 0 {
		t.Fatalf("cross-entropy keeps epoch %d, NDCG epoch %d: want a later NDCG epoch", ce, ranked.BestEpoch)
	}
	cut := cfg
	cut.Epochs, cut.Patience = ce, -1
	early, err := train.Fit(ctx, s, cut, train.WithoutSeen())
	if err != nil {
		t.Fatal(err)
	}
	items := s.Items.Len()
	seen := dataset.Concat(s.Train, s.Valid)
	o := eval.RankingOptions{K: 10, Relevant: math.Inf(-1)}
	r := eval.Ranking(ranked.Net, seen, s.Test, items, o)
	e := eval.Ranking(early.Net, seen, s.Test, items, o)
	p := eval.Ranking(eval.MostPopular(dataset.Concat(s.Train, s.Valid), items), seen, s.Test, items, o)
	t.Logf("test NDCG@10: NDCG stopping %.4f (epoch %d), cross-entropy stopping %.4f (epoch %d), most popular %.4f", r.NDCG, ranked.BestEpoch, e.NDCG, ce, p.NDCG)
	if !(r.NDCG > e.NDCG && r.NDCG > p.NDCG) {
		t.Errorf("NDCG stopping's test NDCG@10 %.4f does not beat cross-entropy stopping's %.4f and most popular's %.4f", r.NDCG, e.NDCG, p.NDCG)
	}
}

// TestPatienceHelpBounds: --patience's help states the bounds of the
// ranking validation.
func TestPatienceHelpBounds(t *testing.T) {
	s, ok := model.LookupSetting("patience")
	if !ok {
		t.Fatal("no patience setting")
	}
	for _, want := range []string{"NDCG@" + strconv.Itoa(train.RankK), "at most " + strconv.Itoa(train.RankUsers) + " validation users"} {
		if !strings.Contains(s.Help, want) {
			t.Errorf("--patience help %q does not say %q", s.Help, want)
		}
	}
}
