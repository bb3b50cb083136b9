package openctx

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

// TestFIFO checks that opening a FIFO no one writes to, or reading one
// whose writer stalls, ends with the context's error.
func TestFIFO(t *testing.T) {
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
					io.WriteString(w, "some")
					<-ctx.Done()
					time.Sleep(time.Second)
				}()
			}
			done := make(chan error, 1)
			go func() {
				r, err := ReadFile(ctx, path)
				if err == nil {
					_, err = io.ReadAll(r)
					r.Close()
				}
				done <- err
			}()
			select {
			case err := <-done:
				if !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("got %v, want the context's error", err)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("the read of a FIFO did not end with its context")
			}
		})
	}
}

// TestRegular checks that a regular file comes back as the *os.File.
func TestRegular(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	os.WriteFile(path, []byte("x"), 0o644)
	r, err := ReadFile(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, ok := r.(*os.File); !ok {
		t.Errorf("a regular file read as %T, want *os.File", r)
	}
}
