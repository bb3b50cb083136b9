package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/recnet/recnet/eval"
)

// TestEval trains a small model, then evaluates it on the test part of the
// same split, as text and as JSON.
func TestEval(t *testing.T) {
	dir := t.TempDir()
	data := smallData(t, dir)
	modelPath := filepath.Join(dir, "m.recnet")
	if _, stderr, code := run(t, "train", "--data", data, "--quiet", "--epochs", "3", "--out", modelPath); code != 0 {
		t.Fatalf("train: exit %d: %s", code, stderr)
	}
	stdout, stderr, code := run(t, "eval", "--model", modelPath, "--data", data, "--seed", "42")
	if code != 0 {
		t.Fatalf("eval: exit %d: %s", code, stderr)
	}
	for _, want := range []string{"RMSE", "MAE", "global mean baseline", "user+item bias",
		"P@10", "R@10", "NDCG@10", "HR@10", "MAP@10", "coverage", "recnet dot", "most popular",
		"relevant: test rating >= 4", "all known to the model"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("eval output lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "NaN") || strings.Contains(stdout, "note:") {
		t.Errorf("eval output has NaN or a seed note:\n%s", stdout)
	}

	stdout, stderr, code = run(t, "eval", "--model", modelPath, "--data", data, "--json", "-k", "5", "--relevant", "5")
	if code != 0 {
		t.Fatalf("eval --json: exit %d: %s", code, stderr)
	}
	var res map[string]any
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("--json output is not one JSON object: %v\n%s", err, stdout)
	}
	for _, key := range []string{"data.test", "skipped.test_rows", "accuracy.model.rmse", "accuracy.model.mae",
		"accuracy.global_mean.rmse", "accuracy.bias.mae", "ranking.users", "ranking.no_relevant",
		"ranking.model.precision", "ranking.model.recall", "ranking.model.ndcg", "ranking.model.hr",
		"ranking.model.map", "ranking.model.coverage", "ranking.most_popular.ndcg"} {
		if _, ok := lookup(res, key); !ok {
			t.Errorf("--json lacks %s", key)
		}
	}
	// "candidates" is the number of --protocol ncf's sampled items, not
	// this protocol's text.
	if _, ok := lookup(res, "ranking.candidates"); ok {
		t.Errorf("--json says ranking.candidates, the key of --protocol ncf's number: %v", res["ranking"])
	}
	if r, _ := lookup(res, "ranking.ranked_items"); r != "items the user has no training or validation rating for" {
		t.Errorf("ranking.ranked_items = %v", r)
	}
	if k, _ := lookup(res, "ranking.k"); k != 5.0 {
		t.Errorf("ranking.k = %v, want 5", k)
	}
	if r, _ := lookup(res, "ranking.relevant"); r != 5.0 {
		t.Errorf("ranking.relevant = %v, want 5", r)
	}
	for _, key := range []string{"ranking.model.hr", "ranking.most_popular.hr"} {
		if v, _ := lookup(res, key); !(v.(float64) > 0 && v.(float64) <= 1) {
			t.Errorf("%s = %v, want a share above 0", key, v)
		}
	}

	// Another seed rebuilds another split: the model saw some of its test
	// rows, and eval leaves them out and says so.
	if stdout, _, _ = run(t, "eval", "--model", modelPath, "--data", data, "--seed", "7"); !strings.Contains(stdout, "test rows the model was fitted on (its seen items: the split is not the model's), left out: ") {
		t.Errorf("no word of the fitted rows on a split with another seed:\n%s", stdout)
	}

	// Rows from another file map through the model's ids; unknown ones are
	// skipped and counted, and one the model was fitted on (the table's
	// first row) is left out.
	b, _ := os.ReadFile(data)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")[1:]
	first := strings.Split(lines[0], ",")
	rated := map[string]bool{}
	for _, l := range lines {
		if f := strings.Split(l, ","); f[0] == first[0] {
			rated[f[1]] = true
		}
	}
	unrated := ""
	for _, l := range lines {
		if f := strings.Split(l, ","); !rated[f[1]] {
			unrated = f[1]
			break
		}
	}
	other := write(t, dir, "other.csv", "user,item,rating\n"+first[0]+","+first[1]+",5\nnobody,"+first[1]+",4\n"+first[0]+",C999XX,5\n"+first[0]+","+unrated+",4\n")
	stdout, stderr, code = run(t, "eval", "--model", modelPath, "--train", data, "--test", other)
	if code != 0 {
		t.Fatalf("eval --test: exit %d: %s", code, stderr)
	}
	for _, want := range []string{"test rows: 1 evaluated, 2 skipped (unknown to the model: 1 by user, 1 by item)", "fitted on (its seen items: the split is not the model's), left out: 1"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("eval on another file does not say %q:\n%s", want, stdout)
		}
	}
}

// TestEvalNCF runs the NCF protocol on a small table.
func TestEvalNCF(t *testing.T) {
	dir := t.TempDir()
	data := smallData(t, dir)
	stdout, stderr, code := run(t, "eval", "--protocol", "ncf", "--data", data, "--quiet", "--epochs", "2")
	if code != 0 {
		t.Fatalf("eval --protocol ncf: exit %d: %s", code, stderr)
	}
	for _, want := range []string{"leave-one-out", "HR@10", "NDCG@10", "recnet dot", "most popular", "random (expected)", "Epoch 2/2",
		fmt.Sprintf("candidates, items its user never rated (--candidates %d,", eval.DefaultCandidates), "training: on the ratings, no sampled negatives"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	stdout, stderr, code = run(t, "eval", "--protocol", "ncf", "--data", data, "--quiet", "--kind", "bias", "--json", "--candidates", "50", "-k", "5")
	if code != 0 {
		t.Fatalf("eval --protocol ncf --json: exit %d: %s", code, stderr)
	}
	var res map[string]any
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("--json output is not one JSON object: %v\n%s", err, stdout)
	}
	for key, want := range map[string]any{"protocol": "ncf", "config.kind": "bias", "ncf.k": 5.0, "ncf.candidates": 50.0, "ncf.negatives": 0.0} {
		if got, _ := lookup(res, key); got != want {
			t.Errorf("%s = %v, want %v", key, got, want)
		}
	}
	for _, key := range []string{"ncf.model.hr", "ncf.model.ndcg", "ncf.most_popular.hr", "ncf.random.hr", "ncf.random.ndcg", "ncf.cases"} {
		if _, ok := lookup(res, key); !ok {
			t.Errorf("--json lacks %s", key)
		}
	}
	if hr, _ := lookup(res, "ncf.random.hr"); hr.(float64) < 5.0/51-1e-9 {
		t.Errorf("random HR@5 among 51 = %v, want at least 5/51", hr)
	}
	// The implicit task's training negatives and the protocol's candidates
	// are told apart, in the report and in the JSON.
	implicit := []string{"eval", "--protocol", "ncf", "--data", data, "--quiet", "--task", "implicit", "--epochs", "1", "--negatives", "2", "--candidates", "20"}
	stdout, stderr, code = run(t, implicit...)
	for _, want := range []string{"ranked against 20 candidates", "(--candidates 20,", "training: 2 negatives per positive (--negatives 2)"} {
		if code != 0 || !strings.Contains(stdout, want) {
			t.Errorf("%q: exit %d, %s; output lacks %q:\n%s", implicit, code, stderr, want, stdout)
		}
	}
	stdout, stderr, code = run(t, append(implicit, "--json")...)
	res = nil
	if err := json.Unmarshal([]byte(stdout), &res); code != 0 || err != nil {
		t.Fatalf("%q --json: exit %d, %v: %s", implicit, code, err, stderr)
	}
	for key, want := range map[string]any{"ncf.candidates": 20.0, "ncf.negatives": 2.0, "config.training.negatives": 2.0} {
		if got, _ := lookup(res, key); got != want {
			t.Errorf("implicit --json: %s = %v, want %v", key, got, want)
		}
	}
	// A kind of the implicit task that samples no negatives is not said
	// to train with the default --negatives.
	ials := []string{"eval", "--protocol", "ncf", "--data", data, "--quiet", "--kind", "ials", "--epochs", "1", "--candidates", "20"}
	stdout, stderr, code = run(t, ials...)
	if code != 0 || !strings.Contains(stdout, "(ials samples none)") || strings.Contains(stdout, "negatives per positive") {
		t.Errorf("%q: exit %d, %s; want its training said to sample no negatives:\n%s", ials, code, stderr, stdout)
	}
	// ials does not stop early: it trains on the training and the
	// validation rows, as cv's kinds that do not; dot keeps its
	// validation rows for early stopping.
	var trainRows, validRows int
	for _, l := range strings.Split(stdout, "\n") {
		if strings.HasPrefix(l, "leave-") {
			_, after, _ := strings.Cut(l, ": ")
			fmt.Sscanf(after, "%d train, %d validation", &trainRows, &validRows)
		}
	}
	want := fmt.Sprintf("ials does not stop early: it trains on the training and validation rows (%d)", trainRows+validRows)
	if validRows == 0 || !strings.Contains(stdout, want) {
		t.Errorf("%q: output lacks %q (%d validation rows):\n%s", ials, want, validRows, stdout)
	}
	if stdout, _, _ := run(t, implicit...); strings.Contains(stdout, "does not stop early") {
		t.Errorf("%q: dot said to train on its validation rows:\n%s", implicit, stdout)
	}
}

func TestEvalBadInput(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "none.recnet")
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"missing model", []string{"eval", "--model", missing}, "none.recnet"},
		{"unknown protocol", []string{"eval", "--protocol", "lol"}, "lol"},
		{"k zero", []string{"eval", "--model", missing, "-k", "0"}, "-k"},
		{"model flags without ncf", []string{"eval", "--model", missing, "--dim", "8"}, "--dim"},
		{"ncf with a model file", []string{"eval", "--protocol", "ncf", "--model", missing}, "--kind"},
		{"ncf with --split", []string{"eval", "--protocol", "ncf", "--split", "0.5,0.25,0.25"}, "--split"},
		{"ncf unknown kind", []string{"eval", "--protocol", "ncf", "--kind", "nope"}, "nope"},
	}
	for _, c := range cases {
		_, stderr, code := run(t, c.args...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%s: exit %d (want 2), stderr %q (want it to name %q)", c.name, code, stderr, c.want)
		}
	}
}

// TestImplicitWorkflow trains an mlp for the implicit task, which tests by
// ranking beside most-popular, then evaluates it: no rating accuracy, every
// test row relevant.
func TestImplicitWorkflow(t *testing.T) {
	dir := t.TempDir()
	data := smallData(t, dir)
	modelPath := filepath.Join(dir, "imp.recnet")
	stdout, stderr, code := run(t, "train", "--kind", "mlp", "--task", "implicit", "--layers", "16,8", "--dim", "8",
		"--data", data, "--quiet", "--epochs", "3", "--out", modelPath)
	if code != 0 {
		t.Fatalf("train exit %d: %s", code, stderr)
	}
	for _, want := range []string{"implicit task with 4 negatives", "HR@10", "most popular baseline", "val_loss"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("train output lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "RMSE") {
		t.Errorf("an implicit model's report shows an RMSE:\n%s", stdout)
	}
	stdout, stderr, code = run(t, "eval", "--model", modelPath, "--data", data, "--json")
	if code != 0 {
		t.Fatalf("eval exit %d: %s", code, stderr)
	}
	var got struct {
		Accuracy *json.RawMessage `json:"accuracy"`
		Ranking  struct {
			Users      int `json:"users"`
			NoRelevant int `json:"no_relevant"`
		} `json:"ranking"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if got.Accuracy != nil || got.Ranking.Users == 0 || got.Ranking.NoRelevant != 0 {
		t.Errorf("eval of an implicit model: accuracy %v, %d users ranked, %d without a relevant row; want no accuracy, every test row relevant",
			got.Accuracy, got.Ranking.Users, got.Ranking.NoRelevant)
	}
}

// TestPretrainedNeuMF starts a neumf from a dot and an mlp model through
// the command; a pair that is not one dot and one mlp is bad input.
func TestPretrainedNeuMF(t *testing.T) {
	dir := t.TempDir()
	data := smallData(t, dir)
	dot, mlp := filepath.Join(dir, "dot.recnet"), filepath.Join(dir, "mlp.recnet")
	for _, args := range [][]string{
		{"--dim", "6", "--out", dot},
		{"--kind", "mlp", "--dim", "6", "--layers", "12,6", "--out", mlp},
	} {
		if _, stderr, code := run(t, append([]string{"train", "--data", data, "--quiet", "--epochs", "2"}, args...)...); code != 0 {
			t.Fatalf("train %v: exit %d: %s", args, code, stderr)
		}
	}
	stdout, stderr, code := run(t, "train", "--kind", "neumf", "--pretrained", dot+","+mlp, "--data", data, "--quiet", "--epochs", "2")
	if code != 0 {
		t.Fatalf("pretrained neumf: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "model neumf: dim 6, layers 12,6") {
		t.Errorf("the neumf does not take the pretrained dim and layers:\n%s", stdout)
	}
	if _, stderr, code := run(t, "train", "--kind", "neumf", "--pretrained", dot+","+dot, "--data", data, "--quiet"); code != 2 || !strings.Contains(stderr, "one dot and one mlp") {
		t.Errorf("two dot models: exit %d, %s; want 2 naming the need for one dot and one mlp", code, stderr)
	}
}

// TestImplicitDotValNDCG: an implicit dot shows its validation NDCG@10 per
// epoch, in the output and in --json's epochs; mlp's epochs have none.
func TestImplicitDotValNDCG(t *testing.T) {
	dir := t.TempDir()
	data := smallData(t, dir)
	for _, kind := range []string{"dot", "mlp"} {
		stdout, stderr, code := run(t, "train", "--kind", kind, "--task", "implicit", "--dim", "8",
			"--data", data, "--quiet", "--epochs", "2")
		if code != 0 {
			t.Fatalf("%s: train exit %d: %s", kind, code, stderr)
		}
		if got := strings.Contains(stdout, "val_ndcg@10: "); got != (kind == "dot") {
			t.Errorf("%s: output shows val_ndcg@10 %v, want %v:\n%s", kind, got, kind == "dot", stdout)
		}
		stdout, stderr, code = run(t, "train", "--kind", kind, "--task", "implicit", "--dim", "8",
			"--data", data, "--quiet", "--epochs", "2", "--json")
		if code != 0 {
			t.Fatalf("%s: train --json exit %d: %s", kind, code, stderr)
		}
		var got struct {
			Epochs []map[string]any `json:"epochs"`
		}
		if err := json.Unmarshal([]byte(stdout), &got); err != nil || len(got.Epochs) != 2 {
			t.Fatalf("%s: --json epochs %v (%v):\n%s", kind, got.Epochs, err, stdout)
		}
		for _, e := range got.Epochs {
			v, ok := e["val_ndcg"].(float64)
			if ok != (kind == "dot") || (ok && !(v >= 0 && v <= 1)) {
				t.Errorf("%s: epoch %v: val_ndcg %v (present %v)", kind, e["epoch"], e["val_ndcg"], ok)
			}
		}
	}
}
