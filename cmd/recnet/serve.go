package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"

	"github.com/recnet/recnet/model"
	"github.com/recnet/recnet/server"
	"github.com/spf13/cobra"
)

// shutdownTimeout is how long serve waits for requests in flight when
// stopping.
const shutdownTimeout = 10 * time.Second

// Bounds of serve's fold-in flags: the wait stays below the write timeout
// (30 s) so that a refusal can still be written.
const (
	maxFoldInLimit = 1024
	maxFoldInWait  = 20 * time.Second
)

// serveRun holds serve's flags.
type serveRun struct {
	path, addr string
	cat        catalogFlag
	foldLimit  int
	foldWait   time.Duration
}

func serveCmd() *cobra.Command {
	var r serveRun
	c := &cobra.Command{
		Use:   "serve --model M [--addr 127.0.0.1:8080] [--catalog builtin|none|F]",
		Short: "Serve a model over a JSON HTTP API",
		Long: fmt.Sprintf(`Serve answers predictions, recommendations, similar items and fold-in requests
for a model over HTTP, labelled with titles and genres from --catalog. Every
response under /v1/ and /healthz is a JSON envelope {"status":"success","data":...}
or {"status":"error","error":{"code":...,"message":...}}; /metrics is in the
Prometheus text format. Endpoints:

  GET  /v1/predict?user=U&item=I
  GET  /v1/recommend?user=U&k=10
  GET  /v1/similar?item=I&k=10
  POST /v1/foldin   {"ratings":{"C1":5,"C2":4},"k":10}
  GET  /v1/items?q=python&limit=20
  GET  /v1/model
  GET  /healthz
  GET  /metrics

Fold-ins are bounded: at most --foldin-limit run at once (default: the number of
cores, 1..%d), each further one waits up to --foldin-wait (0..%v) for a slot
and is then refused with 503 and the code "busy"; a fold-in stops when its client
goes away. Fold-in ratings must be finite and within the model's rating range
(400 otherwise), at most %d of them in a body of at most %d KiB; k is 1..%d.
HEAD is answered wherever GET is.

SIGHUP reloads the model file; if it cannot be loaded, the old model keeps
serving. SIGINT and SIGTERM stop the server, letting requests in flight finish
for up to %v.`, maxFoldInLimit, maxFoldInWait, server.MaxRatings, server.MaxBodyBytes>>10, server.MaxK, shutdownTimeout),

		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return r.run(cmd) },
	}
	c.Flags().StringVar(&r.path, "model", "model.recnet", "model file")
	c.Flags().StringVar(&r.addr, "addr", "127.0.0.1:8080", "the server's address, host:port, that it listens on (not empty)")
	c.Flags().IntVar(&r.foldLimit, "foldin-limit", runtime.GOMAXPROCS(0), fmt.Sprintf("fold-ins run at once, 1..%d; the default is the number of cores", maxFoldInLimit))
	c.Flags().DurationVar(&r.foldWait, "foldin-wait", server.DefaultFoldInWait, fmt.Sprintf("how long a fold-in waits for a free slot before a 503, 0..%v", maxFoldInWait))
	r.cat.register(c)
	return c
}

// run checks the flags, loads the model and the catalog, listens and
// serves until the command's context ends.
func (r *serveRun) run(cmd *cobra.Command) error {
	fs := cmd.Flags()
	if err := firstErr(nonEmpty(fs, "addr", r.addr), intIn(fs, "foldin-limit", r.foldLimit, 1, maxFoldInLimit),
		durationIn(fs, "foldin-wait", r.foldWait, 0, maxFoldInWait)); err != nil {
		return err
	}
	m, err := model.LoadContext(cmd.Context(), r.path)
	if err != nil {
		return badInput(err)
	}
	catalog, err := r.cat.load(cmd.Context())
	if err != nil {
		return err
	}
	stderr := cmd.ErrOrStderr()
	s := server.New(m, catalog, server.WithErrorLog(func(err error) {
		fmt.Fprintln(stderr, "recnet serve:", err)
	}), server.WithFoldInLimit(r.foldLimit), server.WithFoldInWait(r.foldWait))
	ln, err := net.Listen("tcp", r.addr)
	if err != nil {
		return badInput(err)
	}
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          log.New(stderr, "recnet serve: ", 0),
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	fmt.Fprintf(stderr, "recnet serve: %s model %s on http://%s\n", m.Net.Kind(), r.path, ln.Addr())
	return r.loop(cmd.Context(), stderr, s, srv, hup, errc)
}

// loop reloads the model on each signal from hup until the server fails or ctx ends,
// when it shuts the server down, letting requests in flight finish for up
// to shutdownTimeout.
func (r *serveRun) loop(ctx context.Context, stderr io.Writer, s *server.Server, srv *http.Server, hup <-chan os.Signal, errc <-chan error) error {
	for {
		select {
		case err := <-errc:
			return err
		case <-hup:
			nm, err := model.LoadContext(ctx, r.path)
			if err != nil {
				fmt.Fprintf(stderr, "recnet serve: reload failed, still serving the old model: %v\n", err)
				continue
			}
			s.Swap(nm)
			fmt.Fprintf(stderr, "recnet serve: reloaded %s model %s (%d users, %d items)\n", nm.Net.Kind(), r.path, nm.Users.Len(), nm.Items.Len())
		case <-ctx.Done():
			fmt.Fprintln(stderr, "recnet serve: shutting down")
			sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
			err := srv.Shutdown(sctx)
			cancel()
			if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) && err == nil {
				err = serr
			}
			return err
		}
	}
}
