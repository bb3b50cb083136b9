//go:build unix

package dataset

import (
	"context"
	"errors"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestLoadCatalogFIFO checks that loading a catalog from a FIFO no one
// writes to ends with the context's error (internal/openctx tests a
// writer that stalls).
func TestLoadCatalogFIFO(t *testing.T) {
	fifoNoWriter(t, func(ctx context.Context, path string) error {
		_, err := LoadCatalog(ctx, path)
		return err
	})
}

// fifoNoWriter checks that load, given a FIFO no one writes to, ends with
// the context's error.
func fifoNoWriter(t *testing.T, load func(ctx context.Context, path string) error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- load(ctx, path) }()
	select {
	case err := <-done:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("got %v, want the context's error", err)
		}
	case <-time.After(20 * time.Second): // a safety net, not a measure
		t.Fatal("the load of a FIFO did not end with its context")
	}
}
