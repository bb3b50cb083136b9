package server

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/recnet/recnet/internal/quote"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

// Limits on requests.
const (
	// DefaultK is the number of items returned when k is not given.
	DefaultK = 10
	// MaxK is the largest k accepted.
	MaxK = 100
	// DefaultLimit is the number of items /v1/items lists when limit is not given.
	DefaultLimit = 20
	// MaxLimit is the largest limit /v1/items accepts.
	MaxLimit = 1000
	// MaxBodyBytes is the largest fold-in request body accepted.
	MaxBodyBytes = 64 << 10
	// MaxRatings is the most ratings a fold-in request may hold.
	MaxRatings = 500
	// DefaultFoldInWait is how long a fold-in waits for a free slot (see
	// WithFoldInLimit) before it is refused with 503, unless
	// WithFoldInWait says otherwise.
	DefaultFoldInWait = 5 * time.Second
	// MaxModels is the most models a Server serves at once.
	MaxModels = 8
)

// Server serves models and their catalog over HTTP. It is safe for
// concurrent use.
type Server struct {
	models  []*slot        // in the order given; the first is the default
	byName  map[string]int // index in models
	cat     *dataset.Catalog
	errLog  func(error)
	routes  map[string]route
	metrics *metrics
	handler http.Handler
	// slots holds a token per fold-in running; foldWait is how long a
	// fold-in waits for one.
	slots    chan struct{}
	foldWait time.Duration
}

// Option configures a Server.
type Option func(*Server)

// WithErrorLog sets a function called with errors the server cannot report
// to the client: failures to encode or write a response, and internal
// errors. By default they are dropped. f must be safe for concurrent use.
func WithErrorLog(f func(error)) Option {
	return func(s *Server) { s.errLog = f }
}

// WithFoldInLimit sets how many fold-ins run at once, n >= 1; n < 1 means
// the default, runtime.GOMAXPROCS(0). A fold-in of an mlp or a neumf costs
// about a second of CPU for 500 ratings; more at once would only share the
// cores and delay every other request.
func WithFoldInLimit(n int) Option {
	return func(s *Server) {
		if n < 1 {
			n = runtime.GOMAXPROCS(0)
		}
		s.slots = make(chan struct{}, n)
	}
}

// WithFoldInWait sets how long a fold-in waits for a free slot before it
// is refused with 503 and the code "busy" (0: refused at once when every
// slot is taken). The default is DefaultFoldInWait. A request that ends
// stops waiting, and stops its fold-in when it is running.
func WithFoldInWait(d time.Duration) Option {
	return func(s *Server) { s.foldWait = max(d, 0) }
}

// New returns a server for the one model m, named DefaultName, labelling
// items with titles and genres from cat, which may be nil. m must not be
// nil.
func New(m *model.Model, cat *dataset.Catalog, opts ...Option) *Server {
	s, err := NewNamed([]Named{{DefaultName, m}}, cat, opts...)
	if err != nil {
		panic(err) // only a nil m
	}
	return s
}

// NewNamed returns a server for 1..MaxModels models, labelling items with
// titles and genres from cat, which may be nil. A request chooses a model
// by its name with the query parameter model=NAME; without it, it gets
// the first. Each name must pass CheckName and differ from the others,
// and no model may be nil.
func NewNamed(models []Named, cat *dataset.Catalog, opts ...Option) (*Server, error) {
	if len(models) == 0 || len(models) > MaxModels {
		return nil, fmt.Errorf("server: %d models, want 1 to %d", len(models), MaxModels)
	}
	s := &Server{byName: make(map[string]int, len(models)), cat: cat, metrics: newMetrics(), foldWait: DefaultFoldInWait}
	for k, nm := range models {
		if err := CheckName(nm.Name); err != nil {
			return nil, err
		}
		if _, dup := s.byName[nm.Name]; dup {
			return nil, fmt.Errorf("server: two models named %s", quote.Short(nm.Name))
		}
		if nm.Model == nil {
			return nil, fmt.Errorf("server: model %s is nil", nm.Name)
		}
		sl := &slot{name: nm.Name}
		sl.cur.Store(newServed(nm.Name, nm.Model, cat))
		s.byName[nm.Name] = k
		s.models = append(s.models, sl)
	}
	WithFoldInLimit(0)(s)
	for _, o := range opts {
		o(s)
	}
	s.routes = map[string]route{
		"/v1/predict":   {http.MethodGet, s.predict},
		"/v1/recommend": {http.MethodGet, s.recommend},
		"/v1/similar":   {http.MethodGet, s.similar},
		"/v1/foldin":    {http.MethodPost, s.foldIn},
		"/v1/items":     {http.MethodGet, s.items},
		"/v1/model":     {http.MethodGet, s.modelInfo},
		"/healthz":      {http.MethodGet, s.healthz},
	}
	s.handler = http.HandlerFunc(s.serveHTTP)
	return s, nil
}

// Handler returns the HTTP handler serving the API, and the browser page
// at "/" with its assets under /web/.
func (s *Server) Handler() http.Handler { return s.handler }

// Swap replaces the first served model atomically, as SwapNamed does. A
// nil m is ignored.
func (s *Server) Swap(m *model.Model) {
	if m != nil {
		s.models[0].cur.Store(newServed(s.models[0].name, m, s.cat))
	}
}

// SwapNamed replaces the model named name atomically, with the JSON
// labels of its items, built before the switch. Requests already running
// finish with the model they started with. It returns an error, and
// changes nothing, when no model has that name or m is nil.
func (s *Server) SwapNamed(name string, m *model.Model) error {
	k, ok := s.byName[name]
	if !ok {
		return fmt.Errorf("server: no model named %s", quote.Short(name))
	}
	if m == nil {
		return fmt.Errorf("server: model %s is nil", name)
	}
	s.models[k].cur.Store(newServed(name, m, s.cat))
	return nil
}

// Model returns the first model being served.
func (s *Server) Model() *model.Model { return s.models[0].cur.Load().m }

// route is one endpoint of the JSON API.
type route struct {
	method string
	h      func(r *http.Request, sv *served) (any, *apiError)
}

// metricsPath serves the Prometheus metrics.
const metricsPath = "/metrics"

// otherPath is the metrics label of requests to unknown paths, so that
// clients cannot grow the label set.
const otherPath = "other"

// serveHTTP dispatches a request and records its metrics.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	label := r.URL.Path
	var code int
	switch rt, ok := s.routes[r.URL.Path]; {
	case r.URL.Path == metricsPath:
		code = s.serveMetrics(w, r)
	case !ok && isWebPath(r.URL.Path):
		label = webLabel
		code = s.serveWeb(w, r)
	case !ok:
		label = otherPath
		code = s.writeError(w, &apiError{http.StatusNotFound, codeNotFound, fmt.Sprintf("no endpoint %s", quote.Short(r.URL.Path))})
	case r.Method != rt.method && (r.Method != http.MethodHead || rt.method != http.MethodGet):
		code = s.notAllowed(w, r, rt.method)
	default:
		sv, e := s.pick(r)
		var data any
		if e == nil {
			data, e = rt.h(r, sv)
		}
		if e != nil {
			code = s.writeError(w, e)
		} else {
			code = s.writeData(w, data)
		}
	}
	s.metrics.observe(label, code, time.Since(start))
}

// notAllowed answers a request whose method the path does not take with
// 405 and an Allow header: method is the one it takes, and a GET path
// also takes HEAD.
func (s *Server) notAllowed(w http.ResponseWriter, r *http.Request, method string) int {
	allow := method
	if method == http.MethodGet {
		allow = "GET, HEAD"
	}
	w.Header().Set("Allow", allow)
	return s.writeError(w, &apiError{http.StatusMethodNotAllowed, codeMethodNotAllowed,
		fmt.Sprintf("method %s not allowed on %s, use %s", quote.Short(r.Method), quote.Short(r.URL.Path), method)})
}

// serveMetrics writes the metrics in the Prometheus text format.
func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) int {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return s.notAllowed(w, r, http.MethodGet)
	}
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.Header()["X-Content-Type-Options"] = noSniff
	if _, err := w.Write([]byte(s.metrics.text(len(s.slots), cap(s.slots)))); err != nil {
		s.logError(fmt.Errorf("server: write metrics: %w", err))
	}
	return http.StatusOK
}

// acquireFoldIn takes a fold-in slot, waiting up to foldWait while ctx
// lasts; the caller gives it back with releaseFoldIn.
func (s *Server) acquireFoldIn(ctx context.Context) *apiError {
	if ctx.Err() != nil {
		return errEnded
	}
	if s.tryFoldIn() {
		return nil
	}
	busy := &apiError{http.StatusServiceUnavailable, codeBusy,
		fmt.Sprintf("all %d fold-in slots are busy; retry later", cap(s.slots))}
	if s.foldWait <= 0 {
		return busy
	}
	t := time.NewTimer(s.foldWait)
	defer t.Stop()
	select {
	case s.slots <- struct{}{}:
		return nil
	case <-t.C:
		return busy
	case <-ctx.Done():
		return errEnded
	}
}

// tryFoldIn takes a fold-in slot if one is free, without waiting, and
// reports whether it did; the caller gives it back with releaseFoldIn.
func (s *Server) tryFoldIn() bool {
	select {
	case s.slots <- struct{}{}:
		return true
	default:
		return false
	}
}

func (s *Server) releaseFoldIn() { <-s.slots }

// StatusClientClosed (nginx's 499, client closed request) answers, and
// counts in the metrics apart from a busy server's 503, a fold-in whose
// request ended (the client gave up) before it finished.
const StatusClientClosed = 499

// errEnded answers a fold-in whose request ended (the client is gone).
var errEnded = &apiError{StatusClientClosed, codeCanceled, "the request ended before the fold-in finished"}

// logError passes err to the error log, if any.
func (s *Server) logError(err error) {
	if s.errLog != nil {
		s.errLog(err)
	}
}

// durationBuckets are the upper bounds, in seconds, of the request
// duration histogram.
var durationBuckets = []float64{0.001, 0.005, 0.025, 0.1, 0.5, 2.5}

// metrics counts requests by path and status code and times them by path.
type metrics struct {
	mu       sync.Mutex
	requests map[reqKey]uint64
	hists    map[string]*histogram
}

// reqKey labels a request counter.
type reqKey struct {
	path string
	code int
}

// histogram is a cumulative-on-output histogram of request durations.
type histogram struct {
	counts []uint64 // per bucket of durationBuckets, not cumulative
	sum    float64
	count  uint64
}

func newMetrics() *metrics {
	return &metrics{requests: map[reqKey]uint64{}, hists: map[string]*histogram{}}
}

// observe records one request.
func (m *metrics) observe(path string, code int, d time.Duration) {
	sec := d.Seconds()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[reqKey{path, code}]++
	h := m.hists[path]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(durationBuckets))}
		m.hists[path] = h
	}
	for k, le := range durationBuckets {
		if sec <= le {
			h.counts[k]++
			break
		}
	}
	h.sum += sec
	h.count++
}

// text returns the metrics in the Prometheus text exposition format, with
// the fold-ins running and the fold-in slots.
func (m *metrics) text(running, slots int) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var b strings.Builder
	b.WriteString("# HELP recnet_requests_total HTTP requests handled, by path and status code.\n")
	b.WriteString("# TYPE recnet_requests_total counter\n")
	keys := make([]reqKey, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b reqKey) int {
		if c := strings.Compare(a.path, b.path); c != 0 {
			return c
		}
		return a.code - b.code
	})
	for _, k := range keys {
		fmt.Fprintf(&b, "recnet_requests_total{path=%q,code=\"%d\"} %d\n", k.path, k.code, m.requests[k])
	}
	b.WriteString("# HELP recnet_request_duration_seconds HTTP request durations, by path.\n")
	b.WriteString("# TYPE recnet_request_duration_seconds histogram\n")
	paths := make([]string, 0, len(m.hists))
	for p := range m.hists {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	for _, p := range paths {
		h := m.hists[p]
		var cum uint64
		for k, le := range durationBuckets {
			cum += h.counts[k]
			fmt.Fprintf(&b, "recnet_request_duration_seconds_bucket{path=%q,le=%q} %d\n", p, strconv.FormatFloat(le, 'g', -1, 64), cum)
		}
		fmt.Fprintf(&b, "recnet_request_duration_seconds_bucket{path=%q,le=\"+Inf\"} %d\n", p, h.count)
		fmt.Fprintf(&b, "recnet_request_duration_seconds_sum{path=%q} %s\n", p, strconv.FormatFloat(h.sum, 'g', -1, 64))
		fmt.Fprintf(&b, "recnet_request_duration_seconds_count{path=%q} %d\n", p, h.count)
	}
	fmt.Fprintf(&b, "# HELP recnet_foldins_running Fold-ins running, at most recnet_foldin_slots.\n"+
		"# TYPE recnet_foldins_running gauge\nrecnet_foldins_running %d\n"+
		"# HELP recnet_foldin_slots Fold-ins that may run at once.\n"+
		"# TYPE recnet_foldin_slots gauge\nrecnet_foldin_slots %d\n", running, slots)
	return b.String()
}
