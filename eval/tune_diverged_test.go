package eval_test

import (
	"context"
	"github.com/recnet/recnet/train"
	"math"
	"strings"
	"testing"

	"github.com/recnet/recnet/eval"
)

// TestTuneDiverged checks that a trial whose training diverges is counted
// as diverged, scored +Inf and never chosen, on the validation part and by
// folds; and that a search where every trial diverges fails saying so.
func TestTuneDiverged(t *testing.T) {
	s := tuneSplit(t)
	sp := quickSpace(t)
	sp.Base.Epochs = 3
	sp.Base.Optimizer = "sgd"
	sp.Params = []eval.Param{{Name: "lr", Values: []string{"1e30", "0.01"}, Grid: []string{"1e30", "0.01"}}}
	for _, folds := range []int{0, 2} {
		r, err := eval.Tune(context.Background(), s, sp, eval.WithGrid(), eval.WithFolds(folds), eval.WithWorkers(1))
		if err != nil {
			t.Fatalf("folds %d: %v", folds, err)
		}
		if len(r.Trials) != 2 {
			t.Fatalf("folds %d: %d trials, want 2", folds, len(r.Trials))
		}
		if d := r.Trials[0]; !d.Diverged || !math.IsInf(d.Score, 1) {
			t.Errorf("folds %d: the lr 1e30 trial: diverged %v, score %g; want diverged, +Inf", folds, d.Diverged, d.Score)
		}
		if r.Trials[1].Diverged || r.Best.Index != 1 {
			t.Errorf("folds %d: best trial %d (diverged %v), want trial 1", folds, r.Best.Index, r.Best.Diverged)
		}
	}
	sp.Params = []eval.Param{{Name: "lr", Values: []string{"1e30"}, Grid: []string{"1e30"}}}
	if _, err := eval.Tune(context.Background(), s, sp, eval.WithGrid()); err == nil || !strings.Contains(err.Error(), train.DivergedReason) {
		t.Errorf("every trial diverged: err = %v, want one saying so", err)
	}
}
