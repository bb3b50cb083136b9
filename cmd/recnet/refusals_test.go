package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// noDataLine reports whether neither output says the data was read: every
// command that reads a table prints a line "data ..." first.
func noDataLine(stdout, stderr string) bool {
	for _, s := range []string{stdout, stderr} {
		for _, l := range strings.Split(s, "\n") {
			if strings.HasPrefix(l, "data ") || strings.HasPrefix(l, "data:") {
				return false
			}
		}
	}
	return true
}

// TestIgnoredFlagsRefused checks that every flag combination where a flag
// would have no effect is refused with exit 2 naming the flag, before any
// data is read: --data names a file that does not exist, so a check made
// after reading would report the missing file instead.
func TestIgnoredFlagsRefused(t *testing.T) {
	dir := t.TempDir()
	never := filepath.Join(dir, "never-read.csv")
	cases := []struct {
		args []string
		want []string // in stderr
	}{
		{[]string{"bench", "--data", never, "--rows", "100"}, []string{"--rows", "--data"}},
		{[]string{"bench", "--data", never, "--shape", "ml1m"}, []string{"--shape", "--data"}},
		{[]string{"bench", "--format", "csv"}, []string{"--format", "--data"}},
		{[]string{"bench", "--shape", "builtin", "--rows", "1000"}, []string{"--rows", "builtin"}},
		{[]string{"train", "--valid", never}, []string{"--valid", "--train"}},
		{[]string{"train", "--data", never, "--svdpp", "--threads", "2"}, []string{"--threads 2", "svdpp"}},
		{[]string{"train", "--data", never, "--svdpp", "--task", "implicit"}, []string{"--svdpp", "rating task"}},
		{[]string{"train", "--data", never, "--svdpp", "--kind", "ials"}, []string{"--svdpp", "does not apply"}},
		{[]string{"train", "--data", never, "--svdpp", "--item-features", "builtin"}, []string{"--svdpp", "--item-features"}},
		{[]string{"cv", "--data", never, "--svdpp", "--kinds", "bias,mean"}, []string{"--svdpp", "no kind"}},
		{[]string{"train", "--data", never, "--schedule", "blocked", "--batch", "64"}, []string{"--batch", "one rating at a time"}},
		{[]string{"train", "--data", never, "--schedule", "blocked", "--optimizer", "adam"}, []string{"--optimizer adam", "adagrad or sgd"}},
		{[]string{"train", "--data", never, "--schedule", "blocked", "--activation", "relu"}, []string{"--activation relu", "linear"}},
		{[]string{"train", "--data", never, "--schedule", "blocked", "--preset", "seed"}, []string{"--activation", "linear"}},
		{[]string{"train", "--data", never, "--schedule", "blocked", "--svdpp"}, []string{"--svdpp", "blocked"}},
		{[]string{"train", "--data", never, "--schedule", "blocked", "--task", "implicit"}, []string{"--task implicit", "blocked"}},
		{[]string{"train", "--data", never, "--schedule", "blocked", "--item-features", "builtin"}, []string{"--item-features", "blocked"}},
		{[]string{"train", "--data", never, "--schedule", "blocked", "--eps", "1e-8"}, []string{"--eps", "accumulator"}},
		{[]string{"train", "--data", never, "--schedule", "blocked", "--kind", "mlp"}, []string{"--schedule", "does not apply"}},
		{[]string{"train", "--data", never, "--schedule", "sideways"}, []string{"--schedule", "sideways"}},
		{[]string{"train", "--data", never, "--kind", "mf", "--threads", "2"}, []string{"--threads", "blocked"}},
		{[]string{"train", "--format", "csv"}, []string{"--format", "built-in"}},
		{[]string{"cv", "--format", "csv"}, []string{"--format", "built-in"}},
		{[]string{"tune", "--format", "csv"}, []string{"--format", "built-in"}},
		{[]string{"train", "--data", never, "--patience", "3", "--split", "0.9,0,0.1"}, []string{"--patience", "validation"}},
		{[]string{"train", "--train", never, "--test", never, "--valid-share", "0", "--patience", "3"}, []string{"--patience", "validation"}},
		{[]string{"tune", "--data", never, "--valid-share", "0.5"}, []string{"--valid-share", "--split"}},
		{[]string{"train", "--data", never, "--valid-share", "0.5"}, []string{"--valid-share", "--split"}},
		{[]string{"cv", "--data", never, "--kinds", "mean,bias", "--preset", "seed"}, []string{"--preset", "mean, bias"}},
		{[]string{"cv", "--data", never, "--kinds", "mean,bias", "--valid-share", "0.3"}, []string{"--valid-share", "mean, bias"}},
		{[]string{"cv", "--data", never, "--kinds", "dot,dot"}, []string{"--kinds", "dot", "twice"}},
		{[]string{"train", "--data", never, "--kind", "mean", "--task", "implicit"}, []string{"--task"}},
		{[]string{"train", "--data", never, "--kind", "bias", "--task", "implicit"}, []string{"--task"}},
		{[]string{"tune", "--data", never, "--kind", "mf", "--task", "implicit"}, []string{"--task", "mf"}},
		{[]string{"tune", "--data", never, "--kind", "nmf", "--task", "implicit"}, []string{"--task", "nmf"}},
		{[]string{"tune", "--data", never, "--kind", "ials", "--task", "rating"}, []string{"--task", "ials", "implicit task only"}},
		{[]string{"eval", "--data", never, "--protocol", "ncf", "--kind", "mf", "--task", "implicit"}, []string{"--task", "mf"}},
		{[]string{"recommend", "--model", never, "--rated", "a=4", "--lambda", "1e-300"}, []string{"--lambda", "at least"}},
		{[]string{"completion", "nope"}, []string{"completion"}},
		{[]string{"eval", "--train", never, "--test", never + "2", "--format", "bogus"}, []string{"--format", "known: "}},
		{[]string{"eval", "--data", never, "--protocol", "ncf", "--format", "bogus"}, []string{"--format", "known: "}},
		{[]string{"eval", "--data", never, "--protocol", "ncf", "--kind", "nope"}, []string{`--kind "nope"`, "known: "}},
		{[]string{"train", "--data", never, "--activation", "nope"}, []string{`--activation "nope"`, "known: "}},
		{[]string{"train", "--data", never, "--preset", "seed", "--kind", "nope"}, []string{`--kind "nope"`, "known: "}},
		{[]string{"load", "--model", never, "-k", "101"}, []string{"-k", "100"}},
		{[]string{"eval", "--data", never, "--candidates", "5"}, []string{"--candidates: applies to --protocol ncf and loo only"}},
		{[]string{"eval", "--data", never, "--dim", "8"}, []string{"--dim: applies to --protocol ncf and loo only"}},
		{[]string{"cv", "--data", never, "--kinds", "dot,"}, []string{"--kinds", "empty name"}},
		{[]string{"cv", "--data", never, "--kinds", ",bias"}, []string{"--kinds", "empty name"}},
		{[]string{"bench", "--data", "builtin", "--format", "csv"}, []string{"--format", "built-in"}},
		{[]string{"train", "--data", never, "--kind", "ials", "--cg-steps", "0"}, []string{"--cg-steps 0", "1 to 64"}},
		{[]string{"train", "--data", never, "--kind", "ials", "--cg-steps", "65"}, []string{"--cg-steps 65", "1 to 64"}},
		{[]string{"bench", "--kind", "ials", "--cg-steps", "0"}, []string{"--cg-steps 0", "1 to 64"}},
		{[]string{"train", "--data", never, "--kind", "ease", "--l2", "0"}, []string{"--l2 0", "ease needs a positive l2"}},
		{[]string{"train", "--data", never, "--kind", "ials", "--alpha", "0"}, []string{"--alpha 0", "above 0"}},
		{[]string{"train", "--data", never, "--kind", "ials", "--alpha", "-1"}, []string{"--alpha -1", "above 0"}},
		{[]string{"train", "--data", never, "--kind", "ials", "--alpha", "+Inf"}, []string{"--alpha +Inf", "finite"}},
		{[]string{"eval", "--data", never, "--protocol", "loo", "--kind", "ials", "--alpha", "0"}, []string{"--alpha 0", "above 0"}},
		{[]string{"eval", "--data", never, "--protocol", "ncf", "--relevant", "4"}, []string{"--relevant", "--protocol ncf"}},
		{[]string{"train", "--data", never, "--split", "bogus"}, []string{`--split "bogus"`, "0.8,0.1,0.1", "time", "items"}},
		{[]string{"train", "--data", never, "--kind", "ease", "--seen=false", "--out", never + ".recnet"}, []string{"--seen=false", "ease"}},
		{[]string{"eval", "--data", never, "--protocol", "loo", "--relevant", "99"}, []string{"--relevant", "--protocol loo"}},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) { refusedBeforeData(t, c.args, c.want...) })
	}
}

// refusedBeforeData runs the binary with args and checks that it exits 2
// with stderr saying each of want, before reading any data or training:
// no "data ..." line, no epoch, and no word of never-read.csv, the file
// given to --data where a command reads one (which does not exist, so a
// refusal after reading it would report the missing file instead).
func refusedBeforeData(t *testing.T, args []string, want ...string) {
	t.Helper()
	stdout, stderr, code := run(t, args...)
	if code != 2 {
		t.Errorf("exit %d, want 2; stderr %q", code, stderr)
	}
	for _, w := range want {
		if !strings.Contains(stderr, w) {
			t.Errorf("stderr %q does not say %q", stderr, w)
		}
	}
	if strings.Contains(stdout, "Epoch") || !noDataLine(stdout, stderr) || strings.Contains(stderr, "never-read") || strings.Contains(stderr, "no such file") {
		t.Errorf("read the data or trained before refusing:\n%s%s", stdout, stderr)
	}
}

// TestNoEpochsNoEarlyStopping checks that a kind fitted in closed form,
// which has no epochs, gets no note that early stopping is off without a
// validation part.
func TestNoEpochsNoEarlyStopping(t *testing.T) {
	stdout, stderr, code := run(t, "train", "--kind", "mean", "--split", "0.8,0,0.2", "-q")
	if code != 0 || strings.Contains(stdout+stderr, "early stopping") || strings.Contains(stdout+stderr, "epoch") {
		t.Errorf("exit %d; a kind without epochs is told of early stopping or epochs:\n%s%s", code, stdout, stderr)
	}
}

// TestLongFlagValuesCut checks that a flag error quotes at most about 80
// bytes of the value.
func TestLongFlagValuesCut(t *testing.T) {
	long := strings.Repeat("9", 20000)
	path := filepath.Join(t.TempDir(), strings.Repeat("d", 200), "x.csv")
	deep := filepath.Join(t.TempDir(), strings.Repeat(strings.Repeat("e", 200)+"/", 15), "x.csv")
	cases := [][]string{
		{"train", "--dim", long},
		{"train", "--lr", long + "x"},
		{"train", "--split", long},
		{"gen", "--shape", long},
		{"serve", "--model", "m", "--foldin-wait", long},
		{"tune", "--budget", long},
		{"train", "--data", path},
		{"gen", "--shape", "nope"},
		{"train", "--out", path},
		{"gen", "--out", path},
		{"train", "--data", deep},
	}
	for _, args := range cases {
		t.Run(strings.Join(args, " ")[:min(40, len(strings.Join(args, " ")))], func(t *testing.T) {
			_, stderr, code := run(t, args...)
			if code != 2 {
				t.Errorf("exit %d, want 2; stderr %.200q", code, stderr)
			}
			if len(stderr) > 400 {
				t.Errorf("stderr is %d bytes: %.300q", len(stderr), stderr)
			}
		})
	}
}

// TestGenCounts checks that gen reports the rows, users and items it wrote
// and, without --shape (which drops repeated pairs: about --rows), writes
// --rows rows exactly.
func TestGenCounts(t *testing.T) {
	dir := t.TempDir()
	cases := [][]string{
		{"--shape", "ml100k", "--rows", "50"},
		{"--shape", "ml100k", "--rows", "100"},
		{"--shape", "ml100k", "--rows", "5000"},
		{"--rows", "1"},
		{"--rows", "5000"},
	}
	for _, args := range cases {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			out := filepath.Join(dir, "g.csv")
			_, stderr, code := run(t, append([]string{"gen", "--out", out}, args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSpace(string(b)), "\n")[1:]
			users, items := map[string]bool{}, map[string]bool{}
			for _, l := range lines {
				f := strings.Split(l, ",")
				users[f[0]], items[f[1]] = true, true
			}
			want := strings.Join([]string{itoa(len(lines)) + " rows", itoa(len(users)) + " users", itoa(len(items)) + " items"}, ", ")
			if !strings.Contains(stderr, want) {
				t.Errorf("gen says %q; wrote %s", strings.TrimSpace(stderr), want)
			}
			if rows := args[len(args)-1]; args[0] != "--shape" && itoa(len(lines)) != rows {
				t.Errorf("wrote %d rows for --rows %s", len(lines), rows)
			}
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestRelevantOutsideRange checks that eval refuses a --relevant outside
// the model's rating range, exit 2, before reading the data.
func TestRelevantOutsideRange(t *testing.T) {
	dir := t.TempDir()
	m := filepath.Join(dir, "m.recnet")
	if _, stderr, code := run(t, "train", "--data", smallData(t, dir), "--epochs", "1", "-q", "--out", m); code != 0 {
		t.Fatalf("train: %d %s", code, stderr)
	}
	never := filepath.Join(dir, "never-read.csv")
	for _, v := range []string{"1e30", "-1e30", "1000", "-1000"} {
		t.Run(v, func(t *testing.T) {
			stdout, stderr, code := run(t, "eval", "--model", m, "--data", never, "--relevant", v)
			if code != 2 || !strings.Contains(stderr, "--relevant") || !strings.Contains(stderr, "range") {
				t.Errorf("exit %d, %q; want 2 naming --relevant and the range", code, stderr)
			}
			if !noDataLine(stdout, stderr) || strings.Contains(stderr, "never-read") {
				t.Errorf("read the data first: %q", stderr)
			}
		})
	}
}
