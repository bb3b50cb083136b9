package selection

import (
	"context"
	"slices"
	"testing"
)

// TestRunJobs checks that every job runs once and reports once, whatever
// the number of workers, and that no job is handed out once ctx ends.
func TestRunJobs(t *testing.T) {
	for _, workers := range []int{1, 3, 100} {
		var got []int
		runJobs(context.Background(), workers, 40, func(_ context.Context, k int) int { return k * k },
			func(r int) { got = append(got, r) })
		slices.Sort(got)
		want := make([]int, 40)
		for k := range want {
			want[k] = k * k
		}
		if !slices.Equal(got, want) {
			t.Errorf("%d workers: results %v, want %v", workers, got, want)
		}
	}

	runJobs(context.Background(), 2, 0, func(context.Context, int) int { t.Error("a job of none ran"); return 0 }, func(int) {})

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	started, reported := 0, 0
	runJobs(ctx, 1, 40, func(ctx context.Context, k int) int {
		started++ // one worker: no race
		return k
	}, func(k int) {
		reported++
		if k == 2 {
			cancel()
		}
	})
	if started != reported || started < 3 || started > 4 {
		t.Errorf("cancelled after job 2 of 40 on one worker: %d jobs started, %d reported; want 3 (or 4, handed out before the cancel) of each", started, reported)
	}
}
