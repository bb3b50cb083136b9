package dataset

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
)

// benchRatingsCSV returns a CSV of n rows shaped like the course ratings
// lab: numeric user ids, item ids like C012EN, ratings 3, 4 or 5.
func benchRatingsCSV(n int) []byte {
	rng := rand.New(rand.NewPCG(233, 306))
	langs := []string{"EN", "FR", "DE"}
	var b bytes.Buffer
	b.WriteString("user,item,rating\n")
	for range n {
		k := rng.IntN(900)
		fmt.Fprintf(&b, "%d,C%03d%s,%d\n", 100000+rng.IntN(34000), k%300, langs[k/300], 3+rng.IntN(3))
	}
	return b.Bytes()
}

// BenchmarkLoad reads a 233k-row CSV from memory.
func BenchmarkLoad(b *testing.B) {
	const rows = 233_306
	data := benchRatingsCSV(rows)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		d, err := Read(bytes.NewReader(data), "bench.csv", Options{})
		if err != nil {
			b.Fatal(err)
		}
		if d.Len()+d.Duplicates != rows {
			b.Fatalf("%d rows + %d duplicates", d.Len(), d.Duplicates)
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkLoadShape reads a 2M-row table of the ml25m shape (MovieLens'
// ratings.csv layout, rows grouped by user) from memory, and reports rows
// per second and bytes allocated per row.
func BenchmarkLoadShape(b *testing.B) {
	var buf bytes.Buffer
	if err := WriteShapeCSV(&buf, ShapeML25M.Scaled(2_000_000), 1); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var rows int
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for b.Loop() {
		d, err := Read(bytes.NewReader(data), "bench.csv", Options{})
		if err != nil {
			b.Fatal(err)
		}
		rows = d.Len()
	}
	runtime.ReadMemStats(&after)
	total := float64(rows) * float64(b.N)
	b.ReportMetric(total/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/total, "B/row")
}
