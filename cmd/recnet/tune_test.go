package main

import (
	"encoding/json"
	"github.com/recnet/recnet/model"
	"path/filepath"
	"strings"
	"testing"
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
	for _, w := range []string{"epochs 10..200, patience 20.", "epochs 10..200, patience 10.", "up to 100 epochs, patience 3."} {
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
	}
	for _, c := range cases {
		args := append([]string{"tune", "--data", never}, c.args...)
		t.Run(strings.Join(c.args, " "), func(t *testing.T) { refusedBeforeData(t, args, c.want...) })
	}
}

// TestTuneNegatives checks that tune --task implicit trains with the
// --negatives given, and that its JSON names the kind "kind".
func TestTuneNegatives(t *testing.T) {
	data := smallData(t, t.TempDir())
	stdout, stderr, code := run(t, "tune", "--data", data, "--task", "implicit", "--negatives", "2", "--trials", "1", "--workers", "1", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var res map[string]any
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("--json output is not one JSON object: %v\n%s", err, stdout)
	}
	if v, _ := lookup(res, "best.config.training.negatives"); v != 2.0 {
		t.Errorf("best.config.training.negatives = %v, want 2", v)
	}
	if v, _ := lookup(res, "kind"); v != "dot" {
		t.Errorf(`"kind" = %v, want "dot"`, v)
	}
	if _, ok := res["model"]; ok {
		t.Errorf(`the JSON has "model", which names a file elsewhere: %v`, res["model"])
	}
}
