package selection_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
	"github.com/recnet/recnet/selection"
)

// cvData is a small known-answer table: rank-4 factors, user and item
// biases and noise.
func cvData() *dataset.Dataset {
	d, _ := dataset.GenerateLowRank(dataset.LowRankConfig{Users: 300, Items: 80, Rows: 12000, Noise: 0.3, Seed: 5})
	return d
}

// cvConfigs are a small dot model and the two baselines.
func cvConfigs() []model.Config {
	return []model.Config{{Kind: "dot", Training: model.Training{Epochs: 20}, Settings: model.Settings{Dim: 8, L2: 1e-5}}, {Kind: "bias"}, {Kind: "mean"}}
}

func crossValidate(t *testing.T, d *dataset.Dataset, cfgs []model.Config, folds int, opts ...selection.Option) selection.CVResult {
	t.Helper()
	r, err := selection.CrossValidate(context.Background(), d, cfgs, folds, 42, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestCrossValidate checks that the bias baseline beats the global mean in
// every fold, that each fold tests on its own rows and that the table
// lists every model and fold.
func TestCrossValidate(t *testing.T) {
	d := cvData()
	const k = 3
	r := crossValidate(t, d, cvConfigs(), k)
	if len(r.Models) != 3 {
		t.Fatalf("%d models, want 3", len(r.Models))
	}
	byName := map[string]selection.CVModel{}
	for _, m := range r.Models {
		byName[m.Name] = m
		if len(m.Folds) != k {
			t.Fatalf("%s: %d folds, want %d", m.Name, len(m.Folds), k)
		}
		tested := 0
		for j, f := range m.Folds {
			tested += f.TestRows
			if f.TrainRows+f.ValidRows+f.TestRows != d.Len() {
				t.Errorf("%s fold %d: %d+%d+%d rows, want %d", m.Name, j+1, f.TrainRows, f.ValidRows, f.TestRows, d.Len())
			}
			if !(f.RMSE > 0) || !(f.MAE > 0) || f.MAE > f.RMSE {
				t.Errorf("%s fold %d: RMSE %g, MAE %g", m.Name, j+1, f.RMSE, f.MAE)
			}
		}
		if tested != d.Len() {
			t.Errorf("%s: the test folds hold %d rows, want every row once (%d)", m.Name, tested, d.Len())
		}
	}
	dot, bias, mean := byName["dot"], byName["bias"], byName["mean"]
	for j := range k {
		if bias.Folds[j].RMSE >= mean.Folds[j].RMSE {
			t.Errorf("fold %d: bias RMSE %.4f does not beat the global mean's %.4f", j+1, bias.Folds[j].RMSE, mean.Folds[j].RMSE)
		}
		// dot stops early on a tenth of the training folds; the baselines
		// fit on all of them.
		train := d.Len() - dot.Folds[j].TestRows
		if v := dot.Folds[j].ValidRows; v != train/10 || dot.Folds[j].BestEpoch == 0 {
			t.Errorf("fold %d: dot validated on %d rows (best epoch %d), want %d", j+1, v, dot.Folds[j].BestEpoch, train/10)
		}
		if bias.Folds[j].ValidRows != 0 || bias.Folds[j].TrainRows != train {
			t.Errorf("fold %d: bias trained on %d rows and validated on %d, want %d and 0", j+1, bias.Folds[j].TrainRows, bias.Folds[j].ValidRows, train)
		}
	}
	if !dot.EarlyStopping || bias.EarlyStopping || mean.EarlyStopping {
		t.Errorf("early stopping: dot %v, bias %v, mean %v; want true, false, false", dot.EarlyStopping, bias.EarlyStopping, mean.EarlyStopping)
	}
	if s := selection.MeanStd([]float64{bias.Folds[0].RMSE, bias.Folds[1].RMSE, bias.Folds[2].RMSE}); s != bias.RMSE {
		t.Errorf("bias RMSE stat %+v, want %+v", bias.RMSE, s)
	}

	var b bytes.Buffer
	if err := r.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"Evaluating RMSE, MAE of algorithm dot on 3 split(s).",
		"Evaluating RMSE, MAE of algorithm bias on 3 split(s).",
		"Evaluating RMSE, MAE of algorithm mean on 3 split(s).",
		"Fold 1  Fold 2  Fold 3  Mean    Std", "RMSE (testset)", "MAE (testset)", "Fit time", "Test time",
		"early stopping on a validation part of 10%", "wall time",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	// The summary lists the models by RMSE: here dot, bias, mean.
	summary := out[strings.Index(out, "Summary"):]
	if i, j, l := strings.Index(summary, "\ndot "), strings.Index(summary, "\nbias "), strings.Index(summary, "\nmean "); !(i >= 0 && i < j && j < l) {
		t.Errorf("summary not sorted by RMSE (dot %.4f, bias %.4f, mean %.4f):\n%s", dot.RMSE.Mean, bias.RMSE.Mean, mean.RMSE.Mean, summary)
	}
}

// TestCrossValidateWorkers checks that results do not depend on how many
// jobs run at once.
func TestCrossValidateWorkers(t *testing.T) {
	d := cvData()
	cfgs := []model.Config{{Kind: "dot", Training: model.Training{Epochs: 8}, Settings: model.Settings{Dim: 8}}, {Kind: "bias"}, {Kind: "dot", Training: model.Training{Epochs: 5, Patience: -1}, Settings: model.Settings{Dim: 4}}}
	one := crossValidate(t, d, cfgs, 4, selection.WithWorkers(1))
	two := crossValidate(t, d, cfgs, 4, selection.WithWorkers(2))
	if one.Workers != 1 || two.Workers != 2 {
		t.Errorf("workers %d, %d; want 1, 2", one.Workers, two.Workers)
	}
	for m := range one.Models {
		a, b := one.Models[m], two.Models[m]
		if a.Name != b.Name || a.EarlyStopping != b.EarlyStopping {
			t.Errorf("model %d: %s/%v vs %s/%v", m, a.Name, a.EarlyStopping, b.Name, b.EarlyStopping)
		}
		for j := range a.Folds {
			fa, fb := a.Folds[j], b.Folds[j]
			fa.FitSeconds, fa.TestSeconds, fb.FitSeconds, fb.TestSeconds = 0, 0, 0, 0
			if fa != fb {
				t.Errorf("%s fold %d: 1 worker %+v, 2 workers %+v", a.Name, j+1, fa, fb)
			}
		}
	}
	if names := []string{one.Models[0].Name, one.Models[2].Name}; names[0] != "dot" || names[1] != "dot#2" {
		t.Errorf("names %v, want dot and dot#2", names)
	}
	if f := one.Models[2].Folds[0]; f.ValidRows != 0 || one.Models[2].EarlyStopping {
		t.Errorf("a dot model without patience validated on %d rows", f.ValidRows)
	}
}

// TestCrossValidateJSON checks the documented JSON fields, and that NaN
// (a diverged model) encodes as null.
func TestCrossValidateJSON(t *testing.T) {
	r := crossValidate(t, cvData(), []model.Config{{Kind: "bias"}, {Kind: "mean"}}, 2)
	r.Models[1].Folds[0].RMSE = math.NaN()
	r.Models[1].RMSE.Mean = math.Inf(1)
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Data        *string  `json:"data"`
		Rows        *int     `json:"rows"`
		Folds       *int     `json:"folds"`
		Seed        *uint64  `json:"seed"`
		ValidShare  *float64 `json:"valid_share"`
		Workers     *int     `json:"workers"`
		WallSeconds *float64 `json:"wall_seconds"`
		Models      []map[string]json.RawMessage
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	if v.Data == nil || v.Rows == nil || v.Folds == nil || v.Seed == nil || v.ValidShare == nil || v.Workers == nil || v.WallSeconds == nil || len(v.Models) != 2 {
		t.Fatalf("JSON lacks a top-level field:\n%s", b)
	}
	for _, key := range []string{"name", "config", "early_stopping", "folds", "rmse", "mae", "fit_seconds", "test_seconds"} {
		if _, ok := v.Models[0][key]; !ok {
			t.Errorf("models[0] lacks %s", key)
		}
	}
	var folds []map[string]any
	if err := json.Unmarshal(v.Models[1]["folds"], &folds); err != nil || len(folds) != 2 {
		t.Fatalf("models[1].folds: %v", err)
	}
	for _, key := range []string{"rmse", "mae", "fit_seconds", "test_seconds", "train_rows", "valid_rows", "test_rows", "best_epoch"} {
		if _, ok := folds[1][key]; !ok {
			t.Errorf("folds[1] lacks %s", key)
		}
	}
	if folds[0]["rmse"] != nil {
		t.Errorf("a NaN RMSE encodes as %v, want null", folds[0]["rmse"])
	}
	var stat map[string]any
	json.Unmarshal(v.Models[1]["rmse"], &stat)
	if _, ok := stat["std"].(float64); !ok || stat["mean"] != nil {
		t.Errorf("rmse stat %v: want an infinite mean as null and a number std", stat)
	}
}

func TestCrossValidateErrors(t *testing.T) {
	d := cvData()
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	cases := []struct {
		name  string
		ctx   context.Context
		cfgs  []model.Config
		folds int
		want  string
	}{
		{"unknown model", context.Background(), []model.Config{{Kind: "nope"}}, 3, "nope"},
		{"no model", context.Background(), nil, 3, "no model"},
		{"one fold", context.Background(), []model.Config{{Kind: "bias"}}, 1, "at least 2"},
		{"negative folds", context.Background(), []model.Config{{Kind: "bias"}}, -2, "at least 2"},
		{"bad setting", context.Background(), []model.Config{{Kind: "dot", Training: model.Training{Batch: -1}}}, 3, "batch"},
		{"cancelled", cancelled, []model.Config{{Kind: "dot", Training: model.Training{Epochs: 5}}}, 3, "context canceled"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := selection.CrossValidate(c.ctx, d, c.cfgs, c.folds, 1)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "selection: ") {
				t.Errorf("error %v, want a selection: error naming %q", err, c.want)
			}
		})
	}
	_, err := selection.CrossValidate(cancelled, d, []model.Config{{Kind: "dot", Training: model.Training{Epochs: 5}}}, 3, 1)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v does not wrap context.Canceled", err)
	}
}

// TestCVProgress checks that progress reports every job once, in order of
// completion.
func TestCVProgress(t *testing.T) {
	var got []selection.CVProgress
	crossValidate(t, cvData(), []model.Config{{Kind: "bias"}, {Kind: "mean"}}, 3,
		selection.WithCVProgress(func(p selection.CVProgress) { got = append(got, p) }))
	seen := map[string]bool{}
	for k, p := range got {
		if p.Done != k+1 || p.Total != 6 {
			t.Errorf("call %d: done %d of %d", k, p.Done, p.Total)
		}
		seen[fmt.Sprint(p.Model, p.Fold)] = true
	}
	if len(got) != 6 || len(seen) != 6 {
		t.Errorf("%d calls for %d distinct jobs, want 6", len(got), len(seen))
	}
}

func TestMeanStd(t *testing.T) {
	cases := []struct {
		xs        []float64
		mean, std float64
	}{
		{[]float64{1}, 1, 0},
		{[]float64{1, 3}, 2, 1},
		{[]float64{2, 4, 4, 4, 5, 5, 7, 9}, 5, 2},
		{[]float64{0.9311, 0.9370, 0.9320, 0.9317, 0.9391}, 0.93418, 0.0032419},
	}
	for _, c := range cases {
		s := selection.MeanStd(c.xs)
		if math.Abs(s.Mean-c.mean) > 1e-6 || math.Abs(s.Std-c.std) > 1e-6 {
			t.Errorf("MeanStd(%v) = %+v, want %g, %g", c.xs, s, c.mean, c.std)
		}
	}
	if s := selection.MeanStd(nil); !math.IsNaN(s.Mean) || !math.IsNaN(s.Std) {
		t.Errorf("MeanStd(nil) = %+v, want NaN, NaN", s)
	}
}

// Cross-validate the two baselines on five folds of a generated table:
// the user+item bias beats the global mean on every fold.
func ExampleCrossValidate() {
	d, _ := dataset.GenerateLowRank(dataset.LowRankConfig{Users: 200, Items: 50, Rows: 5000, Seed: 1})
	cfgs := []model.Config{{Kind: "mean"}, {Kind: "bias"}}
	r, err := selection.CrossValidate(context.Background(), d, cfgs, 5, 42)
	if err != nil {
		panic(err)
	}
	// r.WriteTable(os.Stdout) would print Surprise's table per model and a
	// summary; fit and test times vary from run to run.
	mean, bias := r.Models[0], r.Models[1]
	wins := 0
	for j := range bias.Folds {
		if bias.Folds[j].RMSE < mean.Folds[j].RMSE {
			wins++
		}
	}
	fmt.Printf("bias beats mean on %d of %d folds\n", wins, len(bias.Folds))
	fmt.Printf("mean RMSE %.3f ± %.3f\n", mean.RMSE.Mean, mean.RMSE.Std)
	fmt.Printf("bias RMSE %.3f ± %.3f\n", bias.RMSE.Mean, bias.RMSE.Std)
	// Output:
	// bias beats mean on 5 of 5 folds
	// mean RMSE 0.511 ± 0.013
	// bias RMSE 0.417 ± 0.013
}
