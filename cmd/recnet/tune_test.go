package main

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/recnet/recnet/model"
)

// TestTuneSpacesHelp checks that tune's help gives a kind whose space
// draws the epochs its patience only, not a fixed number of epochs beside
// the drawn ones.
func TestTuneSpacesHelp(t *testing.T) {
	stdout, _, _ := run(t, "tune", "--help")
	help := strings.Join(strings.Fields(stdout), " ")
	if strings.Contains(help, "up to 200 epochs") {
		t.Errorf("a space that draws the epochs (10..200) gives a number of them too:\n%s", stdout)
	}
	for _, w := range []string{"epochs 10..200, patience 20.", "epochs 10..200, patience 10.", "up to 100 epochs, patience 3.",
		"activation {linear,relu,sigmoid} (rating task)", "negatives {1,2,4,8,16,32} (--task implicit)"} {
		if !strings.Contains(help, w) {
			t.Errorf("tune --help does not say %q:\n%s", w, stdout)
		}
	}
}

// TestTuneRefusals checks that tune refuses, with exit 2 naming the flag
// and before reading the data, a kind without a search space (saying so,
// not that it is unknown) and --negatives without --task implicit.
func TestTuneRefusals(t *testing.T) {
	never := filepath.Join(t.TempDir(), "never-read.csv")
	cases := []struct {
		args []string
		want []string
	}{
		{[]string{"--kind", "mean"}, []string{"--kind mean: has no search space", "fitted without training settings", "tunable kinds: " + strings.Join(model.Tunable(), ", ")}},
		{[]string{"--kind", "bias"}, []string{"--kind bias: has no search space", "fitted without training settings"}},
		{[]string{"--negatives", "3"}, []string{"--negatives: applies with --task implicit only"}},
		{[]string{"--task", "rating", "--negatives", "3"}, []string{"--negatives: applies with --task implicit only"}},
		{[]string{"--task", "implicit", "--negatives", "0"}, []string{"--negatives 0", "1 to 1000"}},
		{[]string{"--kind", "ials", "--negatives", "3"}, []string{"--negatives: ials does not read it", "sampled negatives"}},
	}
	for _, c := range cases {
		args := append([]string{"tune", "--data", never}, c.args...)
		t.Run(strings.Join(c.args, " "), func(t *testing.T) { refusedBeforeData(t, args, c.want...) })
	}
}

// tuneJSON runs tune --json with args on data and returns its object and
// the value at path (lookup's dotted form) of each trial's config.
func tuneJSON(t *testing.T, data, path string, args ...string) (map[string]any, []any) {
	t.Helper()
	stdout, stderr, code := run(t, append([]string{"tune", "--data", data, "--workers", "1", "--json"}, args...)...)
	if code != 0 {
		t.Fatalf("tune %v: exit %d: %s", args, code, stderr)
	}
	var res map[string]any
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("--json output is not one JSON object: %v\n%s", err, stdout)
	}
	trials, _ := res["trials"].([]any)
	var values []any
	for _, tr := range trials {
		v, _ := lookup(tr.(map[string]any), "config."+path)
		values = append(values, v)
	}
	return res, values
}

// TestTuneNegatives checks that tune --task implicit trains every trial
// with the --negatives given, draws them from the kind's space without
// it (the first draws of seed 42 differ), and that its JSON names the kind
// "kind".
func TestTuneNegatives(t *testing.T) {
	data := smallData(t, t.TempDir())
	res, given := tuneJSON(t, data, "training.negatives", "--task", "implicit", "--negatives", "2", "--trials", "3")
	if !slices.Equal(given, []any{2.0, 2.0, 2.0}) {
		t.Errorf("with --negatives 2, the trials train with %v negatives, want 2 each", given)
	}
	if v, _ := lookup(res, "best.config.training.negatives"); v != 2.0 {
		t.Errorf("best.config.training.negatives = %v, want 2", v)
	}
	_, drawn := tuneJSON(t, data, "training.negatives", "--task", "implicit", "--trials", "3")
	if len(drawn) != 3 || drawn[0] == drawn[1] && drawn[1] == drawn[2] {
		t.Errorf("without --negatives, the trials train with %v negatives, want draws that differ", drawn)
	}
	for _, v := range drawn {
		if n, ok := v.(float64); !ok || !slices.Contains(model.NegativesSpace, strconv.Itoa(int(n))) {
			t.Errorf("drew %v negatives, not one of %v", v, model.NegativesSpace)
		}
	}
	if v, _ := lookup(res, "kind"); v != "dot" {
		t.Errorf(`"kind" = %v, want "dot"`, v)
	}
	if _, ok := res["model"]; ok {
		t.Errorf(`the JSON has "model", which names a file elsewhere: %v`, res["model"])
	}
}

// TestTuneKindTask checks that tune searches a kind of the implicit task
// only (ials) for that task without --task, as train does.
func TestTuneKindTask(t *testing.T) {
	data := smallData(t, t.TempDir())
	res, tasks := tuneJSON(t, data, "training.task", "--kind", "ials", "--trials", "1")
	if !slices.Equal(tasks, []any{model.TaskImplicit}) {
		t.Errorf("tune --kind ials: trials of task %v, want implicit", tasks)
	}
	if res["ranking"] == nil {
		t.Errorf("tune --kind ials: no test ranking in %v", res)
	}
}
