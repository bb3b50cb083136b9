package report

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/eval"
	"github.com/recnet/recnet/model"
)

func reportSplit(t *testing.T) *dataset.Split {
	t.Helper()
	d, _ := dataset.GenerateLowRank(dataset.LowRankConfig{Users: 150, Items: 40, Rows: 3000, Noise: 0.1, Seed: 6})
	s, err := dataset.SplitRandom(d, dataset.Fractions{}, 42)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// reportModel returns a dot model for s with a three-epoch history.
func reportModel(s *dataset.Split) *model.Model {
	cfg := model.Presets["seed"]
	cfg.Dim = 4
	return &model.Model{
		Config: cfg, Net: model.NewDot(s.Users.Len(), s.Items.Len(), cfg),
		Users: s.Users, Items: s.Items, Min: s.Min, Max: s.Max,
		History: reportHistory(), BestEpoch: 2,
	}
}

func reportHistory() []model.Epoch {
	return []model.Epoch{
		{Epoch: 1, Loss: 0.5, ValLoss: 0.25, ValRMSE: 1.5, Seconds: 0.25},
		{Epoch: 2, Loss: 0.25, ValLoss: 0.125, ValRMSE: 1.25, Seconds: 0.5},
		{Epoch: 3, Loss: 0.125, ValLoss: 0.2, ValRMSE: 1.375, Seconds: 0.75},
	}
}

// lookup follows a dotted path of object keys in a decoded JSON value.
func lookup(v any, path string) (any, bool) {
	for _, k := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[k]; !ok {
			return nil, false
		}
	}
	return v, true
}

func TestNew(t *testing.T) {
	s := reportSplit(t)
	m := reportModel(s)
	r := New(m, s, 3100, 100)
	want := Data{
		Name: "lowrank", Rows: 3100, Users: s.Users.Len(), Items: s.Items.Len(), Duplicates: 100,
		Train: s.Train.Len(), Valid: s.Valid.Len(), Test: s.Test.Len(), Min: s.Min, Max: s.Max,
	}
	if r.Data != want {
		t.Errorf("Data = %+v\nwant   %+v", r.Data, want)
	}
	if r.Data.Train != 2400 || r.Data.Valid != 300 || r.Data.Test != 300 || r.Data.Users != 150 || r.Data.Items != 40 {
		t.Errorf("Data sizes %+v", r.Data)
	}
	c := eval.Compare(m, s, s.Test)
	if r.Test != c.Model || r.Test != m.Test(s.Test) || r.Test.N != s.Test.Len() {
		t.Errorf("Test = %+v, want the model's accuracy on the test rows %+v", r.Test, c.Model)
	}
	if r.Baselines.GlobalMean != c.GlobalMean || r.Baselines.Bias != c.Bias {
		t.Errorf("Baselines = %+v, want %+v and %+v", r.Baselines, c.GlobalMean, c.Bias)
	}
	if r.BeatsBias != c.BeatsBias() || r.BeatsBias != (r.Test.RMSE < r.Baselines.Bias.RMSE) {
		t.Errorf("BeatsBias = %v with RMSE %v vs bias %v", r.BeatsBias, r.Test.RMSE, r.Baselines.Bias.RMSE)
	}
	if r.TrainSeconds != 1.5 || r.BestEpoch != 2 || len(r.Epochs) != 3 || r.Config != m.Config {
		t.Errorf("TrainSeconds %v, BestEpoch %d, %d epochs, config %+v", r.TrainSeconds, r.BestEpoch, len(r.Epochs), r.Config)
	}
}

// writeJSON returns what r.WriteJSON writes, decoded and as written.
func writeJSON(t *testing.T, r Result) (map[string]any, *bytes.Buffer) {
	t.Helper()
	var b bytes.Buffer
	if err := r.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(b.Bytes(), &v); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, b.String())
	}
	return v, &b
}

func TestWriteJSON(t *testing.T) {
	s := reportSplit(t)
	r := New(reportModel(s), s, 3000, 0)
	v, b := writeJSON(t, r)
	want := map[string]float64{
		"data.rows": 3000, "data.users": 150, "data.items": 40, "data.train": 2400,
		"train_seconds": 1.5, "best_epoch": 2,
		"test.rmse": r.Test.RMSE, "test.mae": r.Test.MAE, "test.rmse_scaled": r.Test.RMSEScaled, "test.mse_scaled": r.Test.MSEScaled,
		"baselines.global_mean.rmse": r.Baselines.GlobalMean.RMSE, "baselines.bias.rmse": r.Baselines.Bias.RMSE,
		"config.settings.dim": 4,
	}
	for key, w := range want {
		got, ok := lookup(v, key)
		if !ok {
			t.Errorf("no %s in\n%s", key, b.String())
		} else if got != w {
			t.Errorf("%s = %v, want %v", key, got, w)
		}
	}
	if got, _ := lookup(v, "beats_bias"); got != r.BeatsBias {
		t.Errorf("beats_bias = %v, want %v", got, r.BeatsBias)
	}
	epochs, _ := lookup(v, "epochs")
	list, ok := epochs.([]any)
	if !ok || len(list) != 3 {
		t.Fatalf("epochs = %v", epochs)
	}
	for k, e := range list {
		h := r.Epochs[k]
		for key, w := range map[string]float64{"epoch": float64(h.Epoch), "loss": h.Loss, "val_loss": h.ValLoss, "val_rmse": h.ValRMSE, "seconds": h.Seconds} {
			if got, ok := lookup(e, key); !ok || got != w {
				t.Errorf("epochs[%d].%s = %v, want %v", k, key, got, w)
			}
		}
	}
	if !strings.HasPrefix(b.String(), "{\n  \"data\": {") || !strings.HasSuffix(b.String(), "}\n") {
		t.Errorf("output is not one indented object:\n%s", b.String())
	}
}

// plainResult is Result without its methods: encoding/json's own form.
type plainResult Result

// TestWriteJSONFinite checks that with finite numbers WriteJSON writes
// exactly what encoding/json writes for the Result's fields, so the
// NaN-safe encoding misses no field.
func TestWriteJSONFinite(t *testing.T) {
	s := reportSplit(t)
	r := New(reportModel(s), s, 3000, 7)
	r.Data.Min, r.Data.Max = 0.1, 1e21 // a float encoding/json writes with an exponent
	r.Epochs[0].Seconds = 1e-7
	for _, res := range []Result{r, {}} {
		var got, want bytes.Buffer
		if err := res.WriteJSON(&got); err != nil {
			t.Fatal(err)
		}
		e := json.NewEncoder(&want)
		e.SetIndent("", "  ")
		if err := e.Encode(plainResult(res)); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("WriteJSON wrote\n%s\nencoding/json writes\n%s", got.String(), want.String())
		}
	}
}

// TestWriteJSONImplicit checks that the JSON of a model of the implicit
// task, tested by its ranking, has no rating test: no "test", "baselines"
// or "beats_bias" (which would read as zeros and false).
func TestWriteJSONImplicit(t *testing.T) {
	s := reportSplit(t)
	r := New(reportModel(s), s, 3000, 0)
	r.Ranking = &Ranking{}
	v, _ := writeJSON(t, r)
	for _, key := range []string{"test", "baselines", "beats_bias"} {
		if got, ok := v[key]; ok {
			t.Errorf("the implicit task's JSON has %s: %v", key, got)
		}
	}
	for _, key := range []string{"data", "config", "epochs", "ranking", "best_epoch"} {
		if _, ok := v[key]; !ok {
			t.Errorf("the implicit task's JSON lacks %s", key)
		}
	}
}

// TestWriteJSONNaN writes a run without validation rows (NaN validation
// losses) and with an empty test set (NaN accuracy): JSON has no NaN, so
// they must be null.
func TestWriteJSONNaN(t *testing.T) {
	d, _ := dataset.GenerateLowRank(dataset.LowRankConfig{Users: 50, Items: 20, Rows: 500, Seed: 2})
	s, err := dataset.SplitRandom(d, dataset.Fractions{Train: 1}, 1)
	if err != nil {
		t.Fatal(err)
	}
	m := reportModel(s)
	for k := range m.History {
		m.History[k].ValLoss, m.History[k].ValRMSE = math.NaN(), math.NaN()
	}
	m.History[2].Loss = math.Inf(1)
	r := New(m, s, d.Len(), 0)
	var b bytes.Buffer
	if err := r.WriteJSON(&b); err != nil {
		t.Fatalf("WriteJSON with NaN validation losses: %v", err)
	}
	var v map[string]any
	if err := json.Unmarshal(b.Bytes(), &v); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, b.String())
	}
	epochs, _ := lookup(v, "epochs")
	list, _ := epochs.([]any)
	if len(list) != 3 {
		t.Fatalf("epochs = %v", epochs)
	}
	for k, e := range list {
		for _, key := range []string{"val_loss", "val_rmse"} {
			if got, ok := lookup(e, key); !ok || got != nil {
				t.Errorf("epochs[%d].%s = %v, %v; want null", k, key, got, ok)
			}
		}
		if got, _ := lookup(e, "loss"); k < 2 && got != m.History[k].Loss {
			t.Errorf("epochs[%d].loss = %v, want %v", k, got, m.History[k].Loss)
		}
	}
	if got, ok := lookup(list[2], "loss"); !ok || got != nil {
		t.Errorf("an infinite loss is %v, %v; want null", got, ok)
	}
	for _, key := range []string{"test.rmse", "test.mae", "baselines.bias.rmse"} {
		if got, ok := lookup(v, key); !ok || got != nil {
			t.Errorf("%s of an empty test set = %v, %v; want null", key, got, ok)
		}
	}
	if got, _ := lookup(v, "test.n"); got != 0.0 {
		t.Errorf("test.n = %v, want 0", got)
	}
}

func TestWriteTest(t *testing.T) {
	base := Result{
		Config: model.Config{Kind: "dot"},
		Test:   model.Accuracy{N: 300, RMSE: 0.8, MAE: 0.6, MSEScaled: 0.04, RMSEScaled: 0.2},
		Baselines: Baselines{
			GlobalMean: model.Accuracy{N: 300, RMSE: 1.2},
			Bias:       model.Accuracy{N: 300, RMSE: 1.0},
		},
	}
	better := base
	better.BeatsBias = true
	var b bytes.Buffer
	if err := better.WriteTest(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"test (300 rows)", "MSE scaled", "recnet dot", "global mean baseline", "user+item bias",
		"The model beats the bias baseline: test RMSE 0.8000 vs 1.0000 (20.0% lower)."} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "NOT") {
		t.Errorf("a better model is reported as not beating the bias:\n%s", out)
	}

	// Lower by a hair: not "0.0% lower".
	hair := better
	hair.Test.RMSE = 0.99999
	b.Reset()
	if err := hair.WriteTest(&b); err != nil {
		t.Fatal(err)
	}
	if out := b.String(); strings.Contains(out, "0.0% lower") || !strings.Contains(out, "barely beats the bias baseline: test RMSE 1.0000 vs 1.0000 (0.001% lower)") {
		t.Errorf("a model a hair better than the bias:\n%s", out)
	}

	worse := base
	worse.Test.RMSE = 1.1
	worse.Config.NoScale = true
	b.Reset()
	if err := worse.WriteTest(&b); err != nil {
		t.Fatal(err)
	}
	out = b.String()
	for _, want := range []string{"MSE raw", "The model does NOT beat the bias baseline: test RMSE 1.1000 vs 1.0000"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "beats the bias") {
		t.Errorf("a worse model is reported as beating the bias:\n%s", out)
	}

	// The verdict follows New's BeatsBias: a model that scores the bias
	// baseline's predictions ties it and does not beat it.
	s := reportSplit(t)
	m := reportModel(s)
	_, bias := model.Baselines(m, s)
	m.Net = bias.Net
	r := New(m, s, 3000, 0)
	b.Reset()
	if err := r.WriteTest(&b); err != nil {
		t.Fatal(err)
	}
	if r.BeatsBias || !strings.Contains(b.String(), "does NOT beat") {
		t.Errorf("the bias baseline itself beats the bias baseline:\n%s", b.String())
	}
}

func TestWriteData(t *testing.T) {
	r := Result{Data: Data{Name: "r.csv", Rows: 10, Users: 3, Items: 4, Duplicates: 2, Train: 8, Valid: 1, Test: 1, Min: 0.5, Max: 5}}
	var b bytes.Buffer
	if err := r.WriteData(&b); err != nil {
		t.Fatal(err)
	}
	want := "data r.csv: 10 rows, 3 users, 4 items, ratings 0.5..5 (2 duplicate rows replaced)\nsplit: 8 train, 1 validation, 1 test\n"
	if b.String() != want {
		t.Errorf("WriteData = %q, want %q", b.String(), want)
	}
}

func TestEpochLine(t *testing.T) {
	nan := math.NaN()
	for _, c := range []struct {
		e    model.Epoch
		want string
	}{
		{model.Epoch{Epoch: 3, Loss: 0.0123456, ValLoss: 0.5, ValRMSE: 0.98765, Seconds: 1.23456}, "Epoch 3/10 - 1.235s - loss: 0.0123 - val_loss: 0.5000 - val_rmse: 0.9877"},
		{model.Epoch{Epoch: 3, Loss: 0.0123456, ValLoss: 0.5, ValRMSE: nan, ValNDCG: nan, Seconds: 1.23456}, "Epoch 3/10 - 1.235s - loss: 0.0123 - val_loss: 0.5000"},
		{model.Epoch{Epoch: 3, Loss: 0.0123456, ValLoss: 0.5, ValRMSE: nan, ValNDCG: 0.25, Seconds: 1.23456}, "Epoch 3/10 - 1.235s - loss: 0.0123 - val_loss: 0.5000 - val_ndcg@10: 0.2500"},
		// No validation part (or ials): no NaN columns.
		{model.Epoch{Epoch: 3, Loss: 0.0123456, ValLoss: nan, ValRMSE: nan, ValNDCG: nan, Seconds: 1.23456}, "Epoch 3/10 - 1.235s - loss: 0.0123"},
	} {
		if got := EpochLine(c.e, 10); got != c.want {
			t.Errorf("EpochLine = %q, want %q", got, c.want)
		}
	}
}

// TestLossName: ials's loss is named for its confidence weights, not the
// cross-entropy of the kinds that sample negatives.
func TestLossName(t *testing.T) {
	for _, c := range []struct {
		cfg  model.Config
		want string
	}{
		{model.Config{Kind: "ials", Training: model.Training{Task: model.TaskImplicit}}, "confidence-weighted squared error"},
		{model.Config{Kind: "dot", Training: model.Training{Task: model.TaskImplicit}}, "binary cross-entropy"},
		{model.Config{Kind: "dot"}, "MSE (training scale, ratings in [0,1])"},
	} {
		if got := LossName(c.cfg); got != c.want {
			t.Errorf("LossName(%s, %s) = %q, want %q", c.cfg.Kind, c.cfg.Task, got, c.want)
		}
	}
}

func TestPlot(t *testing.T) {
	dir := t.TempDir()
	h := reportHistory()
	noValid := []model.Epoch{{Epoch: 1, Loss: 0.5, ValLoss: math.NaN()}, {Epoch: 2, Loss: 0.25, ValLoss: math.NaN()}}
	for name, hist := range map[string][]model.Epoch{"loss.png": h, "novalid.png": noValid, "one.png": h[:1]} {
		path := filepath.Join(dir, name)
		if err := Plot(path, hist, model.Config{}); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) {
			t.Errorf("%s is not a PNG: % x", name, b[:min(len(b), 8)])
		}
	}
	path := filepath.Join(dir, "empty.png")
	if err := Plot(path, nil, model.Config{}); err == nil {
		t.Error("Plot with no epochs succeeded")
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("Plot with no epochs left a file: %v", err)
	}
	if err := Plot(filepath.Join(dir, "no", "such", "dir.png"), h, model.Config{}); err == nil {
		t.Error("Plot into a missing directory succeeded")
	}
}

// TestPlotLabel checks that the y-axis names the loss the model trained
// on: cross-entropy for the implicit task, not a squared error.
func TestPlotLabel(t *testing.T) {
	for _, c := range []struct {
		cfg       model.Config
		want, not string
	}{
		{model.Config{Training: model.Training{Task: model.TaskImplicit}}, "cross-entropy", "MSE"},
		{model.Config{Kind: "mlp", Training: model.Training{Task: model.TaskImplicit}}, "cross-entropy", "MSE"},
		{model.Config{}, "MSE (training scale", "cross-entropy"},
		{model.Config{Training: model.Training{NoScale: true}}, "MSE (original scale", "training"},
	} {
		p, err := lossPlot(reportHistory(), c.cfg)
		if err != nil {
			t.Fatal(err)
		}
		if y := p.Y.Label.Text; !strings.Contains(y, c.want) || strings.Contains(y, c.not) {
			t.Errorf("task %q, no_scale %v: y-axis %q, want %q", c.cfg.Task, c.cfg.NoScale, y, c.want)
		}
	}
}

// TestWriteTestNoRows checks a run without test rows says so instead of
// printing a table of NaNs.
func TestWriteTestNoRows(t *testing.T) {
	var b strings.Builder
	if err := (Result{}).WriteTest(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "no test rows") || strings.Contains(b.String(), "NaN") {
		t.Errorf("output %q", b.String())
	}
}
