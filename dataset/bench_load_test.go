package dataset

import (
	"bytes"
	"fmt"
	"math/rand/v2"
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
