package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// TestLoad checks Load sends exactly the requests asked for, counts non-2xx
// answers as errors, orders its percentiles, and refuses a target that is
// not on this machine.
func TestLoad(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if strings.Contains(r.URL.Path, "bad") {
			http.Error(w, "no", http.StatusNotFound)
		}
	}))
	defer srv.Close()
	r, err := Load(context.Background(), srv.URL, []string{"/ok", "/ok", "/bad", "/ok"}, 200, 4)
	if err != nil {
		t.Fatal(err)
	}
	if r.Requests != 200 || hits.Load() != 200 || r.Errors != 50 {
		t.Errorf("requests %d, server saw %d, errors %d; want 200, 200, 50", r.Requests, hits.Load(), r.Errors)
	}
	if !(r.P50 <= r.P90 && r.P90 <= r.P99 && r.P99 <= r.Max && r.PerSecond > 0) {
		t.Errorf("percentiles out of order: %+v", r)
	}
	for _, target := range []string{"http://10.1.2.3:80", "http://example.com", "::bad"} {
		if _, err := Load(context.Background(), target, []string{"/"}, 1, 1); err == nil {
			t.Errorf("%s: no error", target)
		}
	}
}
