package selection_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
	"github.com/recnet/recnet/selection"
)

// staircase is a table of 4 users, each rating 6 items at times 1 to 6
// with the time as the rating, the rows in no order of time: the mean of a
// user's rows before time t is t/2.
func staircase() *dataset.Dataset {
	d := &dataset.Dataset{Name: "staircase", Users: &dataset.IDMap{}, Items: &dataset.IDMap{}}
	for _, t := range []int{3, 6, 1, 5, 2, 4} {
		for u := range 4 {
			d.User = append(d.User, d.Users.Add(fmt.Sprint("u", u)))
			d.Item = append(d.Item, d.Items.Add(fmt.Sprint("i", (t+u)%6)))
			d.Value = append(d.Value, float32(t))
			d.Time = append(d.Time, int64(t))
		}
	}
	return d
}

// TestLatestFolds: folds over time hold out each user's latest rows in
// turn. The global mean, which does not stop early, trains on the rows
// before the validation one too: fold 1 holds out the 6s and fits the mean
// of 1..5, 3 (RMSE 3); fold 2 the 5s against 2.5. Skipping one, fold 1 is
// the 5s. A model that stops early validates on the row before the held-out
// one, one row a user, and trains on the rest.
func TestLatestFolds(t *testing.T) {
	d := staircase()
	cfgs := []model.Config{{Kind: "mean"}, {Kind: "dot", Training: model.Training{Epochs: 2, Patience: 1}, Settings: model.Settings{Dim: 2}}}
	for _, tc := range []struct {
		skip int
		rmse []float64
	}{{0, []float64{3, 2.5}}, {1, []float64{2.5, 2}}} {
		res, err := selection.CrossValidate(context.Background(), d, cfgs, 2, 42, selection.WithLatestFolds(tc.skip), selection.WithWorkers(1))
		if err != nil {
			t.Fatal(err)
		}
		if res.Holdout != "latest" || res.Skip != tc.skip || res.ValidShare != 0 {
			t.Errorf("skip %d: holdout %q, skip %d, valid share %g", tc.skip, res.Holdout, res.Skip, res.ValidShare)
		}
		mean, dot := res.Models[0], res.Models[1]
		for j, f := range mean.Folds {
			if math.Abs(f.RMSE-tc.rmse[j]) > 1e-6 || f.TestRows != 4 || f.ValidRows != 0 || f.TrainRows != 24-4*(tc.skip+j+1) {
				t.Errorf("skip %d fold %d: mean RMSE %g (want %g), rows %d/%d/%d", tc.skip, j+1, f.RMSE, tc.rmse[j], f.TrainRows, f.ValidRows, f.TestRows)
			}
			g := dot.Folds[j]
			if g.TestRows != 4 || g.ValidRows != 4 || g.TrainRows != 24-4*(tc.skip+j+2) {
				t.Errorf("skip %d fold %d: dot rows %d/%d/%d", tc.skip, j+1, g.TrainRows, g.ValidRows, g.TestRows)
			}
		}
		if mean.EarlyStopping || !dot.EarlyStopping {
			t.Errorf("early stopping: mean %v, dot %v", mean.EarlyStopping, dot.EarlyStopping)
		}
		var b strings.Builder
		if err := res.WriteTable(&b); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"folds over time", "early stopping on each user's row before the held-out one"} {
			if !strings.Contains(b.String(), want) {
				t.Errorf("skip %d: the table does not say %q:\n%s", tc.skip, want, b.String())
			}
		}
	}
	// The shuffled folds do not give the staircase's answer.
	res, err := selection.CrossValidate(context.Background(), d, cfgs[:1], 2, 42)
	if err != nil {
		t.Fatal(err)
	}
	if res.Holdout != "shuffled" || math.Abs(res.Models[0].Folds[0].RMSE-3) < 1e-6 {
		t.Errorf("shuffled folds: holdout %q, RMSE %g", res.Holdout, res.Models[0].Folds[0].RMSE)
	}
}

// TestLatestFoldsNeedTime: folds over time of a table without times are
// dataset.ErrNoTime, too many folds for the users' rows
// dataset.ErrTooFewRows; fewer than 2 folds or a negative skip are
// refused.
func TestLatestFoldsNeedTime(t *testing.T) {
	d := staircase()
	cfgs := []model.Config{{Kind: "ease"}}
	if _, err := selection.CrossValidateRanking(context.Background(), d, cfgs, 6, 42, selection.WithLatestFolds(0)); !errors.Is(err, dataset.ErrTooFewRows) {
		t.Errorf("6 folds of 6 rows a user: %v, want ErrTooFewRows", err)
	}
	for _, tc := range []struct{ folds, skip int }{{1, 0}, {0, 0}, {-1, 0}, {2, -1}} {
		if _, err := selection.CrossValidateRanking(context.Background(), d, cfgs, tc.folds, 42, selection.WithLatestFolds(tc.skip)); err == nil || !strings.Contains(err.Error(), "want at least 2 folds") {
			t.Errorf("%d folds skipping %d: %v, want an error", tc.folds, tc.skip, err)
		}
	}
	d.Time = nil
	if _, err := selection.CrossValidateRanking(context.Background(), d, cfgs, 2, 42, selection.WithLatestFolds(0)); !errors.Is(err, dataset.ErrNoTime) {
		t.Errorf("no times: %v, want ErrNoTime", err)
	}
}
