package server

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// LoadResult is what a load run measured.
type LoadResult struct {
	Requests    int           `json:"requests"`
	Errors      int           `json:"errors"` // transport errors and non-2xx answers
	Concurrency int           `json:"concurrency"`
	Seconds     float64       `json:"seconds"`
	PerSecond   float64       `json:"per_second"`
	P50         time.Duration `json:"p50_ns"`
	P90         time.Duration `json:"p90_ns"`
	P99         time.Duration `json:"p99_ns"`
	Max         time.Duration `json:"max_ns"`
}

// String formats the result on one line.
func (r LoadResult) String() string {
	return fmt.Sprintf("%d requests, %d errors, %d clients: %.0f req/s; latency p50 %v, p90 %v, p99 %v, max %v",
		r.Requests, r.Errors, r.Concurrency, r.PerSecond, r.P50, r.P90, r.P99, r.Max)
}

// Load sends n GET requests to base+paths[k % len(paths)] from c concurrent
// clients and measures them. It refuses any host that is not a loopback
// address: a load test here targets only this machine. It stops early, with
// what it measured, when ctx ends.
func Load(ctx context.Context, base string, paths []string, n, c int) (LoadResult, error) {
	u, err := url.Parse(base)
	if err != nil {
		return LoadResult{}, fmt.Errorf("server: load target %q: %w", base, err)
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); (ip == nil || !ip.IsLoopback()) && host != "localhost" {
		return LoadResult{}, fmt.Errorf("server: load target %q is not a loopback address", base)
	}
	if n < 1 || c < 1 || len(paths) == 0 {
		return LoadResult{}, fmt.Errorf("server: load needs requests, clients and paths (got %d, %d, %d)", n, c, len(paths))
	}
	client := &http.Client{
		Timeout:   10 * time.Second,
		Transport: &http.Transport{MaxIdleConns: c, MaxIdleConnsPerHost: c},
	}
	lat := make([]time.Duration, n)
	var next, errs atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				k := int(next.Add(1)) - 1
				if k >= n {
					return
				}
				t0 := time.Now()
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+paths[k%len(paths)], nil)
				resp, err := client.Do(req)
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode/100 != 2 {
						err = fmt.Errorf("status %d", resp.StatusCode)
					}
				}
				lat[k] = time.Since(t0)
				if err != nil {
					errs.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	done := min(int(next.Load()), n)
	lat = lat[:done]
	slices.Sort(lat)
	q := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(p*float64(len(lat))))]
	}
	r := LoadResult{
		Requests: done, Errors: int(errs.Load()), Concurrency: c, Seconds: elapsed.Seconds(),
		PerSecond: float64(done) / elapsed.Seconds(), P50: q(0.50), P90: q(0.90), P99: q(0.99),
	}
	if len(lat) > 0 {
		r.Max = lat[len(lat)-1]
	}
	return r, ctx.Err()
}
