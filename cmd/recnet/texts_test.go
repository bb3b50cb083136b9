package main

import (
	"encoding/json"
	"math"
	"path/filepath"
	"strings"
	"testing"
)

// jsonOf runs recnet with args, wanting exit 0 and one JSON object.
func jsonOf(t *testing.T, args ...string) map[string]any {
	t.Helper()
	stdout, stderr, code := run(t, args...)
	if code != 0 {
		t.Fatalf("%q: exit %d: %s", args, code, stderr)
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(stdout), &v); err != nil {
		t.Fatalf("%q: %v", args, err)
	}
	return v
}

// TestJSONAsText: train --json of ease gives its fit time, not 0; with
// item features data.items counts the rated items as the text does and
// data.item_features says what the file gave; eval --split items --json
// says how it split; most-popular is the same in train's ranking and in
// eval --protocol loo of the saved model on the same split.
func TestJSONAsText(t *testing.T) {
	dir := t.TempDir()
	data, cat := featuresData(t, dir)
	m := filepath.Join(dir, "ease.recnet")
	v := jsonOf(t, "train", "--data", data, "--kind", "ease", "-q", "--json", "--out", m)
	if s, _ := lookup(v, "train_seconds"); !(asFloat(s) > 0) {
		t.Errorf("ease train_seconds = %v, want its fit time", s)
	}
	trained, _ := lookup(v, "ranking.most_popular.ndcg")
	loo := jsonOf(t, "eval", "--protocol", "loo", "--model", m, "--data", data, "--json")
	if got, _ := lookup(loo, "full_ranking.most_popular.ndcg"); got == nil || got != trained {
		t.Errorf("most-popular NDCG: train %v, eval --protocol loo --model %v; want the same", trained, got)
	}
	v = jsonOf(t, "train", "--data", data, "--task", "implicit", "--item-features", cat, "--epochs", "2", "-q", "--json", "--out", filepath.Join(dir, "f.recnet"))
	for key, want := range map[string]any{"data.items": 20.0, "data.item_features.added_items": 2.0, "data.item_features.features": 2.0, "data.split.kind": "random"} {
		if got, _ := lookup(v, key); got != want {
			t.Errorf("train --item-features --json: %s = %v, want %v", key, got, want)
		}
	}
	if n, _ := lookup(v, "data.item_features.new_items"); !(asFloat(n) >= 2) {
		t.Errorf("train --item-features --json: new_items %v, want at least the 2 added", n)
	}
	v = jsonOf(t, "eval", "--split", "items", "--data", data, "--task", "implicit", "--item-features", cat, "--epochs", "2", "-q", "--json")
	if got, _ := lookup(v, "data.split.kind"); got != "items" {
		t.Errorf("eval --split items --json: data.split.kind %v, want items", got)
	}
}

// TestHelpTexts: predict and recommend --help know relevance scores; tune
// --help separates autorec from its space; train --kind ials refuses
// --threads as bench describes it.
func TestHelpTexts(t *testing.T) {
	for _, cmd := range []string{"predict", "recommend"} {
		if out, _, _ := run(t, cmd, "--help"); !strings.Contains(out, `"relevance"`) {
			t.Errorf("%s --help does not name relevance scores", cmd)
		}
	}
	if out, _, _ := run(t, "tune", "--help"); strings.Contains(out, "autorecdim") || !strings.Contains(out, "l2 {50,100,250,500,1000}") {
		t.Errorf("tune --help: autorec's space runs into its name, or ease's grid lacks its default 1000:\n%s", out)
	}
	_, stderr, code := run(t, "train", "--kind", "ials", "--threads", "1", "-q", "--out", filepath.Join(t.TempDir(), "never.recnet"))
	if code != 2 || !strings.Contains(stderr, "bench --kind ials --threads") {
		t.Errorf("train --kind ials --threads: exit %d, %q; want 2 saying how ials uses cores", code, stderr)
	}
}

// asFloat returns a JSON number, or NaN for anything else.
func asFloat(v any) float64 {
	if f, ok := v.(float64); ok {
		return f
	}
	return math.NaN()
}
