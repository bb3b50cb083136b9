package sqlite

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/recnet/recnet/dataset"
)

// TestWALReadCreatesNothing reads a database in WAL mode, closed cleanly,
// and checks by the directory listing and checksums that no -wal or -shm
// file was created; with a -wal file present (a live or uncleanly closed
// database) the read is refused, and nothing changes either.
func TestWALReadCreatesNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "wal.db")
	exec(t, path, `PRAGMA journal_mode=WAL`,
		`CREATE TABLE ratings (user TEXT, item TEXT, rating REAL)`,
		`INSERT INTO ratings VALUES ('u1', 'a', 4.5), ('u2', 'a', 3), ('u1', 'b', 5)`)
	if b, _ := os.ReadFile(path); len(b) < 20 || b[18] != 2 || b[19] != 2 {
		t.Fatalf("the fixture is not in WAL mode")
	}
	src := "sqlite://" + filepath.ToSlash(path) + "?table=ratings"
	before := snapshot(t, dir)
	d, err := dataset.Load(context.Background(), src, dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != 3 {
		t.Errorf("%d rows, want 3", d.Len())
	}
	if after := snapshot(t, dir); !maps.Equal(before, after) {
		t.Errorf("reading changed the directory:\n%v\n->\n%v", before, after)
	}
	// A -wal file beside it: refused with a clear message.
	if err := os.WriteFile(path+"-wal", nil, 0o644); err != nil {
		t.Fatal(err)
	}
	before = snapshot(t, dir)
	_, err = dataset.Load(context.Background(), src, dataset.Options{})
	if err == nil || !strings.Contains(err.Error(), "checkpoint") {
		t.Errorf("with a -wal file: %v, want an error saying to checkpoint", err)
	}
	if after := snapshot(t, dir); !maps.Equal(before, after) {
		t.Errorf("reading changed the directory:\n%v\n->\n%v", before, after)
	}
}
