package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRefusedBeforeWork checks flags refused with exit 2 and a message
// that names the flag and says why, before any data is read or model
// trained: a command that reads a table is given a --data that does not
// exist, so a refusal that came after reading it (or an output refused
// only when written) would report the missing file instead, and no
// "data ..." line may be printed.
func TestRefusedBeforeWork(t *testing.T) {
	dir := t.TempDir()
	file := write(t, dir, "data.csv", "user,item,rating\nu,a,4\n")
	never := filepath.Join(dir, "never-read.csv")
	cases := []struct {
		args []string
		want []string // in stderr
	}{
		{[]string{"train", "--l2", "-1"}, []string{"--l2 -1", "at least 0"}},
		{[]string{"train", "--bias-l2", "-1"}, []string{"--bias-l2 -1", "at least 0"}},
		{[]string{"load", "--seed", "0", "--model", filepath.Join(dir, "none.recnet")}, []string{"--seed 0"}},
		{[]string{"train", "--out", filepath.Join(dir, "nonexistent", "m.recnet")}, []string{"--out", "does not exist"}},
		{[]string{"train", "--plot", filepath.Join(file, "loss.png")}, []string{"--plot", "not a directory"}},
		{[]string{"help", "nope"}, []string{"nope"}},
		{[]string{"bench", "--shape", "foo"}, []string{"--shape", "builtin"}},
		{[]string{"train", "--split", "0,0.5,0.5"}, []string{"--split", "training fraction must be above 0"}},
		{[]string{"tune", "--valid-share", "0"}, []string{"--valid-share 0", "above 0", "validation part"}},
		{[]string{"cv", "--valid-share", "0"}, []string{"--valid-share 0", "above 0", "validation part"}},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			args := c.args
			if args[0] == "train" || args[0] == "tune" || args[0] == "cv" {
				args = append(args, "--data", never)
			}
			refusedBeforeData(t, args, c.want...)
		})
	}
}

// TestExportDirIsFile checks that export --dir naming a regular file is
// refused with exit 2, the file left as it was.
func TestExportDirIsFile(t *testing.T) {
	dir := t.TempDir()
	m := filepath.Join(dir, "m.recnet")
	if _, stderr, code := run(t, "train", "--epochs", "1", "-q", "--out", m); code != 0 {
		t.Fatalf("train: %d %s", code, stderr)
	}
	file := write(t, dir, "data.csv", "keep\n")
	_, stderr, code := run(t, "export", "--model", m, "--dir", file)
	if code != 2 || !strings.Contains(stderr, "--dir") || !strings.Contains(stderr, "not a directory") {
		t.Errorf("export --dir FILE: exit %d, %q; want 2 naming --dir", code, stderr)
	}
	if b, _ := os.ReadFile(file); string(b) != "keep\n" {
		t.Errorf("the file was changed: %q", b)
	}
}

// TestNeverImprovedNotSaved checks that a run whose epochs never beat the
// initial weights exits 1, says so in the report and in a one-line error
// naming what to try, and leaves --out as it was.
func TestNeverImprovedNotSaved(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "m.recnet")
	write(t, dir, "m.recnet", "old")
	stdout, stderr, code := run(t, "train", "--lr", "0.5", "--epochs", "3", "--patience", "2", "-q", "--out", out)
	if code != 1 || !strings.Contains(stderr, "improved on the initial weights") || !strings.Contains(stderr, "a lower --lr (now 0.5)") {
		t.Errorf("exit %d, stderr %q; want 1 saying no epoch improved and naming --lr", code, stderr)
	}
	if !strings.Contains(stdout, "never improved on its initial weights") || strings.Contains(stdout, "model saved") {
		t.Errorf("report:\n%s", stdout)
	}
	// The report says it in full; the error is short and does not repeat
	// the report's validation scores in its own words.
	if strings.Contains(stderr, "validation RMSE") || strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
		t.Errorf("the error repeats the report: %q", stderr)
	}
	if b, _ := os.ReadFile(out); string(b) != "old" {
		t.Error("--out was replaced")
	}
}

// TestPredictImplicitLabelled checks that predict labels an implicit-task
// model's score as a probability, and prints a rating model's bare.
func TestPredictImplicitLabelled(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		task, want string
	}{{"implicit", " probability\n"}, {"rating", ""}} {
		m := filepath.Join(dir, c.task+".recnet")
		if _, stderr, code := run(t, "train", "--epochs", "1", "-q", "--task", c.task, "--out", m); code != 0 {
			t.Fatalf("train: %d %s", code, stderr)
		}
		stdout, stderr, code := run(t, "predict", "--model", m, "--user", "328666", "--item", "BC0101EN")
		if code != 0 {
			t.Fatalf("predict: %d %s", code, stderr)
		}
		if c.want != "" && !strings.HasSuffix(stdout, c.want) || c.want == "" && strings.Contains(stdout, "probability") {
			t.Errorf("%s: predict printed %q", c.task, stdout)
		}
	}
}

// TestExportKindRefused: export of an ease model, which has no embedding
// tables, exits 2 naming the kind, as similar does, and writes nothing.
func TestExportKindRefused(t *testing.T) {
	dir := t.TempDir()
	m := filepath.Join(dir, "ease.recnet")
	if _, stderr, code := run(t, "train", "--kind", "ease", "-q", "--out", m); code != 0 {
		t.Fatalf("train: %d %s", code, stderr)
	}
	out := filepath.Join(dir, "emb")
	for _, args := range [][]string{{"export", "--model", m, "--dir", out}, {"similar", "--model", m, "--item", "PY0101EN"}} {
		if _, stderr, code := run(t, args...); code != 2 || !strings.Contains(stderr, "ease net has no") {
			t.Errorf("%s of an ease model: exit %d, %q; want 2 naming the kind", args[0], code, stderr)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("export of an ease model created %s", out)
	}
}
