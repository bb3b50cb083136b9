package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestDataWithTrainTest checks that --data beside --train/--test is refused
// (it would be ignored), and that the data line counts each file's rows.
func TestDataWithTrainTest(t *testing.T) {
	dir := t.TempDir()
	tr := write(t, dir, "tr.csv", "user,item,rating\nu1,a,4\nu1,b,3\nu2,a,5\nu2,c,2\nu3,b,4\nu3,c,1\n")
	te := write(t, dir, "te.csv", "user,item,rating\nu1,c,2\nu2,b,4\n")
	for _, cmd := range []string{"train", "tune"} {
		_, stderr, code := run(t, cmd, "--data", filepath.Join(dir, "other.csv"), "--train", tr, "--test", te)
		if code != 2 || !strings.Contains(stderr, "--data") {
			t.Errorf("%s --data with --train/--test: exit %d, %q; want exit 2 naming --data", cmd, code, stderr)
		}
	}
	stdout, stderr, code := run(t, "train", "--train", tr, "--test", te, "--epochs", "1", "--valid-share", "0", "-q")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	want := "train " + tr + ": 6 rows; test " + te + ": 2 rows"
	if !strings.Contains(stdout, want) {
		t.Errorf("data line: got\n%s\nwant it to say %q", stdout, want)
	}
}

// TestValidShareShown checks that the carved share is printed as given
// (it read "99.99900000000001%").
func TestValidShareShown(t *testing.T) {
	dir := t.TempDir()
	tr := smallData(t, dir)
	te := write(t, dir, "te.csv", "user,item,rating\nu1,c,2\nu2,b,4\n")
	stdout, stderr, _ := run(t, "train", "--train", tr, "--test", te, "--epochs", "1", "--valid-share", "0.99999", "-q")
	if !strings.Contains(stdout, "validation: 99.999% of the training rows") {
		t.Errorf("valid-share 0.99999: got\n%s%s\nwant 99.999%%", stdout, stderr)
	}
}
