package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestFlagDoesNotApply checks that a model flag the user set which the
// chosen kind, task, optimizer or init does not read is refused with exit
// 2 naming it, before any data is read (the data file does not exist).
func TestFlagDoesNotApply(t *testing.T) {
	data := filepath.Join(t.TempDir(), "missing.csv")
	cases := []struct {
		flag string
		args []string
	}{
		{"--lr", []string{"--model", "nmf", "--lr", "0.01"}},
		{"--optimizer", []string{"--model", "nmf", "--optimizer", "adam"}},
		{"--batch", []string{"--model", "nmf", "--batch", "64"}},
		{"--dim", []string{"--model", "bias", "--dim", "8"}},
		{"--epochs", []string{"--model", "mean", "--epochs", "3"}},
		{"--lr", []string{"--model", "bias", "--lr", "0.1"}},
		{"--optimizer", []string{"--model", "mf", "--optimizer", "adam"}},
		{"--activation", []string{"--model", "mf", "--activation", "relu"}},
		{"--threads", []string{"--model", "mf", "--threads", "2"}},
		{"--batch", []string{"--model", "mf", "--batch", "64"}},
		{"--beta1", []string{"--model", "mf", "--beta1", "0.5"}},
		{"--layers", []string{"--model", "dot", "--layers", "8"}},
		{"--dropout", []string{"--model", "dot", "--dropout", "0.5"}},
		{"--threads", []string{"--model", "mlp", "--threads", "2"}},
		{"--activation", []string{"--task", "implicit", "--activation", "relu"}},
		{"--scale", []string{"--task", "implicit", "--scale=false"}},
		{"--negatives", []string{"--negatives", "3"}},
		{"--beta1", []string{"--optimizer", "adagrad", "--beta1", "0.5"}},
		{"--beta2", []string{"--optimizer", "sgd", "--beta2", "0.5"}},
		{"--eps", []string{"--optimizer", "sgd", "--eps", "1e-3"}},
		{"--init-std", []string{"--init", "he_normal", "--init-std", "0.1"}},
		{"--task", []string{"--model", "mf", "--task", "implicit"}},
	}
	for _, c := range cases {
		args := append([]string{"train", "--data", data}, c.args...)
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			_, stderr, code := run(t, args...)
			if code != 2 || !strings.Contains(stderr, c.flag+": does not apply") {
				t.Errorf("exit %d, stderr %q; want exit 2 saying %s does not apply", code, stderr, c.flag)
			}
		})
	}
	// What each kind reads is accepted (the data file's absence is the
	// error).
	for _, args := range [][]string{
		{"--model", "mf", "--optimizer", "sgd", "--lr", "0.01", "--init-std", "0.1", "--scale=false", "--bias-l2", "0.1"},
		{"--model", "nmf", "--dim", "8", "--l2", "0.1", "--epochs", "3"},
		{"--model", "mlp", "--layers", "8", "--dropout", "0.1"},
		{"--optimizer", "adagrad", "--eps", "1e-6", "--threads", "2"},
		{"--task", "implicit", "--negatives", "3"},
		{"--preset", "seed", "--model", "dot"},
	} {
		_, stderr, code := run(t, append([]string{"train", "--data", data}, args...)...)
		if strings.Contains(stderr, "does not apply") || !strings.Contains(stderr, "missing.csv") {
			t.Errorf("%v: exit %d, %q; want the missing file as the error", args, code, stderr)
		}
	}
}
