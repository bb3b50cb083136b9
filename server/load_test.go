package server

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// countingServer starts a test server running h that counts the
// connections it accepts.
func countingServer(h http.HandlerFunc) (*httptest.Server, *atomic.Int64) {
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	return srv, &conns
}

// TestLoad checks Load sends exactly the requests asked for, counts non-2xx
// answers as errors, orders its percentiles, keeps one connection per
// client, and refuses a target that is not on this machine.
func TestLoad(t *testing.T) {
	var hits atomic.Int64
	srv, conns := countingServer(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if strings.Contains(r.URL.Path, "bad") {
			http.Error(w, "no", http.StatusNotFound)
		}
	})
	defer srv.Close()
	r, err := Load(context.Background(), srv.URL, []string{"/ok", "/ok", "/bad", "/ok?a=b&c=%20"}, 200, 4)
	if err != nil {
		t.Fatal(err)
	}
	if r.Requests != 200 || hits.Load() != 200 || r.Errors != 50 {
		t.Errorf("requests %d, server saw %d, errors %d; want 200, 200, 50", r.Requests, hits.Load(), r.Errors)
	}
	if conns.Load() != 4 {
		t.Errorf("%d connections for 4 clients, want 4 (keep-alive)", conns.Load())
	}
	if !(r.P50 <= r.P90 && r.P90 <= r.P99 && r.P99 <= r.Max && r.PerSecond > 0) {
		t.Errorf("percentiles out of order: %+v", r)
	}
	for _, target := range []string{"http://10.1.2.3:80", "http://example.com", "::bad", "https://127.0.0.1:1"} {
		if _, err := Load(context.Background(), target, []string{"/"}, 1, 1); err == nil {
			t.Errorf("%s: no error", target)
		}
	}
}

// TestLoadReconnects checks that answers closing their connection, and a
// server closing connections without saying so, cost no errors, and that
// a server that is not there gives one error per request.
func TestLoadReconnects(t *testing.T) {
	var hits atomic.Int64
	srv, conns := countingServer(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1)%3 == 0 {
			w.Header().Set("Connection", "close")
		}
		w.Write([]byte("hello"))
	})
	r, err := Load(context.Background(), srv.URL, []string{"/"}, 90, 1)
	if err != nil {
		t.Fatal(err)
	}
	if r.Requests != 90 || r.Errors != 0 || conns.Load() != 30 {
		t.Errorf("%d requests, %d errors, %d connections; want 90, 0, 30", r.Requests, r.Errors, conns.Load())
	}
	srv.Close()

	// A server that closes every connection after one answer without
	// saying so, as one dropping idle connections does: the request that
	// finds its connection closed is sent again on a new one.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			if _, err := http.ReadRequest(bufio.NewReader(c)); err == nil {
				c.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"))
			}
			c.Close()
		}
	}()
	r, err = Load(context.Background(), "http://"+ln.Addr().String(), []string{"/"}, 20, 1)
	ln.Close()
	if err != nil || r.Requests != 20 || r.Errors != 0 {
		t.Errorf("server closing silently: %+v, %v; want 20 requests, 0 errors", r, err)
	}

	if r, err := Load(context.Background(), srv.URL, []string{"/"}, 5, 2); err != nil || r.Requests != 5 || r.Errors != 5 {
		t.Errorf("no server: %+v, %v; want 5 requests, 5 errors", r, err)
	}
}

// TestLoadCancel checks Load stops early, with an error, when its context
// ends while requests hang.
func TestLoadCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var hits atomic.Int64
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 10 {
			cancel()
		}
		if hits.Load() >= 10 {
			<-release
		}
	}))
	defer srv.Close()
	defer close(release)
	r, err := Load(ctx, srv.URL, []string{"/"}, 1000, 2)
	if err == nil || r.Requests >= 1000 {
		t.Errorf("got %+v, %v; want fewer than 1000 requests and the context's error", r, err)
	}
}

// TestLoadCountsSuccesses checks that the rate counts only the requests
// that succeeded: against a port nobody listens on, every request fails
// and the rate is 0.
func TestLoadCountsSuccesses(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := "http://" + ln.Addr().String()
	ln.Close()
	r, err := Load(context.Background(), addr, []string{"/"}, 40, 2)
	if err != nil {
		t.Fatal(err)
	}
	if r.Requests != 40 || r.Errors != 40 || r.PerSecond != 0 {
		t.Errorf("requests %d, errors %d, %g req/s; want 40, 40, 0", r.Requests, r.Errors, r.PerSecond)
	}
}

// TestLoadLatencyOfSuccesses checks that the latency percentiles are over
// the requests that succeeded only, as the text says: fast failures do not
// count, and a run with none reports no latency. Each success takes at
// least a marker delay, so every percentile of the successes is at least
// that whatever the machine's load; were the failures (three in four,
// answered at once) counted, the median would be one of them.
func TestLoadLatencyOfSuccesses(t *testing.T) {
	const marker = 50 * time.Millisecond
	srv, _ := countingServer(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "bad") {
			http.Error(w, "no", http.StatusInternalServerError)
			return
		}
		time.Sleep(marker)
	})
	defer srv.Close()
	r, err := Load(context.Background(), srv.URL, []string{"/ok", "/bad", "/bad", "/bad"}, 12, 2)
	if err != nil {
		t.Fatal(err)
	}
	if r.Errors != 9 || r.P50 < marker || r.P90 < marker || r.Max < marker {
		t.Errorf("errors %d, p50 %v, p90 %v, max %v: want 9 errors and the latencies of the successes only, each at least %v", r.Errors, r.P50, r.P90, r.Max, marker)
	}
	if s := r.String(); !strings.Contains(s, "latency of the 3 successful requests") {
		t.Errorf("the text does not say what the latency covers: %s", s)
	}
	srv.Close()
	r, _ = Load(context.Background(), srv.URL, []string{"/"}, 3, 1)
	if r.Errors != 3 || r.Max != 0 || !strings.Contains(r.String(), "no successful request") {
		t.Errorf("a dead server: %+v, %s", r, r)
	}
}
