package selection_test

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/recnet/recnet/model"
	"github.com/recnet/recnet/selection"
	"github.com/recnet/recnet/train"
)

// TestCrossValidateDiverged checks that a model whose training diverges
// on a fold is marked diverged there (RMSE and MAE NaN, sorted last, said
// in the table and the JSON) while the other models are evaluated, and
// that a run where every job diverges fails saying so.
func TestCrossValidateDiverged(t *testing.T) {
	d := cvData()
	blowUp := model.Config{Kind: "dot", Training: model.Training{Epochs: 3, Optimizer: "sgd", LR: 1e30}, Settings: model.Settings{Dim: 4}}
	r, err := selection.CrossValidate(context.Background(), d, []model.Config{blowUp, {Kind: "bias"}}, 2, 42)
	if err != nil {
		t.Fatalf("a diverged fold stopped the run: %v", err)
	}
	dot, bias := r.Models[0], r.Models[1]
	for j, f := range dot.Folds {
		if !f.Diverged || !math.IsNaN(f.RMSE) || !math.IsNaN(f.MAE) {
			t.Errorf("dot fold %d: diverged %v, RMSE %g, MAE %g; want diverged, NaN, NaN", j+1, f.Diverged, f.RMSE, f.MAE)
		}
	}
	if len(dot.DivergedFolds) != 2 || bias.DivergedFolds != nil || math.IsNaN(bias.RMSE.Mean) {
		t.Errorf("diverged folds: dot %v, bias %v (bias RMSE %g)", dot.DivergedFolds, bias.DivergedFolds, bias.RMSE.Mean)
	}
	var b bytes.Buffer
	if err := r.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	table := b.String()
	summary := table[strings.Index(table, "Summary"):]
	// Divergence is said in one sentence, train.DivergedReason.
	if !strings.Contains(table, "diverged on folds 1, 2") || !strings.Contains(table, train.DivergedReason) || !strings.Contains(summary, "dot (diverged)") ||
		strings.Index(summary, "bias") > strings.Index(summary, "dot") {
		t.Errorf("the table does not mark dot diverged, listed last:\n%s", table)
	}
	js, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(js, []byte(`"diverged":true`)) || !bytes.Contains(js, []byte(`"diverged_folds":[1,2]`)) {
		t.Errorf("the JSON does not mark the diverged folds: %s", js)
	}
	if _, err := selection.CrossValidate(context.Background(), d, []model.Config{blowUp}, 2, 42); err == nil || !strings.Contains(err.Error(), train.DivergedReason) {
		t.Errorf("every job diverged: err = %v, want one saying so", err)
	}
}

// TestTuneDiverged checks that a trial whose training diverges is counted
// as diverged, scored +Inf and never chosen, on the validation part and by
// folds; and that a search where every trial diverges fails saying so.
func TestTuneDiverged(t *testing.T) {
	s := tuneSplit(t)
	sp := quickSpace(t)
	sp.Base.Epochs = 3
	sp.Base.Optimizer = "sgd"
	sp.Ranges = []model.Range{{Name: "lr", Values: []string{"1e30", "0.01"}, Grid: []string{"1e30", "0.01"}}}
	for _, folds := range []int{0, 2} {
		r, err := selection.Tune(context.Background(), s, sp, selection.WithGrid(), selection.WithFolds(folds), selection.WithWorkers(1))
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
	sp.Ranges = []model.Range{{Name: "lr", Values: []string{"1e30"}, Grid: []string{"1e30"}}}
	if _, err := selection.Tune(context.Background(), s, sp, selection.WithGrid()); err == nil || !strings.Contains(err.Error(), train.DivergedReason) {
		t.Errorf("every trial diverged: err = %v, want one saying so", err)
	}
}
