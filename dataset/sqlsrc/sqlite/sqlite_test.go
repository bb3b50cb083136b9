package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/recnet/recnet/dataset"
)

func load(t *testing.T, src string) *dataset.Dataset {
	t.Helper()
	d, err := dataset.Load(context.Background(), src, dataset.Options{})
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

// withDuplicates returns d with some rows repeated (other ratings).
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

// TestSameAsCSV stores the same rows as CSV and in SQLite (integer ids
// from the ml25m shape, text ids from the course generator, repeated
// pairs) and checks that both load to the same Dataset.
func TestSameAsCSV(t *testing.T) {
	shape := dataset.GenerateShape(dataset.ShapeML25M.Scaled(20_000), 1)
	courses, _ := dataset.GenerateCourses(dataset.CourseConfig{Users: 2000, Rows: 12000})
	for name, d := range map[string]*dataset.Dataset{"shape": withDuplicates(shape), "courses": withDuplicates(courses)} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			var buf bytes.Buffer
			if err := dataset.WriteCSV(&buf, d); err != nil {
				t.Fatal(err)
			}
			csv := filepath.Join(dir, "r.csv")
			os.WriteFile(csv, buf.Bytes(), 0o644)
			want := load(t, csv)
			db := filepath.Join(dir, "r.db")
			if err := Write(context.Background(), db, "ratings", d); err != nil {
				t.Fatal(err)
			}
			same(t, load(t, "sqlite://"+filepath.ToSlash(db)), want)
			q := escape("SELECT rating AS score, item AS course, user AS learner FROM ratings ORDER BY rowid")
			same(t, load(t, "sqlite3://"+filepath.ToSlash(db)+"?query="+q), want)
		})
	}
}

func exec(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// TestQueryAndErrors reads a hand-made table with a query, a table name,
// and bad rows that must be named by row and column.
func TestQueryAndErrors(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "t.db")
	exec(t, path,
		`CREATE TABLE ratings (user TEXT, item INTEGER, rating REAL, note TEXT)`,
		`INSERT INTO ratings VALUES ('u1', 10, 4.5, 'x'), ('u2', 10, 3, NULL), ('u1', 11, 2, 'y')`,
		`CREATE TABLE "odd ""name""" (a INTEGER, b TEXT, c TEXT)`,
		`INSERT INTO "odd ""name""" VALUES (1, 'x', '4'), (2, 'y', 'four')`,
		`CREATE TABLE holes (user TEXT, item TEXT, rating REAL)`,
		`INSERT INTO holes VALUES ('a', 'x', 1), ('b', NULL, 2)`,
		`CREATE TABLE empties (user TEXT, item TEXT, rating REAL)`,
		`INSERT INTO empties VALUES ('a', 'x', 1), ('', 'y', 2)`,
		`CREATE TABLE nullrating (user TEXT, item TEXT, rating REAL)`,
		`INSERT INTO nullrating VALUES ('a', 'x', NULL)`,
	)
	src := "sqlite:" + filepath.ToSlash(path)
	d := load(t, src)
	if !slices.Equal(d.Users.IDs(), []string{"u1", "u2"}) || !slices.Equal(d.Items.IDs(), []string{"10", "11"}) || !slices.Equal(d.Value, []float32{4.5, 3, 2}) {
		t.Errorf("default table: %q %q %v", d.Users.IDs(), d.Items.IDs(), d.Value)
	}
	d = load(t, src+"?query=SELECT user, item, rating FROM ratings WHERE rating %3E= 3")
	if d.Len() != 2 {
		t.Errorf("query: %v", d)
	}
	// A real id, a blob id, a rating as text; an integer rating.
	d = load(t, src+"?query=SELECT 2.5 AS user, x'6162' AS item, '4.5' AS rating UNION ALL SELECT 3, 'c', 2")
	if !slices.Equal(d.Users.IDs(), []string{"2.5", "3"}) || !slices.Equal(d.Items.IDs(), []string{"ab", "c"}) || !slices.Equal(d.Value, []float32{4.5, 2}) {
		t.Errorf("types: %q %q %v", d.Users.IDs(), d.Items.IDs(), d.Value)
	}
	// Two columns: an interaction table, as a CSV file of two columns.
	d = load(t, src+"?query=SELECT user, item FROM ratings")
	if !d.Unrated || d.Len() != 3 || d.Value[0] != 1 {
		t.Errorf("two columns: unrated %v, %d rows, values %v; want an interaction table of 3 rows", d.Unrated, d.Len(), d.Value)
	}
	for _, tc := range []struct{ src, want string }{
		{src + `?query=SELECT * FROM "odd ""name"""`, `: row 2: field "c": "four" is not a number`},
		{src + "?table=holes", `: row 2: field "item": NULL`},
		{src + "?table=empties", `: row 2: field "user": empty id`},
		{src + "?table=nullrating", `: row 1: field "rating": NULL`},
		{src + "?query=SELECT user FROM ratings", `: missing column: want user and item columns`},
		{src + "?query=SELECT user, rating, item AS x FROM ratings", `: the header "user", "rating", "x" names no item column`},
		{src + "?table=nosuch", `no such table: nosuch`},
		{src + "?query=SELECT user, item, rating FROM ratings WHERE 0", `: no rating rows`},
		{src + "?table=ratings&query=SELECT 1", `: give query= or table=, not both`},
		{src + `?table=odd "name"`, `: table="odd \"name\"" is not a plain identifier`},
		{src + "?tabel=ratings", `: unknown parameters "tabel=ratings" (want query= or table=)`},
		{"sqlite:" + filepath.ToSlash(filepath.Join(dir, "none.db")), `no such file or directory`},
		{"sqlite:" + filepath.ToSlash(dir), `is not a database file`},
	} {
		_, err := dataset.Load(context.Background(), tc.src, dataset.Options{})
		if err == nil || !strings.HasPrefix(err.Error(), "dataset: "+tc.src) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", tc.src, err, tc.want)
		}
		var pe *dataset.ParseError
		if strings.Contains(tc.want, "row ") && !errors.As(err, &pe) {
			t.Errorf("%s: %v is not a *dataset.ParseError", tc.src, err)
		}
	}
}

func TestParse(t *testing.T) {
	for _, tc := range []struct{ src, path, query string }{
		{"sqlite:///abs/r.db", "/abs/r.db", `SELECT * FROM "ratings"`},
		{"sqlite:r.db?table=x", "r.db", `SELECT * FROM "x"`},
		{"SQLite://data/r.db?query=SELECT%20a%2C%20b%2C%20c%20FROM%20t", "data/r.db", "SELECT a, b, c FROM t"},
		{"sqlite:r.db?query=SELECT a+b, c, d FROM t", "r.db", "SELECT a+b, c, d FROM t"},
		{"sqlite:///my%20dir/r.db?query=SELECT a,b,c FROM t", "/my dir/r.db", "SELECT a,b,c FROM t"},
	} {
		path, query, err := Parse(tc.src)
		if err != nil || path != filepath.FromSlash(tc.path) || query != tc.query {
			t.Errorf("Parse(%q) = %q, %q, %v; want %q, %q", tc.src, path, query, err, tc.path, tc.query)
		}
	}
	for _, bad := range []string{"sqlite:", "sqlite://", "sqlite:r.db?query=", "sqlite:r.db?table=", "postgres://h/db"} {
		if _, _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}

// BenchmarkLoadSQLite reads 200k rows of the ml25m shape from a SQLite
// file.
func BenchmarkLoadSQLite(b *testing.B) {
	d := dataset.GenerateShape(dataset.ShapeML25M.Scaled(200_000), 1)
	path := filepath.Join(b.TempDir(), "r.db")
	if err := Write(context.Background(), path, "ratings", d); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		got, err := dataset.Load(context.Background(), "sqlite://"+path, dataset.Options{})
		if err != nil || got.Len() != d.Len() {
			b.Fatal(got, err)
		}
	}
	b.ReportMetric(float64(d.Len())*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
