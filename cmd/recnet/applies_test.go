package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestFlagDoesNotApply checks that a model flag the user set which the
// chosen kind, task, optimizer or init does not read is refused with exit
// 2 naming it, before any data is read (the data file does not exist), by
// train and by eval --protocol ncf (which let --lr of nmf pass unread
// before its flags were visited by their Changed field).
func TestFlagDoesNotApply(t *testing.T) {
	data := filepath.Join(t.TempDir(), "missing.csv")
	cases := []struct {
		flag string
		args []string
	}{
		{"--lr", []string{"--kind", "nmf", "--lr", "0.01"}},
		{"--optimizer", []string{"--kind", "nmf", "--optimizer", "adam"}},
		{"--batch", []string{"--kind", "nmf", "--batch", "64"}},
		{"--dim", []string{"--kind", "bias", "--dim", "8"}},
		{"--epochs", []string{"--kind", "mean", "--epochs", "3"}},
		{"--lr", []string{"--kind", "bias", "--lr", "0.1"}},
		{"--optimizer", []string{"--kind", "mf", "--optimizer", "adam"}},
		{"--activation", []string{"--kind", "mf", "--activation", "relu"}},
		{"--threads", []string{"--kind", "mf", "--threads", "2"}},
		{"--batch", []string{"--kind", "mf", "--batch", "64"}},
		{"--beta1", []string{"--kind", "mf", "--beta1", "0.5"}},
		{"--layers", []string{"--kind", "dot", "--layers", "8"}},
		{"--dropout", []string{"--kind", "dot", "--dropout", "0.5"}},
		{"--threads", []string{"--kind", "mlp", "--threads", "2"}},
		{"--activation", []string{"--task", "implicit", "--activation", "relu"}},
		{"--scale", []string{"--task", "implicit", "--scale=false"}},
		{"--negatives", []string{"--negatives", "3"}},
		{"--beta1", []string{"--optimizer", "adagrad", "--beta1", "0.5"}},
		{"--beta2", []string{"--optimizer", "sgd", "--beta2", "0.5"}},
		{"--eps", []string{"--optimizer", "sgd", "--eps", "1e-3"}},
		{"--init-std", []string{"--init", "he_normal", "--init-std", "0.1"}},
		{"--task", []string{"--kind", "mf", "--task", "implicit"}},
	}
	// eval --protocol ncf takes train's model flags, and refuses them alike.
	for _, cmd := range [][]string{{"train"}, {"eval", "--protocol", "ncf"}} {
		for _, c := range cases {
			args := append(append(append([]string{}, cmd...), "--data", data), c.args...)
			t.Run(strings.Join(args, " "), func(t *testing.T) {
				_, stderr, code := run(t, args...)
				if code != 2 || !strings.Contains(stderr, c.flag+": does not apply") {
					t.Errorf("exit %d, stderr %q; want exit 2 saying %s does not apply", code, stderr, c.flag)
				}
			})
		}
	}
	// What each kind reads is accepted (the data file's absence is the
	// error).
	for _, args := range [][]string{
		{"--kind", "mf", "--optimizer", "sgd", "--lr", "0.01", "--init-std", "0.1", "--scale=false", "--bias-l2", "0.1"},
		{"--kind", "nmf", "--dim", "8", "--l2", "0.1", "--epochs", "3"},
		{"--kind", "mlp", "--layers", "8", "--dropout", "0.1"},
		{"--optimizer", "adagrad", "--eps", "1e-6", "--threads", "2"},
		{"--task", "implicit", "--negatives", "3"},
		{"--preset", "seed", "--kind", "dot"},
	} {
		_, stderr, code := run(t, append([]string{"train", "--data", data}, args...)...)
		if strings.Contains(stderr, "does not apply") || !strings.Contains(stderr, "missing.csv") {
			t.Errorf("%v: exit %d, %q; want the missing file as the error", args, code, stderr)
		}
	}
}
