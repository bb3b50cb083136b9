package train

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

// TestFitDiverged trains every kind that learns by a step size with an
// absurd one: Fit must stop at the first non-finite epoch loss with a
// DivergedError naming the epoch, with and without early stopping, and
// return no model.
func TestFitDiverged(t *testing.T) {
	d, _ := dataset.GenerateLowRank(dataset.LowRankConfig{Users: 60, Items: 30, Rank: 3, Rows: 1200, Noise: 0.2, Seed: 5})
	s, err := dataset.SplitRandom(d, dataset.Fractions{}, 42)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		cfg  model.Config
	}{
		{"dot adam", model.Config{Kind: "dot", Training: model.Training{Optimizer: "adam", LR: 1e30}}},
		{"dot sgd", model.Config{Kind: "dot", Training: model.Training{Optimizer: "sgd", LR: 1e30}}},
		{"dot adagrad", model.Config{Kind: "dot", Training: model.Training{Optimizer: "adagrad", LR: 1e30}}},
		{"dot 2 threads", model.Config{Kind: "dot", Training: model.Training{Optimizer: "sgd", LR: 1e30, Threads: 2}}},
		{"mlp", model.Config{Kind: "mlp", Training: model.Training{Optimizer: "sgd", LR: 1e30}}},
		{"neumf", model.Config{Kind: "neumf", Training: model.Training{Optimizer: "sgd", LR: 1e30}}},
		{"mf", model.Config{Kind: "mf", Training: model.Training{LR: 1e30}}},
		{"implicit dot", model.Config{Kind: "dot", Training: model.Training{Task: model.TaskImplicit, Optimizer: "sgd", LR: 1e30}}},
	}
	for _, c := range cases {
		for _, patience := range []int{-1, 3} {
			c.cfg.Epochs, c.cfg.Patience = 5, patience
			m, err := Fit(context.Background(), s, c.cfg)
			var de *DivergedError
			if !errors.As(err, &de) {
				best := -1
				if m != nil {
					best = m.BestEpoch
				}
				t.Errorf("%s, patience %d: err = %v (best epoch %d), want a DivergedError", c.name, patience, err, best)
				continue
			}
			if m != nil {
				t.Errorf("%s, patience %d: a diverged fit returned a model", c.name, patience)
			}
			if de.Epoch < 1 || de.Epoch > 5 || !strings.Contains(err.Error(), "epoch") || !strings.Contains(err.Error(), "diverged") {
				t.Errorf("%s, patience %d: error %q (epoch %d) does not say the epoch it diverged at", c.name, patience, err, de.Epoch)
			}
			if !math.IsNaN(de.Loss) && !math.IsInf(de.Loss, 0) && !math.IsNaN(de.ValLoss) && !math.IsInf(de.ValLoss, 0) {
				t.Errorf("%s, patience %d: diverged with finite losses %g and %g", c.name, patience, de.Loss, de.ValLoss)
			}
		}
	}
}
