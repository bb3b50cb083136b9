//go:build unix

package dataset

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

// TestLoadCatalogFIFO checks that loading a catalog from a FIFO no one
// writes to, or one whose writer stalls, ends with the context's error.
func TestLoadCatalogFIFO(t *testing.T) {
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
					io.WriteString(w, "id,title\n")
					<-ctx.Done()
					time.Sleep(time.Second)
				}()
			}
			done := make(chan error, 1)
			go func() {
				_, err := LoadCatalog(ctx, path)
				done <- err
			}()
			select {
			case err := <-done:
				if !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("LoadCatalog: %v, want the context's error", err)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("LoadCatalog of a FIFO did not end with its context")
			}
		})
	}
}
