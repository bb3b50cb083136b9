package openctx

import (
	"context"
	"errors"
	"io"
	"os"
	"time"
)

// Open opens path for reading. Opening a FIFO waits for a writer; the
// wait ends with ctx, whose error (wrapped in an *os.PathError) is
// returned then.
func Open(ctx context.Context, path string) (*os.File, error) {
	fi, err := os.Stat(path)
	if err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		if err == nil && ctx.Err() != nil {
			return nil, &os.PathError{Op: "open", Path: path, Err: context.Cause(ctx)}
		}
		return os.Open(path)
	}
	type result struct {
		f   *os.File
		err error
	}
	done := make(chan result, 1)
	go func() {
		f, err := os.Open(path)
		done <- result{f, err}
	}()
	select {
	case r := <-done:
		return r.f, r.err
	case <-ctx.Done():
	}
	releaseFIFO(path)
	go func() { // close what the open returns, now or later
		if r := <-done; r.f != nil {
			r.f.Close()
		}
	}()
	return nil, &os.PathError{Op: "open", Path: path, Err: context.Cause(ctx)}
}

// Watch returns f as a reader whose reads end when ctx does, with an error
// wrapping ctx's, if f is not a regular file (a FIFO or a device may stall);
// a regular file is returned as it is. Closing the reader closes f.
//
// The reads end through a read deadline, which only a file the runtime can
// poll takes (a FIFO, a pipe, a terminal, a socket); on any other (a disk
// device, most character devices) setting it fails, the error is ignored,
// and a stalled read ends only when the file yields data or an error.
func Watch(ctx context.Context, f *os.File) io.ReadCloser {
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		return f
	}
	stop := context.AfterFunc(ctx, func() { f.SetReadDeadline(time.Now()) })
	return &watched{f: f, ctx: ctx, stop: stop}
}

// ReadFile opens path with Open and returns it watched by ctx (see Watch).
func ReadFile(ctx context.Context, path string) (io.ReadCloser, error) {
	f, err := Open(ctx, path)
	if err != nil {
		return nil, err
	}
	return Watch(ctx, f), nil
}

// watched is a non-regular file whose reads end with ctx.
type watched struct {
	f    *os.File
	ctx  context.Context
	stop func() bool
}

func (w *watched) Read(p []byte) (int, error) {
	n, err := w.f.Read(p)
	if err != nil && errors.Is(err, os.ErrDeadlineExceeded) && w.ctx.Err() != nil {
		err = &os.PathError{Op: "read", Path: w.f.Name(), Err: context.Cause(w.ctx)}
	}
	return n, err
}

func (w *watched) Close() error { w.stop(); return w.f.Close() }
