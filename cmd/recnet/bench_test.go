package main

import (
	"encoding/json"
	"runtime"
	"strings"
	"testing"

	"github.com/recnet/recnet/model"
)

// TestBench runs bench on a small ml1m-shaped table: one row per thread
// count with positive times, test RMSEs that beat the bias baseline, and a
// peak memory; a bad thread list is an input error.
func TestBench(t *testing.T) {
	out, stderr, code := run(t, "bench", "--shape", "ml1m", "--rows", "60000", "--threads", "1,2", "--epochs", "4", "--dim", "8", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, w := range []string{"adam, 1 thread: 4 epochs in", "adam, 2 threads: 4 epochs in", "repeat 1, adam, 1 thread: epoch"} {
		if !strings.Contains(stderr, w) {
			t.Errorf("stderr does not say %q:\n%s", w, stderr)
		}
	}
	var r benchResult
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if len(r.Threads) != 6 || r.Threads[0].Threads != 1 || r.Threads[1].Threads != 2 ||
		r.Threads[0].Optimizer != "adam" || r.Threads[2].Optimizer != "adagrad" || r.Threads[2].LR != model.AdaGradLR ||
		r.Threads[4].Optimizer != model.ScheduleBlocked || r.Threads[5].Threads != 2 {
		t.Fatalf("rows %+v", r.Threads)
	}
	for _, row := range r.Threads {
		if row.EpochSeconds <= 0 || row.FloorSeconds <= 0 || row.Epochs != 4 {
			t.Errorf("row %+v", row)
		}
		if !(row.TestRMSE < r.BiasRMSE) {
			t.Errorf("%s, %d threads: test RMSE %.4f does not beat bias %.4f", row.Optimizer, row.Threads, row.TestRMSE, r.BiasRMSE)
		}
	}
	if r.Rows < 50000 || (runtime.GOOS == "linux" && r.PeakRSSBytes <= 0) {
		t.Errorf("rows %d, peak RSS %d", r.Rows, r.PeakRSSBytes)
	}
	if _, stderr, code := run(t, "bench", "--threads", "1,x"); code != 2 || !strings.Contains(stderr, "--threads") {
		t.Errorf("bad --threads: exit %d, %s", code, stderr)
	}
	if _, stderr, code := run(t, "bench", "--optimizer", "adam,rmsprop"); code != 2 || !strings.Contains(stderr, "rmsprop") {
		t.Errorf("bad --optimizer: exit %d, %s", code, stderr)
	}
}

// TestAdaGradLR: --optimizer adagrad without --lr trains at
// model.AdaGradLR, and --lr still wins over it.
func TestAdaGradLR(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want float64
	}{
		{[]string{"--optimizer", "adagrad"}, model.AdaGradLR},
		{[]string{"--optimizer", "adagrad", "--lr", "0.2"}, 0.2},
		{[]string{"--optimizer", "sgd"}, model.Presets["default"].LR},
	} {
		out, stderr, code := run(t, append([]string{"train", "--epochs", "1", "--json"}, tc.args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", tc.args, code, stderr)
		}
		var r struct {
			Config model.Config `json:"config"`
		}
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatal(err)
		}
		if r.Config.LR != tc.want || r.Config.Optimizer != tc.args[1] {
			t.Errorf("%v: optimizer %s lr %g, want lr %g", tc.args, r.Config.Optimizer, r.Config.LR, tc.want)
		}
	}
}

// TestScheduleBlocked: --schedule blocked trains dot with its defaults
// (AdaGrad at model.AdaGradLR, L2 model.BlockedL2 a rating) unless given,
// and mf on two threads; both beat the bias baseline.
func TestScheduleBlocked(t *testing.T) {
	for _, tc := range []struct {
		args    []string
		opt     string
		lr, l2  float64
		threads int
	}{
		{[]string{"--threads", "2"}, "adagrad", model.AdaGradLR, model.BlockedL2, 2},
		{[]string{"--optimizer", "sgd", "--lr", "0.05", "--l2", "0.01"}, "sgd", 0.05, 0.01, 0},
		{[]string{"--kind", "mf", "--threads", "2"}, "sgd", 0.03, 0.005, 2},
	} {
		out, stderr, code := run(t, append([]string{"train", "--schedule", "blocked", "--epochs", "5", "--json"}, tc.args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", tc.args, code, stderr)
		}
		var r struct {
			Config    model.Config `json:"config"`
			BeatsBias bool         `json:"beats_bias"`
		}
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatal(err)
		}
		c := r.Config
		if !c.Blocked() || c.Optimizer != tc.opt || c.LR != tc.lr || c.L2 != tc.l2 || c.Threads != tc.threads {
			t.Errorf("%v: config %+v", tc.args, c)
		}
		if !r.BeatsBias {
			t.Errorf("%v: the model does not beat the bias baseline", tc.args)
		}
	}
}

// TestBenchEASE times ease on a small generated table: the table has the
// --items and --users asked for, one row per thread count with positive
// times, and the flags that do not apply to ease (or apply to it only)
// are refused, naming the flag.
func TestBenchEASE(t *testing.T) {
	out, stderr, code := run(t, "bench", "--kind", "ease", "--items", "300", "--users", "100", "--threads", "1,2", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var r benchResult
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if r.Kind != "ease" || r.Items != 300 || r.Users != 100 || r.Rows != 100*easeRowsPerUser || len(r.Threads) != 2 {
		t.Fatalf("result %+v", r)
	}
	for _, row := range r.Threads {
		if row.EpochSeconds <= 0 || row.FloorSeconds <= 0 || row.Epochs != 0 {
			t.Errorf("row %+v", row)
		}
	}
	if !strings.Contains(stderr, "repeat 1, ease, 2 threads: epoch") {
		t.Errorf("stderr does not name the kind:\n%s", stderr)
	}
	for _, tc := range [][]string{
		{"--kind", "ease", "--dim", "8"},
		{"--kind", "ease", "--items", "20001"},
		{"--kind", "ease", "--users", "10", "--shape", "ml100k"},
		{"--kind", "ease", "--users", "3000000"},
		{"--kind", "ials", "--items", "100"},
	} {
		if _, stderr, code := run(t, append([]string{"bench"}, tc...)...); code != 2 || !strings.Contains(stderr, tc[2]) {
			t.Errorf("%v: exit %d, %s", tc, code, stderr)
		}
	}
}

// TestBenchAutoRec: --kind autorec times its epoch beside a dot epoch of
// the default preset on the same rows, for each thread count, and says
// the ratio; --batch does not apply.
func TestBenchAutoRec(t *testing.T) {
	out, stderr, code := run(t, "bench", "--kind", "autorec", "--shape", "ml100k", "--rows", "5000", "--dim", "16", "--threads", "1,2", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var r benchResult
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if r.Kind != "autorec" || len(r.Threads) != 2 {
		t.Fatalf("result %+v", r)
	}
	for _, row := range r.Threads {
		if row.EpochSeconds <= 0 || row.DotEpochSeconds <= 0 || row.OverDot != row.EpochSeconds/row.DotEpochSeconds {
			t.Errorf("row %+v", row)
		}
	}
	if !strings.Contains(stderr, "repeat 1, dot, 2 threads: epoch") {
		t.Errorf("stderr does not show the dot epochs:\n%s", stderr)
	}
	text, stderr, code := run(t, "bench", "--kind", "autorec", "--shape", "ml100k", "--rows", "5000", "--dim", "16", "--threads", "1")
	if code != 0 || !strings.Contains(text, "1 thread: dot epoch") || !strings.Contains(text, "autorec epoch over it") {
		t.Errorf("exit %d, table:\n%s%s", code, text, stderr)
	}
	if _, stderr, code := run(t, "bench", "--kind", "autorec", "--batch", "64"); code != 2 || !strings.Contains(stderr, "--batch") {
		t.Errorf("--batch: exit %d, %s", code, stderr)
	}
	// The blocked schedule alone takes no batch: --batch would be ignored.
	if _, stderr, code := run(t, "bench", "--optimizer", "blocked", "--batch", "512"); code != 2 || !strings.Contains(stderr, "--batch: the blocked schedule") {
		t.Errorf("--optimizer blocked --batch: exit %d, %s", code, stderr)
	}
}
