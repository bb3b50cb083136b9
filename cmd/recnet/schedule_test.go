package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestAutoSchedule: on a table whose training part holds at least
// model.AutoBlockedRows ratings, train at the defaults takes the blocked
// schedule and says so; a setting the blocked schedule reads otherwise
// (--l2) or --schedule shuffled keeps the mini-batches, and a smaller table
// keeps them too.
func TestAutoSchedule(t *testing.T) {
	if testing.Short() {
		t.Skip("trains on 1.3M ratings")
	}
	dir := t.TempDir()
	big, small := filepath.Join(dir, "big.csv"), filepath.Join(dir, "small.csv")
	for path, rows := range map[string]string{big: "1300000", small: "20000"} {
		if _, stderr, code := run(t, "gen", "--shape", "ml25m", "--rows", rows, "--out", path); code != 0 {
			t.Fatalf("gen: %s", stderr)
		}
	}
	for _, tc := range []struct {
		args    []string
		blocked bool
	}{
		{[]string{"--data", big}, true},
		{[]string{"--data", big, "--kind", "mf"}, true},
		{[]string{"--data", big, "--l2", "1e-4"}, false},
		{[]string{"--data", big, "--schedule", "shuffled"}, false},
		{[]string{"--data", small}, false},
	} {
		args := append([]string{"train", "--epochs", "1", "--patience=-1", "--quiet"}, tc.args...)
		stdout, stderr, code := run(t, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", tc.args, code, stderr)
		}
		said := strings.Contains(stdout, "schedule blocked: ")
		described := strings.Contains(stdout, "blocked schedule")
		if said != tc.blocked || described != tc.blocked {
			t.Errorf("%v: says it took blocked %v, describes the blocked schedule %v; want %v:\n%s", tc.args, said, described, tc.blocked, stdout)
		}
	}
}
