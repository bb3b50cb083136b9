package dataset

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// gridCSV returns a table of users x items rows with the given header, each
// row's fields in the header's order: user ids u0.., item ids c0.., ratings
// 1..5 and times 1000...
func gridCSV(header string, users, items int) string {
	var b strings.Builder
	b.WriteString(header + "\n")
	cols := strings.Split(header, ",")
	for u := range users {
		for i := range items {
			if (u+i)%3 != 0 && i != 0 {
				continue
			}
			for k, c := range cols {
				if k > 0 {
					b.WriteByte(',')
				}
				switch normColumn(c) {
				case "user", "userid", "learner":
					fmt.Fprintf(&b, "u%d", u)
				case "item", "movieid", "course", "courseid", "itemid":
					fmt.Fprintf(&b, "c%d", i)
				case "rating", "score", "value":
					fmt.Fprintf(&b, "%d", (u+i)%5+1)
				default: // a time
					fmt.Fprintf(&b, "%d", 1000+u*items+i)
				}
			}
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// TestReadColumnsByName: a header's columns are found by name, in any order.
func TestReadColumnsByName(t *testing.T) {
	for _, header := range []string{
		"course,user_id,score",
		"ts,user_id,course,score",
		"user,item,rating",
		"item,user,rating",
		"rating,item,user",
		"Score,COURSE_ID,User_Id",
		"userId,movieId,rating,timestamp",
		"time,value,learner,course",
	} {
		t.Run(header, func(t *testing.T) {
			d, err := Read(strings.NewReader(gridCSV(header, 300, 40)), "t.csv", Options{})
			if err != nil {
				t.Fatal(err)
			}
			if d.Users.Len() != 300 || d.Items.Len() != 40 {
				t.Fatalf("%d users, %d items; want 300 users, 40 items", d.Users.Len(), d.Items.Len())
			}
			for k := range d.Len() {
				u, i := d.Users.Raw(d.User[k]), d.Items.Raw(d.Item[k])
				var un, in int
				fmt.Sscanf(u, "u%d", &un)
				fmt.Sscanf(i, "c%d", &in)
				if want := float32((un+in)%5 + 1); d.Value[k] != want {
					t.Fatalf("row %d (%s,%s): rating %v, want %v", k, u, i, d.Value[k], want)
				}
			}
		})
	}
}

// TestReadFirstRowNotAHeader: a first data row whose rating is bad is an
// error at line 1, not a header; a header naming no known column, with
// more than three columns, is an error that lists them.
func TestReadFirstRowNotAHeader(t *testing.T) {
	tests := []struct {
		name, in string
		line     int
		field    string
		msg      string
	}{
		{name: "bad rating on line 1", in: "u1,i1,four\nu1,i2,4\n", line: 1, field: "rating", msg: `"four" is not a number`},
		{name: "ids and a word", in: "1,a,x\n2,b,4\n", line: 1, field: "rating", msg: `"x" is not a number`},
		{name: "unknown header of four columns", in: "a,b,c,d\n1,2,3,4\n", line: 1, msg: `"a", "b", "c", "d"`},
		{name: "unknown header of five tsv columns", in: "p\tq\tr\ts\tt\n1\t2\t3\t4\t5\n", line: 1, msg: `"p", "q", "r", "s", "t"`},
		{name: "known user, too many unknown", in: "user,foo,bar,baz\n1,2,3,4\n", line: 1, msg: `"foo"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Read(strings.NewReader(tc.in), "t.csv", Options{})
			if err == nil {
				t.Fatalf("no error; read %d rows: %v", d.Len(), rowStrings(d.Users, d.Items, d.Ratings))
			}
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Line != tc.line || pe.Field != tc.field {
				t.Fatalf("error %v: want a ParseError at line %d, field %q", err, tc.line, tc.field)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q does not say %q", err, tc.msg)
			}
		})
	}
}

// TestErrorQuotesShort: an error quotes at most about 80 bytes of a bad
// field, however long the field is.
func TestErrorQuotesShort(t *testing.T) {
	big := strings.Repeat("x", 1<<20)
	tests := []struct{ name, in string }{
		{"rating", "user,item,rating\n1,a," + big + "\n"},
		{"rating on line 1", "1,a," + big + "\n"},
		{"rating quoted", "user,item,rating\n1,a,\"" + big + "\"\n"},
		{"rating out of range", "user,item,rating\n1,a,1" + strings.Repeat("0", 1<<20) + "\n"},
		{"tsv rating", "1\ta\t" + big + "\n"},
		{"header column", strings.Repeat(big+",", 4) + "\n1,2,3,4\n"},
		{"time", "user,item,rating,timestamp\n1,a,4," + big + "\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tc.in), "t.csv", Options{})
			if err == nil {
				t.Fatal("no error")
			}
			if n := len(err.Error()); n > 500 {
				t.Errorf("error of %d bytes: %.300s...", n, err)
			}
		})
	}
}

// sizedReader is a reader that claims to hold size bytes.
type sizedReader struct {
	r    io.Reader
	size int
}

func (s *sizedReader) Read(p []byte) (int, error) { return s.r.Read(p) }
func (s *sizedReader) Len() int                   { return s.size }

// TestReserveCapped: a declared size reserves at most maxReserve rows.
func TestReserveCapped(t *testing.T) {
	var b strings.Builder
	const rows = 3 * estimateAt
	for k := range rows {
		fmt.Fprintf(&b, "%d,%d,%d\n", k%97, k, k%5+1)
	}
	for _, size := range []int{1 << 31, 1 << 40, 1 << 62} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			d, err := Read(&sizedReader{strings.NewReader(b.String()), size}, "t.csv", Options{})
			if err != nil {
				t.Fatal(err)
			}
			if d.Len() != rows {
				t.Fatalf("%d rows", d.Len())
			}
			if c := cap(d.Value); c > 1<<24 {
				t.Errorf("cap %d for %d rows: reserved from the declared size %d", c, rows, size)
			}
		})
	}
}

// TestLoadHugeDeclaredSize: a sparse 1 TB file and a URL that declares a
// huge Content-Length fail cleanly, without reserving memory for them.
func TestLoadHugeDeclaredSize(t *testing.T) {
	var b strings.Builder
	for k := range 2 * estimateAt {
		fmt.Fprintf(&b, "%d,%d,%d\n", k%97, k, k%5+1)
	}
	body := b.String()
	path := filepath.Join(t.TempDir(), "sparse.csv")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, 1<<40); err != nil {
		t.Skip("no sparse files here:", err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "10000000000000")
		io.WriteString(w, body)
	}))
	defer srv.Close()
	for _, src := range []string{path, srv.URL + "/r.csv"} {
		_, err := Load(context.Background(), src, Options{})
		if err == nil || !strings.HasPrefix(err.Error(), "dataset: ") {
			t.Errorf("%s: %v, want a dataset error", src, err)
		}
	}
}

// TestLoadFIFOCancel: opening a FIFO that no one writes to ends when the
// context does (internal/openctx tests a writer that stalls).
func TestLoadFIFOCancel(t *testing.T) {
	fifoNoWriter(t, func(ctx context.Context, path string) error {
		_, err := Load(ctx, path, Options{})
		return err
	})
}

// TestSQLiteFileAsText: a SQLite database given as a plain path is named
// as one, with the source to use, instead of failing as a bad CSV row of
// binary bytes.
func TestSQLiteFileAsText(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.db")
	if err := os.WriteFile(path, []byte("SQLite format 3\x00\x10\x00\x01\x01binary page"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(context.Background(), path, Options{})
	if err == nil || !strings.Contains(err.Error(), "is a SQLite database") || !strings.Contains(err.Error(), "sqlite:"+path) {
		t.Errorf("Load(%s) = %v, want an error naming the SQLite database and sqlite:%s", path, err, path)
	}
}
