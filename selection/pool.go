package selection

import (
	"context"
	"sync"
)

// runJobs runs job(ctx, k) for the jobs k = 0..n-1 on up to workers
// goroutines, handing them out in order until every job is handed out or
// ctx ends, and passes each result to done in the order the jobs finish,
// on the calling goroutine, one call at a time. It returns once every job
// handed out has finished. job sees ctx end (say, when done cancels it
// on an error) and should then return early.
//
// This is the worker pool of every trial: CrossValidate's (model, fold)
// jobs and Tune's trials.
func runJobs[R any](ctx context.Context, workers, n int, job func(ctx context.Context, k int) R, done func(R)) {
	next := make(chan int)
	results := make(chan R)
	var wg sync.WaitGroup
	for range min(workers, n) {
		wg.Go(func() {
			for k := range next {
				results <- job(ctx, k)
			}
		})
	}
	go func() {
		defer close(next)
		for k := range n {
			if ctx.Err() != nil {
				return
			}
			select {
			case next <- k:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()
	for r := range results {
		done(r)
	}
}
