package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// coldData writes 320 rows in time order that --split time cuts
// 256/32/32: users u0..u31 rate 8 of 20 items each (training), u32..u35 8
// each (validation), then the test part holds one new row of each of
// u0..u7 and 6 rows of each of u36..u39, users with no training or
// validation row: cold.
func coldData(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("user,item,rating,timestamp\n")
	row := 0
	add := func(u, i int) {
		fmt.Fprintf(&b, "u%d,i%d,1,%d\n", u, i, 1_600_000_000+60*row)
		row++
	}
	for u := range 36 {
		for j := range 8 {
			add(u, (u+j)%20)
		}
	}
	for u := range 8 {
		add(u, (u+10)%20)
	}
	for u := 36; u < 40; u++ {
		for j := range 6 {
			add(u, (u+j)%20)
		}
	}
	p := filepath.Join(dir, "cold.csv")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestColdUsersLeftOut: after --split time, the 4 test users without a
// training or validation row are left out of train's, tune's, eval's and
// eval --protocol loo's rankings, the model's and most-popular's alike, and the
// reports say so; eval does not call their rows known; recommend --user
// refuses such a user, pointing at --rated.
func TestColdUsersLeftOut(t *testing.T) {
	dir := t.TempDir()
	data := coldData(t, dir)
	m := filepath.Join(dir, "ease.recnet")
	cold := "cold users left out of the model's and the baseline's ranking (no training or validation row: the model knows nothing of them): 4, with 24 test rows"
	stdout, stderr, code := run(t, "train", "--data", data, "--split", "time", "--kind", "ease", "--out", m)
	if code != 0 {
		t.Fatalf("train: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "test ranking (8 users") || !strings.Contains(stdout, cold) {
		t.Errorf("train does not rank the 8 known test users only and say why 4 are left out:\n%s", stdout)
	}
	stdout, stderr, code = run(t, "eval", "--model", m, "--data", data, "--split", "time")
	if code != 0 {
		t.Fatalf("eval: exit %d: %s", code, stderr)
	}
	if strings.Contains(stdout, "all known to the model\n") || !strings.Contains(stdout, "8 users ranked") || !strings.Contains(stdout, cold) {
		t.Errorf("eval --model calls the cold users' rows known or ranks them:\n%s", stdout)
	}
	stdout, stderr, code = run(t, "eval", "--protocol", "loo", "--model", m, "--data", data, "--split", "time")
	if code != 0 {
		t.Fatalf("eval --protocol loo: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "8 users ranked") || !strings.Contains(stdout, cold) {
		t.Errorf("eval --protocol loo --model ranks the cold users:\n%s", stdout)
	}
	stdout, stderr, code = run(t, "tune", "--data", data, "--split", "time", "--kind", "ease", "--trials", "2")
	if code != 0 || !strings.Contains(stdout+stderr, "test ranking (8 users") || !strings.Contains(stdout+stderr, cold) {
		t.Errorf("tune: exit %d; its test ranking ranks the cold users or does not say so:\n%s%s", code, stdout, stderr)
	}
	_, stderr, code = run(t, "recommend", "--model", m, "--user", "u37")
	if code != 2 || !strings.Contains(stderr, "cold user") || !strings.Contains(stderr, "--rated") {
		t.Errorf("recommend --user of a cold user: exit %d (want 2), stderr %q (want it to say cold user and name --rated)", code, stderr)
	}
	if _, stderr, code := run(t, "recommend", "--model", m, "--user", "u3"); code != 0 {
		t.Errorf("recommend --user of a known user: exit %d: %s", code, stderr)
	}
}
