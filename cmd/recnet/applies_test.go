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
// before its flags were visited by their Changed field). So are the flags
// that once let a setting through to fail later, or be ignored: --preset
// with a kind other than dot (presets are dot's settings), an --optimizer
// the kind does not train with, and the flags --pretrained (of train)
// leaves without effect.
func TestFlagDoesNotApply(t *testing.T) {
	data := filepath.Join(t.TempDir(), "never-read.csv")
	cases := []struct {
		flag string
		args []string
		want []string // in stderr; default: flag does not apply
		// trainOnly is set for a flag of train alone.
		trainOnly bool
	}{
		{flag: "--lr", args: []string{"--kind", "nmf", "--lr", "0.01"}},
		{flag: "--optimizer", args: []string{"--kind", "nmf", "--optimizer", "adam"}},
		{flag: "--batch", args: []string{"--kind", "nmf", "--batch", "64"}},
		{flag: "--dim", args: []string{"--kind", "bias", "--dim", "8"}},
		{flag: "--epochs", args: []string{"--kind", "mean", "--epochs", "3"}},
		{flag: "--lr", args: []string{"--kind", "bias", "--lr", "0.1"}},
		{flag: "--activation", args: []string{"--kind", "mf", "--activation", "relu"}},
		{flag: "--threads", args: []string{"--kind", "mf", "--threads", "2"}},
		{flag: "--batch", args: []string{"--kind", "mf", "--batch", "64"}},
		{flag: "--beta1", args: []string{"--kind", "mf", "--beta1", "0.5"}},
		{flag: "--layers", args: []string{"--kind", "dot", "--layers", "8"}},
		{flag: "--dropout", args: []string{"--kind", "dot", "--dropout", "0.5"}},
		{flag: "--threads", args: []string{"--kind", "mlp", "--threads", "2"}},
		{flag: "--activation", args: []string{"--task", "implicit", "--activation", "relu"}},
		{flag: "--scale", args: []string{"--task", "implicit", "--scale=false"}},
		{flag: "--negatives", args: []string{"--negatives", "3"}},
		{flag: "--beta1", args: []string{"--optimizer", "adagrad", "--beta1", "0.5"}},
		{flag: "--beta2", args: []string{"--optimizer", "sgd", "--beta2", "0.5"}},
		{flag: "--eps", args: []string{"--optimizer", "sgd", "--eps", "1e-3"}},
		{flag: "--init-std", args: []string{"--init", "he_normal", "--init-std", "0.1"}},
		{flag: "--task", args: []string{"--kind", "mf", "--task", "implicit"}},
		{args: []string{"--kind", "nmf", "--preset", "seed"}, want: []string{"--preset: presets are dot's; --kind nmf starts from its own defaults"}},
		{args: []string{"--kind", "mf", "--preset", "default"}, want: []string{"--preset: presets are dot's; --kind mf starts from its own defaults"}},
		{args: []string{"--kind", "mean", "--preset", "seed"}, want: []string{"--preset: presets are dot's; --kind mean starts from its own defaults"}},
		{args: []string{"--kind", "mlp", "--optimizer", "adagrad"}, want: []string{"--optimizer adagrad", "mlp", "adam, sgd"}},
		{args: []string{"--kind", "neumf", "--optimizer", "adagrad"}, want: []string{"--optimizer adagrad", "neumf", "adam, sgd"}},
		{args: []string{"--kind", "mf", "--optimizer", "adam"}, want: []string{"--optimizer adam", "mf", "sgd"}},
		{args: []string{"--kind", "neumf", "--pretrained", "a,b", "--dim", "8"}, want: []string{"--dim: does not apply with --pretrained"}, trainOnly: true},
		{args: []string{"--kind", "neumf", "--pretrained", "a,b", "--layers", "8"}, want: []string{"--layers: does not apply with --pretrained"}, trainOnly: true},
		{args: []string{"--kind", "neumf", "--pretrained", "a,b", "--init", "normal"}, want: []string{"--init: does not apply with --pretrained"}, trainOnly: true},
		{args: []string{"--kind", "neumf", "--pretrained", "a,b", "--init-std", "0.1"}, want: []string{"--init-std: does not apply with --pretrained"}, trainOnly: true},
		{args: []string{"--kind", "neumf", "--pretrained", "a,b", "--activation", "tanh"}, want: []string{"--activation: does not apply with --pretrained"}, trainOnly: true},
		{args: []string{"--pretrained", "a,b"}, want: []string{"--pretrained starts a neumf; the model is dot"}, trainOnly: true},
	}
	// eval --protocol ncf takes train's model flags, and refuses them alike.
	for _, cmd := range [][]string{{"train"}, {"eval", "--protocol", "ncf"}} {
		for _, c := range cases {
			if c.trainOnly && cmd[0] != "train" {
				continue
			}
			args := append(append(append([]string{}, cmd...), "--data", data), c.args...)
			want := c.want
			if want == nil {
				want = []string{c.flag + ": does not apply"}
			}
			t.Run(strings.Join(args, " "), func(t *testing.T) { refusedBeforeData(t, args, want...) })
		}
	}
	// What each kind reads is accepted, dot takes either preset, and each
	// kind the optimizers it trains with (the data file's absence is the
	// error).
	for _, args := range [][]string{
		{"--kind", "mf", "--optimizer", "sgd", "--lr", "0.01", "--init-std", "0.1", "--scale=false", "--bias-l2", "0.1"},
		{"--kind", "nmf", "--dim", "8", "--l2", "0.1", "--epochs", "3"},
		{"--kind", "mlp", "--layers", "8", "--dropout", "0.1"},
		{"--optimizer", "adagrad", "--eps", "1e-6", "--threads", "2"},
		{"--task", "implicit", "--negatives", "3"},
		{"--preset", "seed", "--kind", "dot"},
		{"--preset", "seed"}, {"--kind", "dot", "--preset", "default"}, {"--kind", "mlp", "--optimizer", "sgd"},
	} {
		_, stderr, code := run(t, append([]string{"train", "--data", data}, args...)...)
		if code != 2 || strings.Contains(stderr, "does not apply") || !strings.Contains(stderr, "never-read.csv") {
			t.Errorf("%v: exit %d, %q; want the missing file as the error", args, code, stderr)
		}
	}
}
