package sqlite

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/recnet/recnet/dataset"
)

// TestWriteCancelled checks that a cancelled write stops with the
// context's error and leaves neither the target nor a temporary file.
func TestWriteCancelled(t *testing.T) {
	d, _ := dataset.GenerateCourses(dataset.CourseConfig{Users: 3000, Rows: 21000})
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := Write(ctx, filepath.Join(dir, "r.db"), "ratings", d)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("cancelled write left %v", entries)
	}
}
