package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// timedData writes a table of 40 users who each rate 8 of 20 items, one
// row a minute, with a timestamp column, and returns its path.
func timedData(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("user,item,rating,timestamp\n")
	row := 0
	for u := range 40 {
		for j := range 8 {
			fmt.Fprintf(&b, "u%d,i%d,%d,%d\n", u, (u+3*j)%20, 1+(u+j)%5, 1_600_000_000+60*row)
			row++
		}
	}
	p := filepath.Join(dir, "timed.csv")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestSplitTimeFlag: --split time cuts the 320 rows 256/32/32 and says it
// split by time; time:F,F,F takes other fractions; a table without a time
// column is refused, naming --split, and so are bad fractions after time:.
func TestSplitTimeFlag(t *testing.T) {
	dir := t.TempDir()
	data := timedData(t, dir)
	for _, c := range []struct {
		split              string
		train, valid, test int
	}{{"time", 256, 32, 32}, {"time:0.5,0.25,0.25", 160, 80, 80}} {
		stdout, stderr, code := run(t, "train", "--data", data, "--kind", "mean", "--split", c.split, "--quiet", "--json",
			"--out", filepath.Join(dir, "m.recnet"))
		if code != 0 {
			t.Fatalf("--split %s: exit %d: %s", c.split, code, stderr)
		}
		var res map[string]any
		if err := json.Unmarshal([]byte(stdout), &res); err != nil {
			t.Fatal(err)
		}
		for key, want := range map[string]float64{"data.train": float64(c.train), "data.valid": float64(c.valid), "data.test": float64(c.test)} {
			if got, _ := lookup(res, key); got != want {
				t.Errorf("--split %s: %s = %v, want %v", c.split, key, got, want)
			}
		}
	}
	stdout, stderr, code := run(t, "train", "--data", data, "--kind", "mean", "--split", "time", "--quiet", "--out", filepath.Join(dir, "m.recnet"))
	if code != 0 || !strings.Contains(stdout, "split 256/32/32 (by time") {
		t.Errorf("--split time: exit %d, %s; the output does not say it split by time:\n%s", code, stderr, stdout)
	}
	for _, args := range [][]string{
		{"--data", data, "--columns", "time=none", "--split", "time"},
		{"--split", "time"}, // the built-in table has no times
		{"--data", data, "--split", "time:0.5,0.5"},
	} {
		args = append([]string{"train", "--kind", "mean", "--quiet", "--out", filepath.Join(dir, "never.recnet")}, args...)
		if _, stderr, code := run(t, args...); code != 2 || !strings.Contains(stderr, "--split") {
			t.Errorf("%q: exit %d (want 2), stderr %q (want it to name --split)", args, code, stderr)
		}
	}
}

// TestEvalLOO: --protocol loo holds out each user's latest rating of a
// table with times (random ones with time=none) and says which, and
// reports the full ranking beside the sampled figures.
func TestEvalLOO(t *testing.T) {
	dir := t.TempDir()
	data := timedData(t, dir)
	stdout, stderr, code := run(t, "eval", "--protocol", "loo", "--data", data, "--kind", "bias", "--quiet", "--candidates", "5")
	if code != 0 {
		t.Fatalf("eval --protocol loo: exit %d: %s", code, stderr)
	}
	for _, want := range []string{"leave-latest-out: 240 train, 40 validation, 40 test", "full ranking: each of 40 held-out ratings (each user's latest, by time)",
		"R@10", "NCF protocol: each of 40 held-out ratings (each user's latest, by time) ranked against 5 candidates"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	for _, c := range []struct {
		protocol, columns, holdout string
		full                       bool
	}{{"loo", "", "latest", true}, {"ncf", "", "latest", false}, {"loo", "time=none", "random", true}} {
		args := []string{"eval", "--protocol", c.protocol, "--data", data, "--kind", "bias", "--quiet", "--json"}
		if c.columns != "" {
			args = append(args, "--columns", c.columns)
		}
		stdout, stderr, code := run(t, args...)
		var res map[string]any
		if err := json.Unmarshal([]byte(stdout), &res); code != 0 || err != nil {
			t.Fatalf("%q: exit %d, %v: %s", args, code, err, stderr)
		}
		if got, _ := lookup(res, "holdout"); got != c.holdout {
			t.Errorf("%q: holdout %v, want %s", args, got, c.holdout)
		}
		if got, _ := lookup(res, "protocol"); got != c.protocol {
			t.Errorf("%q: protocol %v, want %s", args, got, c.protocol)
		}
		for _, key := range []string{"full_ranking.model.hr", "full_ranking.model.ndcg", "full_ranking.model.recall", "full_ranking.most_popular.ndcg"} {
			if _, ok := lookup(res, key); ok != c.full {
				t.Errorf("%q: has %s: %v, want %v", args, key, ok, c.full)
			}
		}
		if items, _ := lookup(res, "full_ranking.items"); c.full && items != 20.0 {
			t.Errorf("%q: full_ranking.items = %v, want 20", args, items)
		}
	}
}

// TestTrainSaysTask: train's model line names the task it trains for,
// the rating task included.
func TestTrainSaysTask(t *testing.T) {
	dir := t.TempDir()
	data := smallData(t, dir)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--epochs", "1"}, ", rating task"},
		{[]string{"--epochs", "1", "--task", "implicit"}, "implicit task with 32 negatives"},
		{[]string{"--kind", "ials", "--epochs", "1"}, ", implicit task"},
	} {
		stdout, stderr, code := run(t, append([]string{"train", "--data", data, "--quiet"}, c.args...)...)
		if code != 0 || !strings.Contains(stdout, c.want) {
			t.Errorf("train %v: exit %d, want %q in:\n%s%s", c.args, code, c.want, stdout, stderr)
		}
	}
}

// TestSplitRecorded: train --json records the split it used in
// data.split (its kind, shares and seed, and for a cut by time where the
// validation and test parts start), and the text line says the same.
func TestSplitRecorded(t *testing.T) {
	dir := t.TempDir()
	data := timedData(t, dir)
	other := filepath.Join(dir, "test.csv")
	if b, err := os.ReadFile(data); err != nil || os.WriteFile(other, b, 0o644) != nil {
		t.Fatal("cannot copy the table")
	}
	at := func(row int) string { return time.Unix(1_600_000_000+60*int64(row), 0).UTC().Format(time.RFC3339) }
	for _, c := range []struct {
		args []string
		want map[string]any // keys of data.split
		line string
	}{
		{[]string{"--data", data, "--split", "time:0.5,0.25,0.25"},
			map[string]any{"kind": "time", "shares.train": 0.5, "shares.valid": 0.25, "shares.test": 0.25,
				"valid_from": at(160), "test_from": at(240), "seed": nil},
			"split 160/80/80 (by time 0.5,0.25,0.25: the latest rows test; validation from " + at(160) + "; test from " + at(240) + ")\n"},
		{[]string{"--data", data, "--split", "time"},
			map[string]any{"kind": "time", "shares.train": 0.8, "shares.valid": 0.1, "shares.test": 0.1,
				"valid_from": at(256), "test_from": at(288)},
			"split 256/32/32 (by time 0.8,0.1,0.1: the latest rows test; validation from " + at(256) + "; test from " + at(288) + ")\n"},
		{[]string{"--data", data, "--split", "0.7,0.2,0.1", "--seed", "7"},
			map[string]any{"kind": "random", "seed": 7.0, "shares.train": 0.7, "shares.valid": 0.2, "shares.test": 0.1, "test_from": nil},
			"split 224/64/32 (random 0.7,0.2,0.1, seed 7)\n"},
		{[]string{"--train", data, "--test", other},
			map[string]any{"kind": "files", "shares": nil, "seed": nil},
			"split 288/32/320\n"},
	} {
		args := append([]string{"train", "--kind", "mean", "--quiet"}, c.args...)
		stdout, stderr, code := run(t, append(args, "--json")...)
		if code != 0 {
			t.Fatalf("%q: exit %d: %s", c.args, code, stderr)
		}
		var res map[string]any
		if err := json.Unmarshal([]byte(stdout), &res); err != nil {
			t.Fatal(err)
		}
		for key, want := range c.want {
			got, ok := lookup(res, "data.split."+key)
			if want == nil && ok || want != nil && got != want {
				t.Errorf("%q: data.split.%s = %v (present %v), want %v", c.args, key, got, ok, want)
			}
		}
		text, stderr, code := run(t, args...)
		if first := text[:strings.Index(text, "\n")+1]; code != 0 || !strings.HasSuffix(first, c.line) {
			t.Errorf("%q: exit %d %s; first line %q, want it to end %q", c.args, code, stderr, first, c.line)
		}
	}
}
