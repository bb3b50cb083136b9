package postgres

import (
	"context"
	"os"
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/internal/pgtest"
)

// BenchmarkLoad reads the table RECNET_PG_BENCH_TABLE of the test server
// (e.g. the 25M rows of recnet gen --shape ml25m, copied in; see the
// README): "rows" only decodes the rows, "load" is dataset.Load.
func BenchmarkLoad(b *testing.B) {
	table := os.Getenv("RECNET_PG_BENCH_TABLE")
	if table == "" {
		b.Skip("RECNET_PG_BENCH_TABLE names no table of the test server")
	}
	src := pgtest.With(b, "table="+table)
	ctx := context.Background()
	b.Run("rows", func(b *testing.B) {
		for b.Loop() {
			rs, err := Open(ctx, src, dataset.Options{})
			if err != nil {
				b.Fatal(err)
			}
			n := 0
			for rs.Next() {
				n++
			}
			if err := rs.Err(); err != nil {
				b.Fatal(err)
			}
			rs.Close()
			b.ReportMetric(float64(n), "rows")
		}
	})
	b.Run("load", func(b *testing.B) {
		for b.Loop() {
			d, err := dataset.Load(ctx, src, dataset.Options{})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(d.Len()), "rows")
		}
	})
}
