package parquetsrc

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/recnet/recnet/dataset"
)

// withDuplicates returns d with some rows repeated (other ratings), not
// deduplicated, so that readers must drop them the same way.
func withDuplicates(d *dataset.Dataset) *dataset.Dataset {
	out := &dataset.Dataset{Name: d.Name, Users: d.Users, Items: d.Items}
	for k := range d.Value {
		out.Append(d.User[k], d.Item[k], d.Value[k])
		if k%97 == 0 {
			out.Append(d.User[k/2], d.Item[k/2], float32(k%5+1))
		}
	}
	return out
}

func writeFile(t *testing.T, path string, fill func(io.Writer) error) string {
	t.Helper()
	var buf bytes.Buffer
	if err := fill(&buf); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func load(t *testing.T, src string, opt dataset.Options) *dataset.Dataset {
	t.Helper()
	d, err := dataset.Load(context.Background(), src, opt)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func same(t *testing.T, got, want *dataset.Dataset) {
	t.Helper()
	if !slices.Equal(got.Users.IDs(), want.Users.IDs()) || !slices.Equal(got.Items.IDs(), want.Items.IDs()) {
		t.Fatalf("ids differ: %v vs %v", got, want)
	}
	if !slices.Equal(got.User, want.User) || !slices.Equal(got.Item, want.Item) || !slices.Equal(got.Value, want.Value) || got.Duplicates != want.Duplicates {
		t.Fatalf("rows differ: %v (%d duplicates) vs %v (%d)", got, got.Duplicates, want, want.Duplicates)
	}
}

// TestSameAsCSV writes the same rows as CSV and as Parquet (integer ids
// from the ml25m shape; string ids from the course generator; repeated
// pairs; several row groups) and checks that both load to the same
// Dataset.
func TestSameAsCSV(t *testing.T) {
	defer func(n int64) { rowGroupSize = n }(rowGroupSize)
	rowGroupSize = 5000
	shape := dataset.GenerateShape(dataset.ShapeML25M.Scaled(30_000), 1)
	courses, _ := dataset.GenerateCourses(dataset.CourseConfig{Users: 2000, Rows: 12000})
	for name, d := range map[string]*dataset.Dataset{"shape": withDuplicates(shape), "courses": withDuplicates(courses)} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			csv := writeFile(t, filepath.Join(dir, "r.csv"), func(w io.Writer) error { return dataset.WriteCSV(w, d) })
			pq := writeFile(t, filepath.Join(dir, "r.parquet"), func(w io.Writer) error { return Write(w, d) })
			want := load(t, csv, dataset.Options{})
			if want.Duplicates == 0 {
				t.Fatal("no duplicates in the test rows")
			}
			f, _ := os.Open(pq)
			fi, _ := f.Stat()
			pf, err := parquet.OpenFile(f, fi.Size())
			if err != nil || len(pf.RowGroups()) < 3 {
				t.Fatalf("%d row groups, %v", len(pf.RowGroups()), err)
			}
			f.Close()
			same(t, load(t, pq, dataset.Options{}), want)
			// By --format, whatever the name; and from a plain reader,
			// sniffed by its magic.
			dat := filepath.Join(dir, "r.dat")
			os.Rename(pq, dat)
			same(t, load(t, dat, dataset.Options{Format: dataset.FormatParquet}), want)
			b, _ := os.ReadFile(dat)
			got, err := dataset.Read(struct{ io.Reader }{bytes.NewReader(b)}, "stream", dataset.Options{})
			if err != nil {
				t.Fatal(err)
			}
			same(t, got, want)
		})
	}
}

type typedRow struct {
	Kind  string  `parquet:"kind"`
	Who   int32   `parquet:"uid"`
	What  float64 `parquet:"movie_id"`
	Stars int32   `parquet:"stars,decimal(1:3)"`
}

// TestTypes reads int32 ids, float ids and a decimal rating, with columns
// found by name among others.
func TestTypes(t *testing.T) {
	path := writeFile(t, filepath.Join(t.TempDir(), "t.parquet"), func(w io.Writer) error {
		pw := parquet.NewGenericWriter[typedRow](w)
		if _, err := pw.Write([]typedRow{{"a", 7, 1.5, 35}, {"b", 8, 2, 50}, {"c", 7, 1.5, 5}}); err != nil {
			return err
		}
		return pw.Close()
	})
	d := load(t, path, dataset.Options{})
	if !slices.Equal(d.Users.IDs(), []string{"7", "8"}) || !slices.Equal(d.Items.IDs(), []string{"1.5", "2"}) || !slices.Equal(d.Value, []float32{0.5, 5}) || d.Duplicates != 1 {
		t.Errorf("got users %q, items %q, ratings %v, %d duplicates", d.Users.IDs(), d.Items.IDs(), d.Value, d.Duplicates)
	}
}

type nullRow struct {
	User   string   `parquet:"user"`
	Item   string   `parquet:"item"`
	Rating *float64 `parquet:"rating,optional"`
}

type textRow struct {
	User  string `parquet:"user"`
	Item  string `parquet:"item"`
	Score string `parquet:"score"`
}

type gradeRow struct {
	User  string `parquet:"user"`
	Item  string `parquet:"item"`
	Grade string `parquet:"grade"`
}

type twoRow struct {
	User string `parquet:"user"`
	Item string `parquet:"item"`
}

func writeRows[T any](rows ...T) func(io.Writer) error {
	return func(w io.Writer) error {
		pw := parquet.NewGenericWriter[T](w)
		if _, err := pw.Write(rows); err != nil {
			return err
		}
		return pw.Close()
	}
}

// TestTwoColumns checks that a file of two columns, user and item, is an
// interaction table, as a CSV file of two columns is.
func TestTwoColumns(t *testing.T) {
	path := writeFile(t, filepath.Join(t.TempDir(), "two.parquet"), writeRows(twoRow{"1", "a"}, twoRow{"2", "a"}, twoRow{"1", "b"}))
	d, err := dataset.Load(context.Background(), path, dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !d.Unrated || d.Len() != 3 || d.Users.Len() != 2 || d.Items.Len() != 2 || d.Value[2] != 1 {
		t.Errorf("unrated %v, %d rows, %d users, %d items, values %v; want an interaction table", d.Unrated, d.Len(), d.Users.Len(), d.Items.Len(), d.Value)
	}
}

// TestErrors checks that a bad row is named by row and column.
func TestErrors(t *testing.T) {
	four := 4.0
	inf := 1e300
	for _, tc := range []struct {
		name string
		fill func(io.Writer) error
		want string
	}{
		{"null", writeRows(nullRow{"1", "a", &four}, nullRow{"2", "b", &four}, nullRow{"3", "c", nil}),
			`: row 3: field "rating": NULL`},
		{"not a number", writeRows(textRow{"1", "a", "4"}, textRow{"2", "b", "four"}),
			`: row 2: field "score": "four" is not a number`},
		{"out of range", writeRows(nullRow{"1", "a", &inf}),
			`: row 1: field "rating": 1e+300 is not a finite number`},
		{"empty id", writeRows(textRow{"1", "a", "4"}, textRow{"2", "", "4"}),
			`: row 2: field "item": empty id`},
		{"partly named", writeRows(gradeRow{"1", "a", "4"}),
			`: the header "user", "item", "grade" names no rating column: name them (` + dataset.ColumnNames() + `), or for a text table map them with Options.Columns`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, filepath.Join(t.TempDir(), "bad.parquet"), tc.fill)
			_, err := dataset.Load(context.Background(), path, dataset.Options{})
			if err == nil || err.Error() != "dataset: "+path+tc.want {
				t.Fatalf("got %v, want %q", err, "dataset: "+path+tc.want)
			}
			var pe *dataset.ParseError
			if strings.Contains(tc.want, "row ") && !errors.As(err, &pe) {
				t.Errorf("%v is not a *dataset.ParseError", err)
			}
		})
	}
	// Not a Parquet file, though named so.
	path := filepath.Join(t.TempDir(), "x.parquet")
	os.WriteFile(path, []byte("user,item,rating\n1,a,4\n"), 0o644)
	if _, err := dataset.Load(context.Background(), path, dataset.Options{}); err == nil || !strings.HasPrefix(err.Error(), "dataset: "+path+": ") {
		t.Errorf("CSV named .parquet: %v", err)
	}
}

// BenchmarkLoadParquet reads a 2M-row table of the ml25m shape from a
// Parquet file in memory.
func BenchmarkLoadParquet(b *testing.B) {
	d := dataset.GenerateShape(dataset.ShapeML25M.Scaled(2_000_000), 1)
	var buf bytes.Buffer
	if err := Write(&buf, d); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		got, err := dataset.Read(bytes.NewReader(data), "bench.parquet", dataset.Options{})
		if err != nil || got.Len() != d.Len() {
			b.Fatal(got, err)
		}
	}
	b.ReportMetric(float64(d.Len())*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// TestLoadURL reads a Parquet file from an http URL (into memory first).
func TestLoadURL(t *testing.T) {
	d := dataset.GenerateShape(dataset.ShapeML25M.Scaled(5000), 2)
	var buf bytes.Buffer
	if err := Write(&buf, d); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(buf.Bytes())
	}))
	defer srv.Close()
	got := load(t, srv.URL+"/ratings.parquet?v=1", dataset.Options{})
	d.Name = got.Name
	same(t, got, d)
}
