package server

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// LoadResult is what a load run measured.
type LoadResult struct {
	Requests    int     `json:"requests"`
	Errors      int     `json:"errors"` // transport errors and non-2xx answers
	Concurrency int     `json:"concurrency"`
	Seconds     float64 `json:"seconds"`
	PerSecond   float64 `json:"per_second"` // requests that succeeded, per second
	// The latency percentiles and maximum are over the requests that
	// succeeded only; all zero when none did.
	P50 time.Duration `json:"p50_ns"`
	P90 time.Duration `json:"p90_ns"`
	P99 time.Duration `json:"p99_ns"`
	Max time.Duration `json:"max_ns"`
}

// String formats the result on one line.
func (r LoadResult) String() string {
	s := fmt.Sprintf("%d requests, %d errors, %d clients: %.0f req/s (successful); ", r.Requests, r.Errors, r.Concurrency, r.PerSecond)
	if ok := r.Requests - r.Errors; ok > 0 {
		return s + fmt.Sprintf("latency of the %d successful requests p50 %v, p90 %v, p99 %v, max %v", ok, r.P50, r.P90, r.P99, r.Max)
	}
	return s + "no successful request, no latency"
}

// loadTimeout bounds each request of a load run: connecting, sending and
// reading the whole answer.
const loadTimeout = 10 * time.Second

// Load sends n GET requests to base+paths[k % len(paths)] from c concurrent
// clients and measures them; the rate and the latencies count only the
// requests that succeeded. base is an http:// URL, and Load refuses any
// host that is not a loopback address: a load test here targets only this
// machine. It stops early, with what it measured, when ctx ends.
//
// So that the measuring costs the machine little beside the server, each
// client keeps one HTTP/1.1 keep-alive connection of its own and writes
// requests built beforehand on it, one at a time; a connection that fails
// is closed and the next request dials a new one. Each request has 10
// seconds to complete.
func Load(ctx context.Context, base string, paths []string, n, c int) (LoadResult, error) {
	u, err := url.Parse(base)
	if err != nil {
		return LoadResult{}, fmt.Errorf("server: load target %q: %w", base, err)
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); (ip == nil || !ip.IsLoopback()) && host != "localhost" {
		return LoadResult{}, fmt.Errorf("server: load target %q is not a loopback address", base)
	}
	if u.Scheme != "http" {
		return LoadResult{}, fmt.Errorf("server: load target %q: want an http:// URL", base)
	}
	if n < 1 || c < 1 || len(paths) == 0 {
		return LoadResult{}, fmt.Errorf("server: load needs requests, clients and paths (got %d, %d, %d)", n, c, len(paths))
	}
	reqs, err := loadRequests(base, paths)
	if err != nil {
		return LoadResult{}, err
	}
	addr := u.Host
	if u.Port() == "" {
		addr = net.JoinHostPort(host, "80")
	}
	lat := make([]time.Duration, n)
	var next, errs atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lc := &loadConn{addr: addr}
			defer lc.close()
			for ctx.Err() == nil {
				k := int(next.Add(1)) - 1
				if k >= n {
					return
				}
				t0 := time.Now()
				err := lc.get(ctx, reqs[k%len(reqs)], t0.Add(loadTimeout))
				lat[k] = time.Since(t0)
				if err != nil {
					lat[k] = -1 // not a latency: left out below
					errs.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	done := min(int(next.Load()), n)
	lat = slices.DeleteFunc(lat[:done], func(d time.Duration) bool { return d < 0 })
	slices.Sort(lat)
	q := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(p*float64(len(lat))))]
	}
	nerr := int(errs.Load())
	r := LoadResult{
		Requests: done, Errors: nerr, Concurrency: c, Seconds: elapsed.Seconds(),
		PerSecond: float64(done-nerr) / elapsed.Seconds(), P50: q(0.50), P90: q(0.90), P99: q(0.99),
	}
	if len(lat) > 0 {
		r.Max = lat[len(lat)-1]
	}
	return r, ctx.Err()
}

// loadRequests returns the bytes of a GET request for base+path, for
// each path.
func loadRequests(base string, paths []string) ([][]byte, error) {
	reqs := make([][]byte, len(paths))
	for k, p := range paths {
		u, err := url.Parse(base + p)
		if err != nil {
			return nil, fmt.Errorf("server: load path %q: %w", p, err)
		}
		target := u.RequestURI()
		if strings.ContainsAny(target, " \r\n") { // url.Parse lets some through
			return nil, fmt.Errorf("server: load path %q: bad request target", p)
		}
		reqs[k] = fmt.Appendf(nil, "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: recnet-load\r\n\r\n", target, u.Host)
	}
	return reqs, nil
}

// loadConn is one client's keep-alive connection, dialled when needed.
type loadConn struct {
	addr string
	conn net.Conn
	br   *bufio.Reader
	stop func() bool // ends the watch that unblocks conn when ctx ends
}

// get sends one request and reads its answer to the end. A transport
// error or an answer that is not 2xx is an error. A request that fails on
// a connection kept from an earlier one, before any byte of the answer
// came, is sent once more on a new connection, as net/http's Transport
// does: the server may have closed an idle connection.
func (lc *loadConn) get(ctx context.Context, req []byte, deadline time.Time) error {
	for attempt := 0; ; attempt++ {
		reused := lc.conn != nil
		if !reused {
			if err := lc.dial(ctx, deadline); err != nil {
				return err
			}
		}
		status, answered, err := lc.roundTrip(req, deadline)
		if err != nil {
			lc.close()
			if reused && !answered && attempt == 0 && ctx.Err() == nil {
				continue
			}
			return err
		}
		if status/100 != 2 {
			return fmt.Errorf("server: load: status %d", status)
		}
		return nil
	}
}

// dial connects, and arranges for the connection to be unblocked when ctx
// ends.
func (lc *loadConn) dial(ctx context.Context, deadline time.Time) error {
	d := net.Dialer{Deadline: deadline}
	conn, err := d.DialContext(ctx, "tcp", lc.addr)
	if err != nil {
		return err
	}
	lc.conn = conn
	if lc.br == nil {
		lc.br = bufio.NewReaderSize(conn, 16<<10)
	} else {
		lc.br.Reset(conn)
	}
	lc.stop = context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	return nil
}

// roundTrip writes req and reads the whole answer. answered reports
// whether any byte of the answer was read.
func (lc *loadConn) roundTrip(req []byte, deadline time.Time) (status int, answered bool, err error) {
	if err := lc.conn.SetDeadline(deadline); err != nil {
		return 0, false, err
	}
	if _, err := lc.conn.Write(req); err != nil {
		return 0, false, err
	}
	if _, err := lc.br.Peek(1); err != nil {
		return 0, false, err
	}
	resp, err := http.ReadResponse(lc.br, nil)
	if err != nil {
		return 0, true, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	if cerr := resp.Body.Close(); err == nil {
		err = cerr
	}
	if err == nil && resp.Close { // the answer is whole; the connection is done
		lc.close()
	}
	return resp.StatusCode, true, err
}

// close closes the connection, if any.
func (lc *loadConn) close() {
	if lc.conn != nil {
		lc.stop()
		lc.conn.Close()
		lc.conn = nil
	}
}
