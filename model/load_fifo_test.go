//go:build unix

package model

import (
	"context"
	"errors"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestLoadContextFIFO checks that loading a model from a FIFO no one
// writes to ends with the context's error (internal/openctx tests a
// writer that stalls).
func TestLoadContextFIFO(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := LoadContext(ctx, path)
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("LoadContext: %v, want the context's error", err)
		}
	case <-time.After(20 * time.Second): // a safety net, not a measure
		t.Fatal("LoadContext of a FIFO did not end with its context")
	}
}
