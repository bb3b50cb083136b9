package selection_test

import (
	"context"
	"testing"

	"github.com/recnet/recnet/model"
	"github.com/recnet/recnet/selection"
)

// TestCrossValidateBlend checks that cv carves a validation part from
// each training fold for a blend, which fits its weights on it, and keeps
// the blend fitted so (no refit on the whole training folds, which have
// no validation part).
func TestCrossValidateBlend(t *testing.T) {
	cfg := model.Config{Kind: model.BlendKind, Members: &[]model.Config{
		{Kind: "dot", Training: model.Training{Epochs: 3}},
		{Kind: "bias"},
	}}
	res, err := selection.CrossValidate(context.Background(), cvData(), []model.Config{cfg}, 2, 42, selection.WithWorkers(1))
	if err != nil {
		t.Fatal(err)
	}
	for k, f := range res.Models[0].Folds {
		if f.ValidRows == 0 || !(f.RMSE > 0) {
			t.Errorf("fold %d: %d validation rows, RMSE %v", k+1, f.ValidRows, f.RMSE)
		}
	}
}
