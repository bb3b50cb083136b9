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
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/recnet/recnet/internal/quote"
	"github.com/recnet/recnet/model"
	"github.com/recnet/recnet/server"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
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
	models    []string // --model, each NAME=FILE or FILE
	files     []modelFile
	addr      string
	cat       catalogFlag
	foldLimit int
	foldWait  time.Duration
}

// modelFile is a model to serve: the name requests choose it by, and its
// file.
type modelFile struct{ name, path string }

func serveCmd() *cobra.Command {
	var r serveRun
	c := &cobra.Command{
		Use:   "serve --model [NAME=]FILE... [--addr 127.0.0.1:8080] [--catalog builtin|none|F]",
		Short: "Serve models over a JSON HTTP API",
		Long: fmt.Sprintf(`Serve answers predictions, recommendations, similar items and fold-in requests
for up to %d models over HTTP, labelled with titles and genres from --catalog.
Give --model once per model, as NAME=FILE or as FILE, named then by its file
name without the extension (model.recnet is "model"); a name is 1 to 32
letters, digits, '-', '_' or '.', and the names differ. Every request may
choose a model with model=NAME in its query string (the first one without
it; an empty model= is refused), for example a rating model and an implicit one:

  recnet serve --model ratings=r.recnet --model next=n.recnet

The page at / then lets the learner choose between them. Every
response under /v1/ and /healthz is a JSON envelope {"status":"success","data":...}
or {"status":"error","error":{"code":...,"message":...}}; /metrics is in the
Prometheus text format. Endpoints:

  GET  /v1/predict?user=U&item=I
  GET  /v1/recommend?user=U&k=10[&include_seen=true][&because=false]
  GET  /v1/similar?item=I&k=10
  POST /v1/foldin   {"ratings":{"C1":5,"C2":4},"k":10[,"because":false]}
  GET  /v1/items?q=python&limit=20
  GET  /v1/model      the chosen model, and the list of all of them
  GET  /healthz
  GET  /metrics

Fold-ins are bounded: at most --foldin-limit run at once (default: the number of
cores, 1..%d), each further one waits up to --foldin-wait (0..%v) for a slot
and is then refused with 503 and the code "busy"; a fold-in stops when its client
goes away. Fold-in ratings must be finite and within the model's rating range
(a model trained on one value, as a table of interactions, 1..1, takes only it;
400 otherwise), at most %d of them in a body of at most %d KiB; k is 1..%d.
HEAD is answered wherever GET is.

recommend leaves out the items the user rated in training unless
include_seen=true. Each recommend and fold-in item has "because": at most %d
rated items (model.MaxReasons) that raise its score most, each with the
learner's rating and its share; because=false ("because":false in the fold-in
body) asks for none. A known user's reasons refold them and take a fold-in slot
if one is free, without waiting (a "because_note" says when none was); an mlp
or a neumf explains at most %d ratings (model.MaxDeepExplain: one refit each).

SIGHUP reloads every model file; a model whose file cannot be loaded keeps
serving its old version. SIGINT and SIGTERM stop the server, letting requests
in flight finish for up to %v.`, server.MaxModels, maxFoldInLimit, maxFoldInWait, server.MaxRatings, server.MaxBodyBytes>>10, server.MaxK,
			model.MaxReasons, model.MaxDeepExplain, shutdownTimeout),

		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return r.run(cmd) },
	}
	c.Flags().StringArrayVar(&r.models, "model", []string{"model.recnet"}, fmt.Sprintf("model file to serve, NAME=FILE or FILE (named by its file name without the extension); repeat for up to %d models, the first the default", server.MaxModels))
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
	files, err := modelFiles(fs, r.models)
	if err != nil {
		return err
	}
	r.files = files
	models := make([]server.Named, len(files))
	for k, f := range files {
		m, err := model.LoadContext(cmd.Context(), f.path)
		if err != nil {
			return badInput(err)
		}
		models[k] = server.Named{Name: f.name, Model: m}
	}
	catalog, err := r.cat.load(cmd.Context())
	if err != nil {
		return err
	}
	stderr := cmd.ErrOrStderr()
	s, err := server.NewNamed(models, catalog, server.WithErrorLog(func(err error) {
		fmt.Fprintln(stderr, "recnet serve:", err)
	}), server.WithFoldInLimit(r.foldLimit), server.WithFoldInWait(r.foldWait))
	if err != nil { // modelFiles checked the names and their number
		return err
	}
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
	fmt.Fprintf(stderr, "recnet serve: %s on http://%s\n", describeModels(models, files), ln.Addr())
	return r.loop(cmd.Context(), stderr, s, srv, hup, errc)
}

// loop reloads the models on each signal from hup until the server fails or ctx ends,
// when it shuts the server down, letting requests in flight finish for up
// to shutdownTimeout.
func (r *serveRun) loop(ctx context.Context, stderr io.Writer, s *server.Server, srv *http.Server, hup <-chan os.Signal, errc <-chan error) error {
	for {
		select {
		case err := <-errc:
			return err
		case <-hup:
			r.reload(ctx, stderr, s)
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

// reload loads every model file again and swaps in each one that loads;
// one that fails keeps its old version.
func (r *serveRun) reload(ctx context.Context, stderr io.Writer, s *server.Server) {
	for _, f := range r.files {
		nm, err := model.LoadContext(ctx, f.path)
		if err == nil {
			err = s.SwapNamed(f.name, nm)
		}
		if err != nil {
			fmt.Fprintf(stderr, "recnet serve: reload of model %s failed, still serving its old version: %v\n", f.name, err)
			continue
		}
		fmt.Fprintf(stderr, "recnet serve: reloaded %s model %s from %s (%d users, %d items)\n", nm.Net.Kind(), f.name, f.path, nm.Users.Len(), nm.Items.Len())
	}
}

// modelFiles reads the values of --model: each NAME=FILE, when the part
// before the first '=' is a valid name, or else FILE, named by its base
// name without the extension. It refuses more than server.MaxModels, an
// empty file, a file whose name cannot name a model, and a name given
// twice.
func modelFiles(fs *pflag.FlagSet, vals []string) ([]modelFile, error) {
	flag := flagName(fs, "model")
	if len(vals) > server.MaxModels {
		return nil, badInput(fmt.Errorf("%s given %d times: at most %d models", flag, len(vals), server.MaxModels))
	}
	files := make([]modelFile, 0, len(vals))
	seen := make(map[string]bool, len(vals))
	for _, v := range vals {
		f := modelFile{path: v}
		if name, path, ok := strings.Cut(v, "="); ok && server.CheckName(name) == nil {
			f = modelFile{name, path}
		} else {
			f.name = strings.TrimSuffix(filepath.Base(v), filepath.Ext(v))
			if err := server.CheckName(f.name); err != nil {
				return nil, badInput(fmt.Errorf("%s %s: its file cannot name the model: %v; give NAME=FILE", flag, quote.Short(v), err))
			}
		}
		if f.path == "" {
			return nil, badInput(fmt.Errorf("%s %s: no file", flag, quote.Short(v)))
		}
		if seen[f.name] {
			return nil, badInput(fmt.Errorf("%s %s: a second model named %s; give NAME=FILE with another name", flag, quote.Short(v), f.name))
		}
		seen[f.name] = true
		files = append(files, f)
	}
	return files, nil
}

// describeModels names each served model with its kind and file.
func describeModels(models []server.Named, files []modelFile) string {
	parts := make([]string, len(models))
	for k, nm := range models {
		parts[k] = fmt.Sprintf("%s model %s (%s)", nm.Model.Net.Kind(), nm.Name, files[k].path)
	}
	return strings.Join(parts, ", ")
}
