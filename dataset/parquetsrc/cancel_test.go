package parquetsrc

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/recnet/recnet/atomicfile"
	"github.com/recnet/recnet/dataset"
)

// TestWriteContextCancelled checks that a cancelled write stops with the
// context's error and leaves neither the target nor a temporary file.
func TestWriteContextCancelled(t *testing.T) {
	d, _ := dataset.GenerateCourses(dataset.CourseConfig{Users: 3000, Rows: 21000})
	dir := t.TempDir()
	out := filepath.Join(dir, "r.parquet")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := atomicfile.Write(out, func(w io.Writer) error { return WriteContext(ctx, w, d) })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("cancelled write left %v", entries)
	}
}
