package main

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/recnet/recnet/train"
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
		{"mlp", []string{"--kind", "mlp", "--optimizer", "sgd"}},
		{"mf", []string{"--kind", "mf"}},
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

// TestDivergedMessageOnce checks the one divergence message: the library's
// text names the epoch and no flag; train adds, once, a lower --lr naming
// the value given, and the other settings given.
func TestDivergedMessageOnce(t *testing.T) {
	lib := (&train.DivergedError{Epoch: 2, Loss: math.NaN(), ValLoss: math.NaN()}).Error()
	if strings.Contains(lib, "--") || strings.Contains(lib, "try") {
		t.Errorf("library text gives CLI advice: %s", lib)
	}
	data := smallData(t, t.TempDir())
	_, stderr, code := run(t, "train", "--data", data, "-q", "--epochs", "2", "--lr", "1e30", "--batch", "64")
	if code != 1 || !strings.Contains(stderr, "epoch 1") || !strings.Contains(stderr, "a lower --lr (now 1e+30)") ||
		!strings.Contains(stderr, "--batch 64") || strings.Count(stderr, "try") != 1 || !strings.Contains(stderr, "and nothing was saved; try") {
		t.Errorf("exit %d, want 1 with one hint naming the epoch, --lr 1e30 and --batch 64, after saying nothing was saved: %s", code, stderr)
	}
}

// TestTrainTooLarge asks for a net whose batch buffers would take
// terabytes: refused with exit 2 before training, saying the size.
func TestTrainTooLarge(t *testing.T) {
	data := smallData(t, t.TempDir())
	stdout, stderr, code := run(t, "train", "--data", data, "-q", "--kind", "mlp", "--dim", "4096", "--batch", "1048576",
		"--task", "implicit", "--negatives", "1000", "--layers", strings.Repeat("4096,", 15)+"4096")
	if code != 2 || !strings.Contains(stderr, "too large to train") || strings.Contains(stdout, "Epoch") {
		t.Errorf("exit %d, want 2 with too large to train: %s", code, stderr)
	}
}

// TestConstantRatingsRefused gives train, tune and cv a table whose
// ratings (of the part trained on) are all 4: exit 2 saying so before any work (train said "try a
// lower --lr", exit 1), with or without scaling; --task implicit trains.
func TestConstantRatingsRefused(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("user,item,rating\n")
	for u := range 60 {
		for i := range 5 {
			fmt.Fprintf(&b, "u%d,i%d,4\n", u, i)
		}
	}
	data := write(t, dir, "const.csv", b.String())
	for _, args := range [][]string{
		{"train", "--data", data, "-q"},
		{"train", "--data", data, "-q", "--scale=false"},
		{"tune", "--data", data, "--trials", "1"},
		{"cv", "--data", data},
	} {
		stdout, stderr, code := run(t, args...)
		// The count is of the training part (240 of 300 by the default split).
		if code != 2 || !strings.Contains(stderr, "ratings of "+data+" are 4: nothing to learn") ||
			!strings.Contains(stderr, "--task implicit") || strings.Contains(stdout, "Epoch") {
			t.Errorf("%v: exit %d, want 2 saying all 300 ratings are 4; stderr: %s", args, code, stderr)
		}
	}
	// A constant training file beside a varied test file: the training
	// part is what is learned from, refused the same way.
	varied := write(t, dir, "varied.csv", "user,item,rating\nu1,i1,3\nu2,i2,5\n")
	stdout, stderr, code := run(t, "train", "--train", data, "--test", varied, "-q")
	if code != 2 || !strings.Contains(stderr, "are 4: nothing to learn") || !strings.Contains(stderr, "--task implicit") || strings.Contains(stdout, "Epoch") {
		t.Errorf("constant --train: exit %d, want 2 saying the ratings are all 4 and naming --task implicit; stderr: %s", code, stderr)
	}
	if _, stderr, code := run(t, "train", "--data", data, "-q", "--task", "implicit", "--epochs", "1"); code == 2 || strings.Contains(stderr, "nothing to learn") {
		t.Errorf("--task implicit: exit %d, refused: %s", code, stderr)
	}
}

// TestEvalNCFFitErrors checks that eval --protocol ncf treats its training
// as train does: too large is bad input (exit 2), a diverged run names
// --lr, and a run that never improved on its initial weights exits 1
// saying so instead of reporting the untrained model.
func TestEvalNCFFitErrors(t *testing.T) {
	cases := []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"too large", []string{"--kind", "mlp", "--dim", "4096", "--batch", "1048576", "--task", "implicit",
			"--negatives", "1000", "--layers", strings.Repeat("4096,", 15) + "4096"}, 2, []string{"too large to train"}},
		{"diverged", []string{"--lr", "1e30", "--epochs", "2"}, 1, []string{"epoch 1", "a lower --lr (now 1e+30)"}},
		{"never improved", []string{"--lr", "0.5", "--epochs", "3", "--patience", "2"}, 1, []string{"improved on the initial weights", "a lower --lr (now 0.5)"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stdout, stderr, code := run(t, append([]string{"eval", "--protocol", "ncf", "-q"}, c.args...)...)
			if code != c.code {
				t.Errorf("exit %d, want %d; stderr %q", code, c.code, stderr)
			}
			for _, w := range c.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q does not say %q", stderr, w)
				}
			}
			if strings.Contains(stdout, "HR@") {
				t.Errorf("reported the model:\n%s", stdout)
			}
			// eval saves nothing, ever: its failure does not say so.
			if c.code == 1 && strings.Contains(stderr, "saved") {
				t.Errorf("stderr %q speaks of saving, which eval never does", stderr)
			}
		})
	}
}

// TestIALSDivergedHint: ials has no learning rate; its divergence names
// --alpha and --l2, and no learning rate, and the epoch lines of a run
// without validation have no NaN columns.
func TestIALSDivergedHint(t *testing.T) {
	dir := t.TempDir()
	data := coldData(t, dir)
	stdout, stderr, code := run(t, "train", "--data", data, "--kind", "ials", "--alpha", "1e30", "--epochs", "2", "-q", "--out", filepath.Join(dir, "never.recnet"))
	if code != 1 || !strings.Contains(stderr, "--alpha (now 1e+30)") || !strings.Contains(stderr, "--l2") || strings.Contains(stderr, "learning rate") || strings.Contains(stderr, "--lr") {
		t.Errorf("ials diverged: exit %d, stderr %q; want 1 naming --alpha and --l2, not the learning rate", code, stderr)
	}
	if strings.Contains(stdout, "val_loss: NaN") || !strings.Contains(stdout, "Epoch 1/2") {
		t.Errorf("ials epoch lines:\n%s", stdout)
	}
}
