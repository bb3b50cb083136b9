package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/recnet/recnet/model"
	"github.com/recnet/recnet/train"
)

// TestCV cross-validates a model and the baselines on a small table: the
// table has a block per model with every fold, and the summary all three.
func TestCV(t *testing.T) {
	data := smallData(t, t.TempDir())
	stdout, stderr, code := run(t, "cv", "--data", data, "--folds", "3", "--kinds", "dot,bias,mean")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"Evaluating RMSE, MAE of algorithm dot on 3 split(s).",
		"Evaluating RMSE, MAE of algorithm bias on 3 split(s).",
		"Evaluating RMSE, MAE of algorithm mean on 3 split(s).",
		"Fold 1  Fold 2  Fold 3  Mean    Std", "RMSE (testset)", "Fit time", "Summary", "wall time",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	summary := stdout[strings.Index(stdout, "Summary"):]
	for _, m := range []string{"\ndot ", "\nbias ", "\nmean "} {
		if !strings.Contains(summary, m) {
			t.Errorf("summary lacks %q:\n%s", m, summary)
		}
	}
	if !strings.Contains(stderr, "dot fold 3") {
		t.Errorf("no progress line on stderr: %s", stderr)
	}
}

// TestCVImplicit: cv --task implicit ranks, beside most popular.
func TestCVImplicit(t *testing.T) {
	data := smallData(t, t.TempDir())
	stdout, stderr, code := run(t, "cv", "--data", data, "--folds", "2", "--task", "implicit", "--kinds", "ials,ease", "-q")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"of ials on 2 split(s), full ranking", "of most popular on 2 split(s)", "NDCG@10", "by mean NDCG@10", "vs most popular"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
}

// TestCVJSON checks that --json prints one object with every fold.
func TestCVJSON(t *testing.T) {
	data := smallData(t, t.TempDir())
	stdout, stderr, code := run(t, "cv", "--data", data, "--folds", "2", "--kinds", "bias,mean", "--json", "-q")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var res struct {
		Folds  int `json:"folds"`
		Models []struct {
			Name  string           `json:"name"`
			Folds []map[string]any `json:"folds"`
			RMSE  map[string]any   `json:"rmse"`
		} `json:"models"`
	}
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("--json output is not one JSON object: %v\n%s", err, stdout)
	}
	if res.Folds != 2 || len(res.Models) != 2 || res.Models[0].Name != "bias" || len(res.Models[1].Folds) != 2 {
		t.Errorf("--json: %+v", res)
	}
	if _, ok := res.Models[0].RMSE["mean"].(float64); !ok {
		t.Errorf("--json models[0].rmse = %v", res.Models[0].RMSE)
	}
}

// TestCVBadInput checks that bad flags exit with code 2 and say why.
func TestCVBadInput(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name string
		args []string
		want []string
	}{
		{"unknown model", []string{"cv", "--kinds", "dot,svdpp"}, append([]string{"svdpp"}, train.Kinds()...)},
		{"one fold", []string{"cv", "--folds", "1", "--kinds", "bias"}, []string{"--folds"}},
		{"missing file", []string{"cv", "--data", filepath.Join(dir, "nope.csv"), "--kinds", "bias"}, []string{"nope.csv"}},
		{"unknown preset", []string{"cv", "--preset", "fast", "--kinds", "bias"}, []string{"fast"}},
		{"unknown task", []string{"cv", "--task", "clicks", "--kinds", "bias"}, []string{"--task", "clicks"}},
		{"rating kind, implicit task", []string{"cv", "--task", "implicit", "--kinds", "ials,mf"}, []string{"--kinds", "mf", "learns only ratings"}},
		{"implicit kind, rating task", []string{"cv", "--kinds", "ease"}, []string{"--kinds", "ease", "cv --task implicit"}},
		{"tune a baseline", []string{"tune", "--kind", "bias"}, []string{"bias"}},
		{"tune one fold", []string{"tune", "--folds", "1"}, []string{"--folds"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, stderr, code := run(t, c.args...)
			if code != 2 {
				t.Errorf("exit code %d, want 2; stderr: %s", code, stderr)
			}
			for _, w := range c.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("error %q does not name %q", strings.TrimSpace(stderr), w)
				}
			}
		})
	}
}

// TestTune runs a three-trial search, saves the best model and loads it.
func TestTune(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "m.recnet")
	stdout, stderr, code := run(t, "tune", "--data", smallData(t, dir), "--trials", "3", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"trial   1/3", "trial   2/3", "trial   3/3", "best: trial", "rows the search never saw", "user+item bias", "model saved"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	m, err := model.Load(out)
	if err != nil {
		t.Fatalf("the saved model does not load: %v", err)
	}
	if m.Config.Kind != "dot" || m.Net == nil || m.Users.Len() == 0 {
		t.Errorf("loaded model: kind %s, net %v, %d users", m.Config.Kind, m.Net != nil, m.Users.Len())
	}
	if _, stderr, code := run(t, "summary", "--model", out); code != 0 {
		t.Errorf("summary of the tuned model: exit %d: %s", code, stderr)
	}
}

// TestCVImplicitInteractions checks that cv --task implicit reads a table
// of interactions only (user,item) and one whose ratings are all one
// value, as train does, while the rating task still refuses them.
func TestCVImplicitInteractions(t *testing.T) {
	dir := t.TempDir()
	pairs, _ := featuresData(t, dir)
	b, err := os.ReadFile(pairs)
	if err != nil {
		t.Fatal(err)
	}
	ones := strings.ReplaceAll(strings.TrimSpace(string(b)), "\n", ",1\n") + ",1\n"
	ones = strings.Replace(ones, "user,item,1", "user,item,rating", 1)
	constant := write(t, dir, "ones.csv", ones)
	for _, data := range []string{pairs, constant} {
		out, stderr, code := run(t, "cv", "--task", "implicit", "--data", data, "--kinds", "ease", "--folds", "2", "-q")
		if code != 0 || !strings.Contains(out, "NDCG@10") {
			t.Errorf("cv --task implicit --data %s: exit %d, want 0 and a table; stdout %s stderr %s", filepath.Base(data), code, out, stderr)
		}
		if _, stderr, code := run(t, "cv", "--data", data, "--kinds", "mf", "--folds", "2", "-q"); code != 2 || !strings.Contains(stderr, "--task implicit") {
			t.Errorf("cv --data %s (rating task): exit %d, want 2 naming --task implicit; stderr %s", filepath.Base(data), code, stderr)
		}
	}
}

// TestCVHoldoutLatest: --holdout latest cuts folds over time. On a table
// whose ratings are their times (1 to 6 for each of 4 users), the global
// mean of fold 1 is fitted on each user's rows 1..5 and tested on the 6s
// (RMSE 3), fold 2's on 1..4 against the 5s (RMSE 2.5); shuffled folds
// would mix them. It is refused for a table without times, with
// --valid-share, with an unknown value and with more folds than the rows
// allow.
func TestCVHoldoutLatest(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("user,item,rating,timestamp\n")
	for _, tm := range []int{3, 6, 1, 5, 2, 4} {
		for u := range 4 {
			fmt.Fprintf(&b, "u%d,i%d,%d,%d\n", u, (tm+u)%6, tm, 1000+tm)
		}
	}
	data := filepath.Join(dir, "stairs.csv")
	if err := os.WriteFile(data, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := run(t, "cv", "--data", data, "--folds", "2", "--kinds", "mean", "--holdout", "latest", "--json", "-q")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var res struct {
		Holdout string
		Models  []struct{ Folds []struct{ RMSE float64 } }
	}
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatal(err)
	}
	if res.Holdout != "latest" || len(res.Models) != 1 || len(res.Models[0].Folds) != 2 {
		t.Fatalf("holdout %q, models %+v", res.Holdout, res.Models)
	}
	for j, want := range []float64{3, 2.5} {
		if got := res.Models[0].Folds[j].RMSE; math.Abs(got-want) > 1e-4 {
			t.Errorf("fold %d: RMSE %g, want %g", j+1, got, want)
		}
	}
	for _, tc := range []struct {
		args []string
		says string
	}{
		{[]string{"--data", "builtin"}, "--holdout latest: builtin has no time column"},
		{[]string{"--data", data, "--valid-share", "0.2"}, "--valid-share: does not apply to --holdout latest"},
		{[]string{"--data", data, "--folds", "6"}, "--folds 6:"},
	} {
		_, stderr, code := run(t, append([]string{"cv", "--kinds", "mean", "--holdout", "latest", "-q"}, tc.args...)...)
		if code != 2 || !strings.Contains(stderr, tc.says) {
			t.Errorf("%v: exit %d, %s; want exit 2 saying %q", tc.args, code, stderr, tc.says)
		}
	}
	if _, stderr, code := run(t, "cv", "--data", data, "--kinds", "mean", "--holdout", "time", "-q"); code != 2 || !strings.Contains(stderr, "--holdout") {
		t.Errorf("--holdout time: exit %d, %s", code, stderr)
	}
}
