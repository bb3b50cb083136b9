package train_test

import (
	"context"
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/eval"
	"github.com/recnet/recnet/model"
	"github.com/recnet/recnet/train"
)

// clusterSplit makes implicit data with a known answer
// (dataset.GeneratePlanted): 4 groups of 100 users, each interacting only
// with its own 8 of 32 items (5 of them, rated 3 to 5), every item about
// equally popular overall, split at random 0.8, 0.1, 0.1. A user's
// held-out item is always one of its group's 8, so a model that learned
// the groups puts it in the top 10 nearly always, while popularity can
// only guess.
func clusterSplit(t testing.TB) *dataset.Split {
	t.Helper()
	d, _ := dataset.GeneratePlanted(dataset.PlantedConfig{Rated: true, Seed: 5})
	s, err := dataset.SplitRandom(d, dataset.Fractions{}, 42)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestImplicitKnownAnswer trains dot, mlp and neumf for the implicit task
// on clusterSplit: each must rank the held-out items far better than the
// most-popular baseline (NDCG@10) and hit the top 10 for most users.
func TestImplicitKnownAnswer(t *testing.T) {
	s := clusterSplit(t)
	seen := dataset.Concat(s.Train, s.Valid)
	o := eval.RankingOptions{K: 10, Relevant: 0}
	pop := eval.Ranking(eval.MostPopular(s.Train, 32), seen, s.Test, 32, o)
	for _, kind := range []string{"dot", "mlp", "neumf"} {
		t.Run(kind, func(t *testing.T) {
			m, err := train.Fit(context.Background(), s, model.Config{Kind: kind, Training: model.Training{Task: model.TaskImplicit, LR: 0.01, Epochs: 40, Patience: 5}, Settings: model.Settings{Dim: 8, Layers: "16,8"}})
			if err != nil {
				t.Fatal(err)
			}
			r := eval.Ranking(m.Net, seen, s.Test, 32, o)
			t.Logf("%s: HR@10 %.3f NDCG@10 %.3f; most popular HR@10 %.3f NDCG@10 %.3f; best epoch %d", kind, r.HitRate, r.NDCG, pop.HitRate, pop.NDCG, m.BestEpoch)
			if r.HitRate < 0.9 {
				t.Errorf("HR@10 %.3f < 0.9", r.HitRate)
			}
			if r.NDCG < 1.5*pop.NDCG {
				t.Errorf("NDCG@10 %.3f is not 1.5 times the most-popular baseline's %.3f", r.NDCG, pop.NDCG)
			}
			if p := m.Net.Score(0, 0); !(p >= 0 && p <= 1) {
				t.Errorf("score %v is not a probability", p)
			}
		})
	}
}
