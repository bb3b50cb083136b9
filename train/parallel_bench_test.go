package train

import (
	"strconv"
	"sync"
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

// moderate is a ml25m-shaped table scaled to 2 million ratings (about
// 13,000 users and 16,700 items), split 80/10/10, made once.
var moderate = sync.OnceValue(func() *dataset.Split {
	d := dataset.GenerateShape(dataset.ShapeML25M.Scaled(2_000_000), 42)
	s, err := dataset.SplitRandom(d, dataset.Fractions{}, 42)
	if err != nil {
		panic(err)
	}
	return s
})

// benchThreads runs fn(kernel, rows, targets, threads) for 1 and 2
// threads on the moderate table with the default preset.
func benchThreads(b *testing.B, fn func(k *dotKernel, us, is []int32, ts, out []float32, threads int)) {
	s := moderate()
	cfg, _ := model.Preset("default")
	m := &model.Model{Config: cfg, Min: s.Min, Max: s.Max}
	ts := m.ScaleRatings(s.Train)
	out := make([]float32, len(ts))
	for _, threads := range []int{1, 2} {
		b.Run(strconv.Itoa(threads), func(b *testing.B) {
			c := cfg
			c.Threads = threads
			k := newDotKernel(model.NewDot(s.Users.Len(), s.Items.Len(), c), c)
			b.ResetTimer()
			for range b.N {
				fn(k, s.Train.User, s.Train.Item, ts, out, threads)
			}
			b.ReportMetric(float64(len(ts))*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// BenchmarkEpochThreads is one epoch of the default preset on 1 and 2
// goroutines; set beside BenchmarkFloor it gives the epoch/floor ratio and
// the speed-up.
func BenchmarkEpochThreads(b *testing.B) {
	benchThreads(b, func(k *dotKernel, us, is []int32, ts, _ []float32, _ int) {
		k.epoch(us, is, ts, 256, nil)
	})
}

// BenchmarkFloor is the read-only pass over the same rows and tables: every
// prediction computed, nothing updated.
func BenchmarkFloor(b *testing.B) {
	benchThreads(b, func(k *dotKernel, us, is []int32, _, out []float32, threads int) {
		k.floor(us, is, out, 256, threads)
	})
}
