package parquetsrc

import (
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/recnet/recnet/dataset"
)

// writeTimed writes rows of type T as a Parquet file in dir.
func writeTimed[T any](t *testing.T, dir, name string, rows []T) string {
	t.Helper()
	return writeFile(t, filepath.Join(dir, name), func(w io.Writer) error {
		pw := parquet.NewGenericWriter[T](w)
		if _, err := pw.Write(rows); err != nil {
			return err
		}
		return pw.Close()
	})
}

// TestTimeColumn checks that a timestamp column of a Parquet file, found
// by name, is kept in Ratings.Time as Unix seconds (an integer, a
// TIMESTAMP in any unit, or text), and that a file without one has no
// Time column.
func TestTimeColumn(t *testing.T) {
	dir := t.TempDir()
	type plain struct {
		User      int64   `parquet:"userId"`
		Item      int64   `parquet:"movieId"`
		Rating    float64 `parquet:"rating"`
		Timestamp int64   `parquet:"timestamp"`
	}
	type int32s struct {
		TS   int32   `parquet:"ts"`
		User string  `parquet:"user"`
		Item string  `parquet:"item"`
		Rate float32 `parquet:"score"`
	}
	type stamped struct {
		User string    `parquet:"user"`
		Item string    `parquet:"item"`
		Rate float64   `parquet:"rating"`
		When time.Time `parquet:"time,timestamp(millisecond)"`
	}
	type text struct {
		User string  `parquet:"user"`
		Item string  `parquet:"item"`
		Rate float64 `parquet:"rating"`
		When string  `parquet:"time"`
	}
	type none struct {
		User int64   `parquet:"user"`
		Item int64   `parquet:"item"`
		Rate float64 `parquet:"rating"`
	}
	t0 := time.Unix(1600000000, 0).UTC()
	cases := []struct {
		name string
		path string
		want []int64
	}{
		{"int64", writeTimed(t, dir, "a.parquet", []plain{{1, 2, 4, 1600000000}, {2, 3, 3, 1600000060}}), []int64{1600000000, 1600000060}},
		{"int32", writeTimed(t, dir, "b.parquet", []int32s{{17, "u", "a", 4}, {18, "v", "b", 3}}), []int64{17, 18}},
		{"timestamp(ms)", writeTimed(t, dir, "c.parquet", []stamped{{"u", "a", 4, t0}, {"v", "b", 3, t0.Add(90 * time.Second)}}), []int64{1600000000, 1600000090}},
		{"text", writeTimed(t, dir, "d.parquet", []text{{"u", "a", 4, "2020-09-13T12:26:40Z"}, {"v", "b", 3, "1600000001"}}), []int64{1600000000, 1600000001}},
		{"none", writeTimed(t, dir, "e.parquet", []none{{1, 2, 4}, {2, 3, 3}}), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := load(t, c.path, dataset.Options{})
			if !slices.Equal(d.Time, c.want) || (c.want == nil) != (d.Time == nil) {
				t.Errorf("Time = %v, want %v", d.Time, c.want)
			}
		})
	}
	badText := writeTimed(t, dir, "f.parquet", []text{{"u", "a", 4, "yesterday"}})
	if _, err := dataset.Load(t.Context(), badText, dataset.Options{}); err == nil || !strings.Contains(err.Error(), "time") {
		t.Errorf("a bad time: err = %v, want one naming the column", err)
	}
	ms := writeTimed(t, dir, "g.parquet", []plain{{1, 2, 4, 1600000000000}})
	if _, err := dataset.Load(t.Context(), ms, dataset.Options{}); err == nil || !strings.Contains(err.Error(), "looks like milliseconds") {
		t.Errorf("an integer time in milliseconds: err = %v, want it refused as milliseconds", err)
	}
}
