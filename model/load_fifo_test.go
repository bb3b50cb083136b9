//go:build unix

package model

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestLoadContextFIFO checks that loading a model from a FIFO no one
// writes to, or one whose writer stalls, ends with the context's error.
func TestLoadContextFIFO(t *testing.T) {
	for _, name := range []string{"no writer", "writer stalls"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "fifo")
			if err := syscall.Mkfifo(path, 0o600); err != nil {
				t.Skip("no FIFOs here:", err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			defer cancel()
			if name == "writer stalls" {
				go func() {
					w, err := os.OpenFile(path, os.O_WRONLY, 0)
					if err != nil {
						return
					}
					defer w.Close()
					io.WriteString(w, "RECNET")
					<-ctx.Done()
					time.Sleep(time.Second)
				}()
			}
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
			case <-time.After(20 * time.Second):
				t.Fatal("LoadContext of a FIFO did not end with its context")
			}
		})
	}
}
