package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTrainDiverged checks that a run whose loss blows up exits 1 saying
// the epoch and to lower --lr, and saves nothing: a new --out is not
// created, an existing one is left as it was.
func TestTrainDiverged(t *testing.T) {
	dir := t.TempDir()
	data := smallData(t, dir)
	keep := filepath.Join(dir, "keep.recnet")
	if _, stderr, code := run(t, "train", "--data", data, "--quiet", "--epochs", "1", "--out", keep); code != 0 {
		t.Fatalf("train: exit %d: %s", code, stderr)
	}
	before, _ := os.ReadFile(keep)
	cases := []struct {
		name string
		args []string
	}{
		{"no early stopping", []string{"--patience", "-1"}},
		{"early stopping", []string{"--patience", "3"}},
		{"mlp", []string{"--model", "mlp", "--optimizer", "sgd"}},
		{"mf", []string{"--model", "mf"}},
		{"json", []string{"--json"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, out := range []string{filepath.Join(dir, "new.recnet"), keep} {
				args := append([]string{"train", "--data", data, "--quiet", "--epochs", "3", "--lr", "1e30", "--out", out}, c.args...)
				stdout, stderr, code := run(t, args...)
				if code != 1 {
					t.Errorf("exit %d, want 1; stderr: %s", code, stderr)
				}
				if !strings.Contains(stderr, "epoch") || !strings.Contains(stderr, "--lr") {
					t.Errorf("error does not say the epoch and --lr: %s", stderr)
				}
				if strings.Contains(stdout+stderr, "model saved") {
					t.Errorf("says the model was saved:\n%s", stdout)
				}
				if out == keep {
					if after, _ := os.ReadFile(keep); !bytes.Equal(before, after) {
						t.Error("the existing model file was changed")
					}
				} else if _, err := os.Stat(out); err == nil {
					t.Errorf("%s was written", out)
				}
			}
		})
	}
}
