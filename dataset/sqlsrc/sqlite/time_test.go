package sqlite

import (
	"context"

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
		{"fraction", "user INTEGER, item INTEGER, rating REAL, timestamp REAL", "1, 2, 4, 1.5", "timestamp"},
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
