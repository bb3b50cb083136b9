package dataset

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/recnet/recnet/atomicfile"
)

// TestWritersStopWhenCancelled checks that the CSV writers stop with the
// context's error when it ends, so that an interrupted write leaves
// neither the target nor a temporary file.
func TestWritersStopWhenCancelled(t *testing.T) {
	d, _ := GenerateCourses(CourseConfig{Users: 3000, Rows: 21000})
	s := ShapeML1M.Scaled(50000)
	for _, tc := range []struct {
		name  string
		write func(ctx context.Context, w io.Writer) error
	}{
		{"WriteCSVContext", func(ctx context.Context, w io.Writer) error { return WriteCSVContext(ctx, w, d) }},
		{"WriteShapeCSVContext", func(ctx context.Context, w io.Writer) error { return WriteShapeCSVContext(ctx, w, s, 1) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "r.csv")
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			err := atomicfile.Write(out, func(w io.Writer) error { return tc.write(ctx, w) })
			if !errors.Is(err, context.Canceled) {
				t.Errorf("cancelled write: err = %v, want context.Canceled", err)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("cancelled write left %v", entries)
			}
			// Not cancelled: the rows are written.
			if err := atomicfile.Write(out, func(w io.Writer) error { return tc.write(context.Background(), w) }); err != nil {
				t.Fatal(err)
			}
			if fi, err := os.Stat(out); err != nil || fi.Size() < 100000 {
				t.Errorf("write: %v, %v", fi, err)
			}
		})
	}
}
