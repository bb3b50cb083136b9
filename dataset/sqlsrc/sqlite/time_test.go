package sqlite

import (
	"context"
	"errors"

	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/recnet/recnet/dataset"
)

// TestTimeColumn checks that a timestamp column of a SQLite table, found
// by name, is kept in Ratings.Time as Unix seconds (an integer, a real
// with no fraction, or text: decimal seconds or RFC 3339), and that a
// table without one has no Time column.
func TestTimeColumn(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name, create string
		values       []string
		want         []int64
	}{
		{"integer", "user INTEGER, item TEXT, rating REAL, timestamp INTEGER", []string{"1, 'a', 4, 1600000000", "2, 'b', 3, 1600000060"}, []int64{1600000000, 1600000060}},
		{"text seconds", "ts TEXT, user_id INTEGER, course TEXT, score REAL", []string{"'1600000000', 1, 'a', 4", "'17', 2, 'b', 3"}, []int64{1600000000, 17}},
		{"RFC 3339", "user TEXT, item TEXT, rating REAL, time TEXT", []string{"'u', 'a', 4, '2020-09-13T12:26:40Z'", "'v', 'b', 3, '2020-09-13T14:26:40+02:00'"}, []int64{1600000000, 1600000000}},
		{"real", "user INTEGER, item INTEGER, rating REAL, timestamp REAL", []string{"1, 2, 4, 1600000000.0", "2, 3, 3, 5"}, []int64{1600000000, 5}},
		{"none", "user INTEGER, item INTEGER, rating REAL", []string{"1, 2, 4", "2, 3, 3"}, nil},
		{"fraction", "user INTEGER, item INTEGER, rating REAL, timestamp REAL", []string{"1, 2, 4, 1.5", "2, 3, 3, -1.5"}, []int64{1, -2}},
		{"date", "user INTEGER, item INTEGER, rating REAL, date TEXT", []string{"1, 2, 4, '2024-01-09'", "2, 3, 3, '2024-01-09 12:30:05'"}, []int64{1704758400, 1704803405}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "_")+".db")
			stmts := []string{"CREATE TABLE ratings (" + c.create + ")"}
			for _, v := range c.values {
				stmts = append(stmts, "INSERT INTO ratings VALUES ("+v+")")
			}
			exec(t, path, stmts...)
			d := load(t, "sqlite://"+filepath.ToSlash(path))
			if !slices.Equal(d.Time, c.want) || (c.want == nil) != (d.Time == nil) {
				t.Errorf("Time = %v, want %v", d.Time, c.want)
			}
		})
	}
	bad := []struct{ name, create, value, want string }{
		{"not a time", "user INTEGER, item INTEGER, rating REAL, timestamp TEXT", "1, 2, 4, 'yesterday'", `"timestamp"`},
		{"NULL", "user INTEGER, item INTEGER, rating REAL, timestamp INTEGER", "1, 2, 4, NULL", "NULL"},
		{"too large", "user INTEGER, item INTEGER, rating REAL, timestamp REAL", "1, 2, 4, 1e300", "timestamp"},
		{"milliseconds", "user INTEGER, item INTEGER, rating REAL, timestamp INTEGER", "1, 2, 4, 1600000000000", "looks like milliseconds"},
		{"milliseconds real", "user INTEGER, item INTEGER, rating REAL, timestamp REAL", "1, 2, 4, -1600000000000.0", "looks like milliseconds"},
		{"not a date", "user INTEGER, item INTEGER, rating REAL, date TEXT", "1, 2, 4, '12:30'", `"date": "12:30" is not a time`},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "_")+"_bad.db")
			exec(t, path, "CREATE TABLE ratings ("+c.create+")", "INSERT INTO ratings VALUES ("+c.value+")")
			_, err := loadErr("sqlite://" + filepath.ToSlash(path))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want one naming %s", err, c.want)
			}
		})
	}
}

func loadErr(src string) (any, error) {
	return dataset.Load(context.Background(), src, dataset.Options{})
}

// TestDropTime: the mapping time=none reads a table whose time column
// does not parse, without times; any other mapping is refused.
func TestDropTime(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.db")
	exec(t, path, "CREATE TABLE ratings (user TEXT, item TEXT, rating REAL, date TEXT)",
		"INSERT INTO ratings VALUES ('u', 'a', 4, '12:30'), ('v', 'a', 3, NULL)")
	src := "sqlite://" + filepath.ToSlash(path)
	if _, err := loadErr(src); err == nil {
		t.Fatal("a bad time accepted without time=none")
	}
	d, err := dataset.Load(context.Background(), src, dataset.Options{Columns: dataset.Columns{Time: dataset.NoTime}})
	if err != nil || d.Len() != 2 || d.Time != nil {
		t.Fatalf("time=none: %v, %v", d, err)
	}
	_, err = dataset.Load(context.Background(), src, dataset.Options{Columns: dataset.Columns{User: "user", Time: dataset.NoTime}})
	if !errors.Is(err, dataset.ErrColumns) {
		t.Errorf("user=user,time=none: %v, want ErrColumns", err)
	}
}
