package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSVDppModel trains dot and mf with --svdpp on the built-in data and
// uses the saved model: its summary names the y table, a new learner
// folds in with an exact explanation, and eval reads it.
func TestSVDppModel(t *testing.T) {
	for _, kind := range []string{"dot", "mf"} {
		path := filepath.Join(t.TempDir(), kind+".recnet")
		if out, errs, code := run(t, "train", "--kind", kind, "--svdpp", "--epochs", "2", "--out", path); code != 0 || !strings.Contains(out, "svdpp") {
			t.Fatalf("%s: train exit %d, no svdpp in its settings:\n%s%s", kind, code, out, errs)
		}
		if out, errs, code := run(t, "summary", "--model", path); code != 0 || !strings.Contains(out, "rated_embedding") {
			t.Errorf("%s: summary exit %d, no rated_embedding:\n%s%s", kind, code, out, errs)
		}
		out, errs, code := run(t, "recommend", "--model", path, "--rated", "BC0101EN=5,CC0101EN=4", "--explain", "--json")
		var res struct {
			Exact bool `json:"because_exact"`
			Recs  []struct {
				Because []struct{ Item string } `json:"because"`
			} `json:"recommendations"`
		}
		if code != 0 || json.Unmarshal([]byte(out), &res) != nil || !res.Exact || len(res.Recs) == 0 {
			t.Errorf("%s: recommend --rated --explain exit %d, exact %v, %d recommendations:\n%s%s", kind, code, res.Exact, len(res.Recs), out, errs)
		}
		if out, errs, code := run(t, "eval", "--model", path); code != 0 || !strings.Contains(out, "recnet "+kind) {
			t.Errorf("%s: eval exit %d:\n%s%s", kind, code, out, errs)
		}
	}
}

// TestSVDppBlendMember blends dot trained with --svdpp and bias: the file
// is version 4, as the member's y table needs, and the blend folds in.
func TestSVDppBlendMember(t *testing.T) {
	path := filepath.Join(t.TempDir(), "blend.recnet")
	if out, errs, code := run(t, "blend", "--kinds", "dot,bias", "--svdpp", "--epochs", "2", "--out", path, "--quiet"); code != 0 {
		t.Fatalf("blend exit %d:\n%s%s", code, out, errs)
	}
	b, err := os.ReadFile(path)
	if err != nil || len(b) < 12 || b[8] != 4 {
		t.Fatalf("blend file: %v, version byte %v, want 4", err, b[8:12])
	}
	if out, errs, code := run(t, "recommend", "--model", path, "--rated", "BC0101EN=5,CC0101EN=4"); code != 0 {
		t.Errorf("recommend exit %d:\n%s%s", code, out, errs)
	}
}
