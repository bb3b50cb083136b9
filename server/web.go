package server

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/recnet/recnet/internal/quote"
)

// webFiles holds the browser page: index.html and its assets, which use
// only the JSON API and load nothing from other origins.
//
//go:embed web
var webFiles embed.FS

// webRoot is webFiles without the leading "web/".
var webRoot = func() fs.FS {
	sub, err := fs.Sub(webFiles, "web")
	if err != nil { // a constant, valid path: cannot happen
		panic(err)
	}
	return sub
}()

// webPrefix is the path under which the page's assets are served.
const webPrefix = "/web/"

// webLabel is the metrics label of requests for the page and its assets,
// so that clients cannot grow the label set.
const webLabel = "web"

// isWebPath reports whether path is the page or one of its assets.
func isWebPath(path string) bool {
	return path == "/" || strings.HasPrefix(path, webPrefix)
}

// serveWeb serves the page at "/" and its assets under /web/, and returns
// the HTTP status written. Unknown assets are a not_found error envelope.
func (s *Server) serveWeb(w http.ResponseWriter, r *http.Request) int {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return s.notAllowed(w, r, http.MethodGet)
	}
	name := "index.html"
	if r.URL.Path != "/" {
		name = strings.TrimPrefix(r.URL.Path, webPrefix)
	}
	b, err := fs.ReadFile(webRoot, name)
	if !fs.ValidPath(name) || err != nil {
		return s.writeError(w, &apiError{http.StatusNotFound, codeNotFound, fmt.Sprintf("no file %s", quote.Short(r.URL.Path))})
	}
	h := w.Header()
	h["X-Content-Type-Options"] = noSniff
	h.Set("Cache-Control", "no-cache")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	h.Set("Referrer-Policy", "no-referrer")
	rec := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	http.ServeContent(rec, r, name, time.Time{}, bytes.NewReader(b))
	return rec.status
}

// statusWriter records the status a handler writes.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}
