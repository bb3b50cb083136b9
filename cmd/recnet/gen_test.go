package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestGenShapeFormats writes a small ml25m-shaped table as CSV, Parquet
// and SQLite, and checks that training reads the same rows from each and
// gets the same test RMSE (same rows in the same order, same seed).
func TestGenShapeFormats(t *testing.T) {
	dir := t.TempDir()
	line := regexp.MustCompile(`(?m)^data .*: (\d+ rows, \d+ users, \d+ items; split \d+/\d+/\d+)(?: \(random [0-9.,]+, seed \d+\))?$`)
	rmse := regexp.MustCompile(`(?m)^recnet dot .*$`)
	var first, firstRMSE string
	for _, out := range []string{"r.csv", "r.parquet", "r.db"} {
		path := filepath.Join(dir, out)
		if _, stderr, code := run(t, "gen", "--shape", "ml25m", "--rows", "6000", "--out", path); code != 0 || !strings.Contains(stderr, "wrote "+path) {
			t.Fatalf("gen %s: exit %d: %s", out, code, stderr)
		}
		data := path
		if strings.HasSuffix(out, ".db") {
			data = "sqlite://" + filepath.ToSlash(path) + "?table=ratings"
		}
		stdout, stderr, code := run(t, "train", "--data", data, "--epochs", "2", "--quiet")
		if code != 0 {
			t.Fatalf("train on %s: exit %d: %s", out, code, stderr)
		}
		m := line.FindStringSubmatch(stdout)
		if m == nil || !strings.HasPrefix(m[1], "6000 rows, 39 users, ") {
			t.Fatalf("train on %s printed %q", out, stdout)
		}
		r := rmse.FindString(stdout)
		if r == "" {
			t.Fatalf("train on %s printed no test line: %q", out, stdout)
		}
		if first == "" {
			first, firstRMSE = m[1], r
		} else if m[1] != first || r != firstRMSE {
			t.Errorf("%s: %q, %q; csv: %q, %q", out, m[1], r, first, firstRMSE)
		}
	}
}

func TestGenBadFlags(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"gen", "--shape", "ml10m", "--out", filepath.Join(dir, "x.csv")},
		{"gen", "--shape", "ml1m", "--users", "5", "--out", filepath.Join(dir, "x.csv")},
		{"gen", "--format", "xml", "--out", filepath.Join(dir, "x.csv")},
		{"gen", "--format", "sqlite", "--out", "-"},
	} {
		if _, stderr, code := run(t, args...); code != 2 || !strings.HasPrefix(stderr, "recnet: ") {
			t.Errorf("%v: exit %d, %q", args, code, stderr)
		}
	}
}

// TestGenOutputsAtomic checks that every format of gen writes its --out as
// atomicfile does: a symbolic link is followed and kept, the permissions of
// a replaced file are kept, and a stale temporary file of a killed write to
// the same target is removed.
func TestGenOutputsAtomic(t *testing.T) {
	for _, ext := range []string{".csv", ".parquet", ".db"} {
		t.Run(ext, func(t *testing.T) {
			dir := t.TempDir()
			real := write(t, dir, "real"+ext, "old")
			os.Chmod(real, 0o600)
			link := filepath.Join(dir, "link"+ext)
			if err := os.Symlink("real"+ext, link); err != nil {
				t.Fatal(err)
			}
			stale := write(t, dir, ".real"+ext+".tmp-123", "left by a killed write")
			old := time.Now().Add(-time.Hour)
			os.Chtimes(stale, old, old)
			if _, stderr, code := run(t, "gen", "--rows", "100", "--users", "40", "--out", link); code != 0 {
				t.Fatalf("gen: exit %d: %s", code, stderr)
			}
			if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
				t.Errorf("%s is no longer a symbolic link", link)
			}
			if fi, err := os.Stat(real); err != nil || fi.Size() <= 3 || fi.Mode().Perm() != 0o600 {
				t.Errorf("%s was not replaced keeping its mode: %v %v", real, fi, err)
			}
			if _, err := os.Stat(stale); err == nil {
				t.Errorf("the stale %s was left", stale)
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != 2 {
				var names []string
				for _, e := range entries {
					names = append(names, e.Name())
				}
				t.Errorf("files left: %v", names)
			}
		})
	}
}
