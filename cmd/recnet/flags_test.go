package main

import (
	"fmt"
	"github.com/recnet/recnet/model"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestFlagRefused checks that a flag the user set to a value the command
// cannot use as given (zero, negative, empty, too large) is refused with
// exit code 2 and a message naming the flag, before any data or model is
// read. The data and model files do not exist, so that a command which
// does not check the flag fails on the file instead, without the flag's
// name.
func TestFlagRefused(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "missing.csv")
	m := filepath.Join(dir, "missing.recnet")
	cases := []struct {
		flag string // the name the message must carry
		args []string
	}{
		{"--dim", []string{"train", "--dim", "0"}},
		{"--dim", []string{"train", "--dim", "-1"}},
		{"--dim", []string{"train", "--dim", "5000"}},
		{"--lr", []string{"train", "--lr", "0"}},
		{"--lr", []string{"train", "--lr", "-0.1"}},
		{"--batch", []string{"train", "--batch", "0"}},
		{"--batch", []string{"train", "--batch", "1000000000"}},
		{"--threads", []string{"train", "--threads", "0"}},
		{"--threads", []string{"train", "--threads", "1000"}},
		{"--layers", []string{"train", "--kind", "mlp", "--layers", ""}},
		{"--epochs", []string{"train", "--epochs", "0"}},
		{"--epochs", []string{"train", "--epochs", "10000000"}},
		{"--patience", []string{"train", "--patience", "0"}},
		{"--negatives", []string{"train", "--task", "implicit", "--negatives", "0"}},
		{"--init-std", []string{"train", "--init-std", "0"}},
		{"--eps", []string{"train", "--eps", "0"}},
		{"--beta1", []string{"train", "--beta1", "-0.1"}},
		{"--beta1", []string{"train", "--beta1", "1"}},
		{"--beta2", []string{"train", "--beta2", "0"}},
		{"--dropout", []string{"train", "--dropout", "-0.1"}},
		{"--kind", []string{"train", "--kind", ""}},
		{"--optimizer", []string{"train", "--optimizer", ""}},
		{"--task", []string{"train", "--task", ""}},
		{"--init", []string{"train", "--init", ""}},
		{"--activation", []string{"train", "--activation", ""}},
		{"--preset", []string{"train", "--preset", ""}},
		{"--split", []string{"train", "--split", "0.9,0.1,0.1"}},
		{"--split", []string{"train", "--split", "0.5,0.1,0.1"}},
		{"--split", []string{"train", "--split", "0,0.5,0.5"}},
		{"--split", []string{"train", "--split", "1.2,-0.1,-0.1"}},
		{"--valid-share", []string{"train", "--valid-share", "-0.1"}},
		{"--valid-share", []string{"train", "--valid-share", "1"}},
		{"--valid-share", []string{"train", "--valid-share", "0.2"}},
		{"--split", []string{"train", "--train", "a.csv", "--test", "b.csv", "--split", "0.5,0.5,0"}},
		{"--split", []string{"tune", "--train", "a.csv", "--test", "b.csv", "--split", "0.5,0.5,0"}},
		{"--split", []string{"eval", "--train", "a.csv", "--test", "b.csv", "--split", "0.5,0.5,0"}},
		{"--activation", []string{"train", "--activation", "swish"}},
		{"--trials", []string{"tune", "--trials", "0"}},
		{"--trials", []string{"tune", "--trials", "-3"}},
		{"--trials", []string{"tune", "--trials", "100000000"}},
		{"--budget", []string{"tune", "--budget", "-1s"}},
		{"--budget", []string{"tune", "--budget", "0s"}},
		{"--workers", []string{"tune", "--workers", "0"}},
		{"--workers", []string{"tune", "--workers", "100000"}},
		{"--folds", []string{"tune", "--folds", "1000000"}},
		{"--kind", []string{"tune", "--kind", ""}},
		{"--folds", []string{"cv", "--folds", "1000000"}},
		{"--workers", []string{"cv", "--workers", "-1"}},
		{"--workers", []string{"cv", "--workers", "0"}},
		{"--preset", []string{"cv", "--preset", ""}},
		{"-k", []string{"eval", "-k", "0"}},
		{"-k", []string{"eval", "-k", "100000000"}},
		{"--candidates", []string{"eval", "--protocol", "ncf", "--candidates", "0"}},
		{"--candidates", []string{"eval", "--protocol", "ncf", "--candidates", "100000000"}},
		{"--dim", []string{"eval", "--protocol", "ncf", "--dim", "0"}},
		{"--epochs", []string{"eval", "--protocol", "ncf", "--epochs", "0"}},
		{"--batch", []string{"eval", "--protocol", "ncf", "--batch", "0"}},
		{"--rows", []string{"gen", "--rows", "0"}},
		{"--rows", []string{"gen", "--rows", "-5"}},
		{"--rows", []string{"gen", "--rows", "1000000000000"}},
		{"--rows", []string{"gen", "--shape", "ml1m", "--rows", "0"}},
		{"--users", []string{"gen", "--users", "0"}},
		{"--users", []string{"gen", "--users", "10", "--rows", "5"}},
		{"--users", []string{"gen", "--users", "100000000"}},
		{"--dim", []string{"bench", "--dim", "0"}},
		{"--batch", []string{"bench", "--batch", "0"}},
		{"--batch", []string{"bench", "--batch", "1000000000"}},
		{"--threads", []string{"bench", "--threads", "1,1000"}},
		{"--repeat", []string{"bench", "--repeat", "0"}},
		{"--rows", []string{"bench", "--rows", "-1"}},
		{"--rows", []string{"bench", "--rows", "0"}},
		{"--lr", []string{"bench", "--lr", "-1"}},
		{"--lr", []string{"bench", "--lr", "0"}},
		{"--epochs", []string{"bench", "--epochs", "-1"}},
		{"--epochs", []string{"bench", "--epochs", "10000000"}},
		{"--addr", []string{"serve", "--addr", ""}},
		{"--seed", []string{"train", "--seed", "0"}},
		{"--seed", []string{"cv", "--seed", "0"}},
		{"--seed", []string{"tune", "--seed", "0"}},
		{"--seed", []string{"gen", "--seed", "0"}},
		{"--seed", []string{"bench", "--seed", "0"}},
		{"--seed", []string{"eval", "--protocol", "ncf", "--seed", "0"}},
		{"--out", []string{"train", "--out", ""}},
		{"--plot", []string{"train", "--plot", ""}},
		{"--pretrained", []string{"train", "--pretrained", ""}},
		{"--data", []string{"cv", "--format", "csv", "--data", ""}},
		{"--format", []string{"train", "--format", ""}},
		{"--train", []string{"train", "--train", "", "--test", "x.csv"}},
		{"--valid", []string{"train", "--valid", ""}},
		{"--kind", []string{"eval", "--protocol", "ncf", "--kind", ""}},
		{"--optimizer", []string{"bench", "--optimizer", "adam,"}},
		{"--catalog", []string{"serve", "--catalog", ""}},
		{"--catalog", []string{"recommend", "--catalog", ""}},
		{"--rated", []string{"recommend", "--rated", ""}},
		{"--model", []string{"similar", "--item", "C1", "--model", ""}},
		{"--requests", []string{"load", "--requests", "0"}},
		{"--requests", []string{"load", "--requests", "1000000000"}},
		{"--clients", []string{"load", "--clients", "0"}},
		{"--clients", []string{"load", "--clients", "100000"}},
		{"-k", []string{"load", "-k", "0"}},
		{"-k", []string{"recommend", "-k", "0"}},
		{"--lambda", []string{"recommend", "--lambda", "-1"}},
		{"--lambda", []string{"recommend", "--lambda", "0"}},
		{"--user", []string{"recommend", "--user", ""}},
		{"-k", []string{"similar", "-k", "0", "--item", "C1"}},
		{"--item", []string{"similar", "--item", ""}},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			args := append([]string{}, c.args...)
			given := strings.Join(args, " ")
			switch args[0] {
			case "train", "tune", "cv", "eval", "bench":
				if !strings.Contains(given, "--data") {
					args = append(args, "--data", data)
				}
			case "gen":
				args = append(args, "--out", filepath.Join(dir, "gen.csv"))
			}
			switch args[0] {
			case "eval", "serve", "load", "recommend", "similar":
				if !strings.Contains(given, "ncf") && !strings.Contains(given, "--model") {
					args = append(args, "--model", m)
				}
			}
			_, stderr, code := run(t, args...)
			if code != 2 || !strings.Contains(stderr, c.flag+" ") && !strings.Contains(stderr, c.flag+":") {
				t.Errorf("exit %d, want 2 and a message naming %s; stderr: %s", code, c.flag, strings.TrimSpace(stderr))
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "gen.csv")); err == nil {
		t.Error("a refused gen wrote its output")
	}
}

// TestFlagLimitsInHelp checks that every bound is written in --help.
func TestFlagLimitsInHelp(t *testing.T) {
	for _, c := range []struct {
		cmd  string
		want []string
	}{
		{"train", []string{"1 to 4096", "1 to 1048576", "1 to 256", "1 to 100000", "1 to 1000"}},
		{"tune", []string{"1 to 10000", "1 to 256"}},
		{"bench", []string{"1 to 4096", "1 to 1048576", "1 to 256"}},
		{"gen", []string{"1 to 100000000"}},
		{"load", []string{"1 to 10000000", "1 to 1024", "1 to 1000"}},
	} {
		stdout, _, code := run(t, c.cmd, "--help")
		if code != 0 {
			t.Errorf("%s --help: exit %d", c.cmd, code)
		}
		for _, w := range c.want {
			if !strings.Contains(stdout, w) {
				t.Errorf("%s --help does not state the bound %q", c.cmd, w)
			}
		}
	}
}

// TestUsageExitCode checks that every usage error exits with code 2.
func TestUsageExitCode(t *testing.T) {
	for _, args := range [][]string{
		{"nosuch"},
		{"trian"},
		{"train", "--nosuch"},
		{"train", "extra"},
		{"train", "--dim"},
		{"train", "--dim", "many"},
		{"predict", "--model", "x"},
		{"similar", "--model", "x"},
		{"cv", "--folds", "1.5"},
		{"load", "-n"},
	} {
		if _, stderr, code := run(t, args...); code != 2 || !strings.HasPrefix(stderr, "recnet: ") {
			t.Errorf("%v: exit %d, want 2; stderr %q", args, code, stderr)
		}
	}
}

// splitFiles writes the first 90% of a CSV's rows as train.csv and the
// rest as test.csv.
func splitFiles(t *testing.T, dir, data string) (train, test string) {
	t.Helper()
	b, err := os.ReadFile(data)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(strings.TrimSuffix(string(b), "\n"), "\n")
	head, rows := lines[0], lines[1:]
	cut := len(rows) * 9 / 10
	return write(t, dir, "train.csv", head+strings.Join(rows[:cut], "")+"\n"),
		write(t, dir, "test.csv", head+strings.Join(rows[cut:], "")+"\n")
}

// TestTrainCarvesValidation checks that --train/--test with no --valid
// carve a seeded validation share of the training file, say so, and stop
// early on it; --valid-share 0 trains blind, as before.
func TestTrainCarvesValidation(t *testing.T) {
	dir := t.TempDir()
	tr, te := splitFiles(t, dir, smallData(t, dir))
	stdout, stderr, code := run(t, "train", "--train", tr, "--test", te, "--epochs", "2", "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.Contains(stdout, "NaN") || !strings.Contains(stdout, "validation: 10% of the training rows") {
		t.Errorf("no carved validation part:\n%s", stdout)
	}
	split := regexp.MustCompile(`split (\d+)/(\d+)/(\d+)`).FindStringSubmatch(stdout)
	if split == nil || split[2] == "0" {
		t.Errorf("split line %q: want validation rows", split)
	}
	again, _, _ := run(t, "train", "--train", tr, "--test", te, "--epochs", "2", "--quiet")
	losses := regexp.MustCompile(`split \S+|val_loss: \S+`)
	if a, b := losses.FindAllString(again, -1), losses.FindAllString(stdout, -1); len(b) != 3 || strings.Join(a, " ") != strings.Join(b, " ") {
		t.Error("the carved validation part is not the same for the same seed")
	}
	stdout, stderr, code = run(t, "train", "--train", tr, "--test", te, "--epochs", "2", "--quiet", "--valid-share", "0")
	if code != 0 || !strings.Contains(stdout, "split 18900/0/") {
		t.Errorf("--valid-share 0: exit %d, want no validation rows: %s%s", code, stdout, stderr)
	}
}

// TestTuneCarvesValidation checks that tune with --train/--test and no
// --valid scores its trials on a validation part carved from the training
// file, as train does.
func TestTuneCarvesValidation(t *testing.T) {
	dir := t.TempDir()
	tr, te := splitFiles(t, dir, smallData(t, dir))
	stdout, stderr, code := run(t, "tune", "--train", tr, "--test", te, "--trials", "1", "--workers", "1")
	if code != 0 || !strings.Contains(stdout, "validation: 10% of the training rows") || !strings.Contains(stdout, "split 17010/1890/2100") {
		t.Errorf("exit %d, want a carved validation part: %s%s", code, stdout, stderr)
	}
}

// TestNoProgressBarOffTerminal checks that with stderr not a terminal
// the progress bar writes no frames: the epoch lines say enough.
func TestNoProgressBarOffTerminal(t *testing.T) {
	dir := t.TempDir()
	stdout, stderr, code := run(t, "train", "--data", smallData(t, dir), "--epochs", "2")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.Contains(stderr, "\r") {
		t.Errorf("stderr (not a terminal) holds progress bar frames: %q", stderr[:min(len(stderr), 200)])
	}
	if !strings.Contains(stdout, "Epoch 2/2") {
		t.Errorf("no epoch lines:\n%s", stdout)
	}
}

// TestImplicitLabels checks that recommend labels the scores of an
// implicit-task model as probabilities, and a rating model's as ratings.
func TestImplicitLabels(t *testing.T) {
	dir := t.TempDir()
	data := smallData(t, dir)
	user, _ := firstRow(t, data)
	for _, c := range []struct{ task, want, not string }{
		{"implicit", "probability", "rating"},
		{"rating", "rating", "probability"},
	} {
		m := filepath.Join(dir, c.task+".recnet")
		if _, stderr, code := run(t, "train", "--data", data, "--task", c.task, "--epochs", "1", "--quiet", "--out", m); code != 0 {
			t.Fatalf("train: %s", stderr)
		}
		for _, args := range [][]string{{"--user", user}, nil} {
			stdout, stderr, code := run(t, append([]string{"recommend", "--model", m, "-k", "2"}, args...)...)
			head := strings.Split(stdout, "\n")
			i := 0
			if len(head) > 1 && !strings.HasPrefix(head[0], "rank") {
				i = 1
			}
			if code != 0 || !strings.Contains(head[i], c.want) || strings.Contains(head[i], c.not) {
				t.Errorf("%s model, recommend %v: exit %d, heading %q, want %q: %s", c.task, args, code, head[i], c.want, stderr)
			}
		}
	}
}

// TestGenRows checks that gen --rows on the built-in generator writes
// that many rows.
func TestGenRows(t *testing.T) {
	dir := t.TempDir()
	for _, rows := range []int{5000, 500} {
		p := filepath.Join(dir, fmt.Sprint(rows, ".csv"))
		if _, stderr, code := run(t, "gen", "--rows", fmt.Sprint(rows), "--out", p); code != 0 {
			t.Fatalf("gen: exit %d: %s", code, stderr)
		}
		b, _ := os.ReadFile(p)
		if n := strings.Count(string(b), "\n") - 1; n != rows {
			t.Errorf("gen --rows %d wrote %d rows", rows, n)
		}
	}
}

// TestBenchDefaultShape checks that bench's default table is ml1m-shaped
// and that --help says how to ask for ml25m.
func TestBenchDefaultShape(t *testing.T) {
	stdout, _, code := run(t, "bench", "--help")
	if code != 0 || !strings.Contains(stdout, `(default "ml1m")`) || !strings.Contains(stdout, "--shape ml25m") {
		t.Errorf("bench --help: exit %d, default shape not ml1m or no word of --shape ml25m:\n%s", code, stdout)
	}
}

// TestLoadFailedRequests checks that load against a port nobody listens
// on exits 1 and reports no throughput.
func TestLoadFailedRequests(t *testing.T) {
	dir := t.TempDir()
	m := filepath.Join(dir, "m.recnet")
	if _, stderr, code := run(t, "train", "--data", smallData(t, dir), "--kind", "bias", "--out", m); code != 0 {
		t.Fatalf("train: %s", stderr)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := "http://" + ln.Addr().String()
	ln.Close()
	stdout, stderr, code := run(t, "load", "--model", m, "--addr", addr, "-n", "50", "-c", "2")
	if code != 1 || !strings.Contains(stdout+stderr, "50 errors") || !strings.Contains(stdout+stderr, " 0 req/s") {
		t.Errorf("exit %d, want 1, 50 errors and 0 req/s: %s%s", code, stdout, stderr)
	}
}

// TestUnknownValueNamesFlag checks that an unknown value of a flag that
// picks from a list is refused with exit 2 by a message that names the
// flag, quotes the value and lists the known ones.
func TestUnknownValueNamesFlag(t *testing.T) {
	models := strings.Join(model.Kinds(), ", ")
	tunable := strings.Join(model.Tunable(), ", ")
	const formats = "auto, csv, tsv, movielens, parquet"
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"train", "--kind", "svdpp"}, `--kind "svdpp": unknown; known: ` + models},
		{[]string{"train", "--optimizer", "adamx"}, `--optimizer "adamx": unknown; known: adam, adagrad, sgd`},
		{[]string{"train", "--init", "xavier"}, `--init "xavier": unknown; known: he_normal, normal`},
		{[]string{"train", "--task", "rank"}, `--task "rank": unknown; known: rating, implicit`},
		{[]string{"train", "--activation", "swish"}, `--activation "swish": unknown; known: relu, elu, selu, gelu, tanh, sigmoid, linear`},
		{[]string{"train", "--format", "xml"}, `--format "xml": unknown; known: ` + formats},
		{[]string{"tune", "--kind", "svdpp"}, `--kind "svdpp": unknown; known: ` + tunable},
		{[]string{"tune", "--kind", "bias"}, `--kind bias: has no search space (it is fitted without training settings); tunable kinds: ` + tunable},
		{[]string{"tune", "--task", "rank"}, `--task "rank": unknown; known: rating, implicit`},
		{[]string{"tune", "--format", "xml"}, `--format "xml": unknown; known: ` + formats},
		{[]string{"eval", "--protocol", "ncf", "--kind", "svdpp"}, `--kind "svdpp": unknown; known: ` + models},
		{[]string{"eval", "--protocol", "ncf", "--optimizer", "adamx"}, `--optimizer "adamx": unknown; known: adam, adagrad, sgd`},
		{[]string{"eval", "--protocol", "ncf", "--format", "xml"}, `--format "xml": unknown; known: ` + formats},
		{[]string{"eval", "--format", "xml"}, `--format "xml": unknown; known: ` + formats},
		{[]string{"cv", "--format", "xml"}, `--format "xml": unknown; known: ` + formats},
		{[]string{"bench", "--optimizer", "adamx"}, `--optimizer "adamx": unknown; known: adam, adagrad, sgd`},
		{[]string{"bench", "--data", "x.csv", "--format", "xml"}, `--format "xml": unknown; known: ` + formats},
		{[]string{"gen", "--format", "xml", "--out", "-"}, `--format "xml": unknown; known: csv, parquet, sqlite`},
	}
	for _, c := range cases {
		_, stderr, code := run(t, c.args...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, want 2 and %q in: %s", c.args, code, c.want, stderr)
		}
	}
}

// TestBeta1Zero checks that --beta1 0 (Adam without momentum, valid for
// the model too) is used, not refused nor replaced by the default 0.9:
// the run differs from one with the default.
func TestBeta1Zero(t *testing.T) {
	zero, stderr, code := run(t, "train", "--epochs", "1", "-q", "--beta1", "0")
	if code != 0 {
		t.Fatalf("--beta1 0: exit %d: %s", code, stderr)
	}
	def, _, _ := run(t, "train", "--epochs", "1", "-q")
	loss := func(s string) string { return s[strings.Index(s, "loss: "):][:12] }
	if !strings.Contains(zero, "Epoch 1/1") || loss(zero) == loss(def) {
		t.Errorf("--beta1 0 trained as the default:\n%s\n%s", zero, def)
	}
}
