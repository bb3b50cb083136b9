package dataset

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// rowStrings renders the rows of d as "user item rating" with raw ids.
func rowStrings(users, items *IDMap, r Ratings) []string {
	out := make([]string, r.Len())
	for k := range out {
		out[k] = fmt.Sprintf("%s %s %g", users.Raw(r.User[k]), items.Raw(r.Item[k]), r.Value[k])
	}
	return out
}

func gzipped(s string) string {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.String()
}

func TestRead(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		format Format
		rows   []string
		users  []string
		items  []string
		dups   int
	}{
		{name: "csv header", in: "user,item,rating\n1,a,4\n2,b,3.5\n",
			rows: []string{"1 a 4", "2 b 3.5"}, users: []string{"1", "2"}, items: []string{"a", "b"}},
		{name: "csv no header", in: "1,a,4\n2,b,3.5\n",
			rows: []string{"1 a 4", "2 b 3.5"}},
		{name: "csv no final newline", in: "user,item,rating\n1,a,4\n2,b,5",
			rows: []string{"1 a 4", "2 b 5"}},
		{name: "csv extra columns", in: "user,item,rating,timestamp,note\n1,a,4,978300760,x\n2,b,2,978300761,\n",
			rows: []string{"1 a 4", "2 b 2"}},
		{name: "tsv header", in: "user\titem\trating\ttimestamp\n1\ta\t4\t1\n2\tb\t5\t2\n",
			rows: []string{"1 a 4", "2 b 5"}},
		{name: "tsv with spaces in ids", in: "u 1\titem a\t4\n", format: FormatTSV,
			rows: []string{"u 1 item a 4"}},
		{name: "tsv keeps quotes", in: "\"u\"\t\"a,b\"\t4\n", format: FormatTSV,
			rows: []string{`"u" "a,b" 4`}},
		{name: "movielens u.data", in: "196\t242\t3\t881250949\n186\t302\t3\t891717742\n22\t377\t1\t878887116\n",
			rows: []string{"196 242 3", "186 302 3", "22 377 1"}},
		{name: "movielens u.data explicit", in: "196\t242\t3\t881250949\n", format: FormatMovieLens,
			rows: []string{"196 242 3"}},
		{name: "movielens ratings.dat", in: "1::1193::5::978300760\n1::661::3::978302109\n2::1193::4::978300275\n",
			rows: []string{"1 1193 5", "1 661 3", "2 1193 4"}, users: []string{"1", "2"}, items: []string{"1193", "661"}},
		{name: "movielens ratings.dat explicit", in: "1::1193::5::978300760\n", format: FormatMovieLens,
			rows: []string{"1 1193 5"}},
		{name: "movielens ratings.dat crlf", in: "1::1193::5::978300760\r\n2::1::1::1\r\n",
			rows: []string{"1 1193 5", "2 1 1"}},
		{name: "explicit csv", in: "1,a,4\n", format: FormatCSV, rows: []string{"1 a 4"}},
		{name: "format case", in: "1,a,4\n", format: "CSV", rows: []string{"1 a 4"}},
		{name: "bom header", in: "\ufeffuser,item,rating\n1,a,4\n",
			rows: []string{"1 a 4"}, users: []string{"1"}},
		{name: "bom no header", in: "\ufeff1,a,4\n",
			rows: []string{"1 a 4"}, users: []string{"1"}},
		{name: "crlf", in: "user,item,rating\r\n1,a,4\r\n2,b,5\r\n",
			rows: []string{"1 a 4", "2 b 5"}, items: []string{"a", "b"}},
		{name: "blank lines", in: "\n\nuser,item,rating\n\n1,a,4\n  \n\r\n2,b,5\n\n",
			rows: []string{"1 a 4", "2 b 5"}},
		{name: "spaces around fields", in: "user, item, rating\n 1 , a , 4 \n",
			rows: []string{"1 a 4"}},
		{name: "quoted commas", in: "user,item,rating\n\"Smith, J\",\"a,b\",\"4\"\n",
			rows: []string{"Smith, J a,b 4"}, users: []string{"Smith, J"}, items: []string{"a,b"}},
		{name: "doubled quotes", in: "\"say \"\"hi\"\"\",\"\"\"q\"\"\",5\n",
			rows: []string{`say "hi" "q" 5`}},
		{name: "quoted header", in: "\"user\",\"item\",\"rating\"\n1,a,4\n",
			rows: []string{"1 a 4"}},
		{name: "quoted spaces kept", in: "\" u \", \"i\" ,4\n",
			rows: []string{" u  i 4"}},
		{name: "quote inside unquoted field", in: "ab\"c,d,4\n",
			rows: []string{`ab"c d 4`}},
		{name: "quoted line break in extra column", in: "user,item,rating,title\n1,a,4,\"two\nlines\"\n2,b,5,x\n",
			rows: []string{"1 a 4", "2 b 5"}},
		{name: "quoted line break in id", in: "\"u\r\n1\",a,4\n",
			rows: []string{"u\n1 a 4"}},
		{name: "number forms", in: "a,1,+4\na,2,4.\na,3,.5\na,4,1e0\na,5,-1\na,6,4e0\na,7,3.25\na,8,1e-50\n",
			rows: []string{"a 1 4", "a 2 4", "a 3 0.5", "a 4 1", "a 5 -1", "a 6 4", "a 7 3.25", "a 8 0"}},
		{name: "two columns: an interaction table", in: "user,item\n1,a\n2,b\n",
			rows: []string{"1 a 1", "2 b 1"}},
		{name: "two columns without a header", in: "1,a\n2,b\n",
			rows: []string{"1 a 1", "2 b 1"}},
		{name: "ids in first appearance order", in: "3,z,1\n1,y,2\n3,x,3\n2,z,4\n",
			rows: []string{"3 z 1", "1 y 2", "3 x 3", "2 z 4"}, users: []string{"3", "1", "2"}, items: []string{"z", "y", "x"}},
		{name: "duplicates last wins", in: "user,item,rating\n1,a,1\n2,b,2\n1,a,5\n3,a,3\n1,a,4\n2,b,2.5\n",
			rows: []string{"1 a 4", "2 b 2.5", "3 a 3"}, dups: 3},
		{name: "gzip", in: gzipped("user,item,rating\n1,a,4\n2,b,5\n"),
			rows: []string{"1 a 4", "2 b 5"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Read(strings.NewReader(tc.in), "t.csv", Options{Format: tc.format})
			if err != nil {
				t.Fatal(err)
			}
			if d.Name != "t.csv" {
				t.Errorf("Name = %q", d.Name)
			}
			if got := rowStrings(d.Users, d.Items, d.Ratings); !slices.Equal(got, tc.rows) {
				t.Errorf("rows = %q, want %q", got, tc.rows)
			}
			if tc.users != nil && !slices.Equal(d.Users.IDs(), tc.users) {
				t.Errorf("users = %q, want %q", d.Users.IDs(), tc.users)
			}
			if tc.items != nil && !slices.Equal(d.Items.IDs(), tc.items) {
				t.Errorf("items = %q, want %q", d.Items.IDs(), tc.items)
			}
			if d.Duplicates != tc.dups {
				t.Errorf("Duplicates = %d, want %d", d.Duplicates, tc.dups)
			}
		})
	}
}

func TestReadErrors(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		format Format
		line   int    // 0: not a *ParseError
		field  string // of the *ParseError
		msg    string // the whole message, or a part of it when part is set
		part   bool
	}{
		{name: "empty", in: "", msg: "dataset: t.csv: no rating rows"},
		{name: "blank lines only", in: "\n \r\n\n", msg: "dataset: t.csv: no rating rows"},
		{name: "header only", in: "user,item,rating\n", msg: "dataset: t.csv: no rating rows"},
		{name: "bom header only", in: "\ufeffuser,item,rating\r\n\r\n", msg: "dataset: t.csv: no rating rows"},
		{name: "bad rating", in: "user,item,rating\n1,a,4\n2,b,abc\n", line: 3, field: "rating",
			msg: `dataset: t.csv:3: field "rating": "abc" is not a number`},
		{name: "bad rating no header", in: "1,a,4\n2,b,abc\n", line: 2, field: "rating",
			msg: `dataset: t.csv:2: field "rating": "abc" is not a number`},
		{name: "empty rating", in: "1,a,4\n2,b,\n", line: 2, field: "rating",
			msg: `dataset: t.csv:2: field "rating": "" is not a number`},
		{name: "line numbers count blank lines and bom crlf", in: "\ufeffuser,item,rating\r\n1,a,4\r\n\r\n2,b,x\r\n", line: 4, field: "rating",
			msg: `dataset: t.csv:4: field "rating": "x" is not a number`},
		{name: "line numbers after a multi-line record", in: "1,a,4,\"x\ny\"\n2,b,bad\n", line: 3, field: "rating",
			msg: `dataset: t.csv:3: field "rating": "bad" is not a number`},
		{name: "nan", in: "1,a,NaN\n", line: 1, field: "rating",
			msg: `dataset: t.csv:1: field "rating": "NaN" is not a finite number`},
		{name: "inf", in: "user,item,rating\n1,a,4\n1,b,-Inf\n", line: 3, field: "rating",
			msg: `dataset: t.csv:3: field "rating": "-Inf" is out of range`},
		{name: "float32 overflow", in: "1,a,1e39\n", line: 1, field: "rating",
			msg: `dataset: t.csv:1: field "rating": "1e39" is out of range`},
		{name: "float64 overflow", in: "1,a,1e400\n", line: 1, field: "rating",
			msg: `dataset: t.csv:1: field "rating": "1e400" is out of range`},
		{name: "missing rating", in: "user,item,rating\n1,a\n", line: 2, field: "rating",
			msg: `dataset: t.csv:2: field "rating": missing`, part: true},
		{name: "missing item", in: "1,a,4\n\n7\n", line: 3, field: "item",
			msg: `dataset: t.csv:3: field "item": missing`, part: true},
		{name: "first row with a bad rating is not a header", in: "1,a,x\n2,b,4\n", line: 1, field: "rating",
			msg: `dataset: t.csv:1: field "rating": "x" is not a number (the first row is a header only`, part: true},
		{name: "missing item on first row", in: "1\n", line: 1, field: "item",
			msg: `dataset: t.csv:1: field "item": missing`, part: true},
		{name: "a header of one column", in: "user\n1\n", line: 1,
			msg: `dataset: t.csv:1: the header "user" names no item or rating column`, part: true},
		{name: "tsv missing rating", in: "1\ta\t4\n2\tb\n", line: 2, field: "rating",
			msg: `dataset: t.csv:2: field "rating": missing`, part: true},
		{name: "dat missing rating", in: "1::a::4::0\n2::b\n", line: 2, field: "rating",
			msg: `dataset: t.csv:2: field "rating": missing`, part: true},
		{name: "csv format on a tsv line", in: "1\ta\t4\n", format: FormatCSV, line: 1, field: "item",
			msg: `dataset: t.csv:1: field "item": missing`, part: true},
		{name: "empty user", in: "user,item,rating\n\n,a,4\n", line: 3, field: "user",
			msg: `dataset: t.csv:3: field "user": empty id`},
		{name: "blank user", in: "1,a,4\n  ,a,4\n", line: 2, field: "user",
			msg: `dataset: t.csv:2: field "user": empty id`},
		{name: "empty quoted user", in: "1,a,4\n\"\",a,4\n", line: 2, field: "user",
			msg: `dataset: t.csv:2: field "user": empty id`},
		{name: "empty item", in: "1,a,4\n1,,4\n", line: 2, field: "item",
			msg: `dataset: t.csv:2: field "item": empty id`},
		{name: "empty item tsv", in: "1\ta\t4\n1\t\t4\n", line: 2, field: "item",
			msg: `dataset: t.csv:2: field "item": empty id`},
		{name: "unclosed quote", in: "1,a,4\n2,\"b,5\n3,c,4\n", line: 2, field: "item",
			msg: `dataset: t.csv:2: field "item": quoted field not closed`},
		{name: "unclosed quote in extra column", in: "1,a,4,\"x\n", line: 1, field: "column 4",
			msg: `dataset: t.csv:1: field "column 4": quoted field not closed`},
		{name: "text after closing quote", in: "1,a,4\n2,\"b\"c,5\n", line: 2, field: "item",
			msg: `dataset: t.csv:2: field "item": unexpected 'c' after a closing quote`},
		{name: "unknown format", in: "1,a,4\n", format: "xml",
			msg: `dataset: unknown format "xml" (want auto, csv, tsv or movielens)`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Read(strings.NewReader(tc.in), "t.csv", Options{Format: tc.format})
			if err == nil {
				t.Fatalf("no error, got %v", d)
			}
			if msg := err.Error(); (!tc.part && msg != tc.msg) || (tc.part && !strings.Contains(msg, tc.msg)) {
				t.Errorf("error %q, want %q", msg, tc.msg)
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				if tc.line != 0 {
					t.Fatalf("error %v is not a *ParseError", err)
				}
				return
			}
			if tc.line == 0 {
				t.Fatalf("error %v is a *ParseError", err)
			}
			if pe.File != "t.csv" || pe.Line != tc.line || pe.Field != tc.field {
				t.Errorf("ParseError{%q, %d, %q}, want {t.csv, %d, %q}", pe.File, pe.Line, pe.Field, tc.line, tc.field)
			}
		})
	}
}

func TestReadRatingErrorWrapsNumError(t *testing.T) {
	_, err := Read(strings.NewReader("1,a,4\n1,b,four\n"), "x", Options{})
	var ne *strconv.NumError
	if !errors.As(err, &ne) || !errors.Is(err, strconv.ErrSyntax) {
		t.Fatalf("%v does not wrap a *strconv.NumError", err)
	}
}

func TestReadLongLine(t *testing.T) {
	long := strings.Repeat("x", 3*readBufSize)
	in := "user,item,rating,note\n1,a,4," + long + "\n" + long + ",b,5\n2,c,bad\n"
	d, err := Read(strings.NewReader(in), "t.csv", Options{})
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Line != 4 {
		t.Fatalf("got %v, %v; want a ParseError on line 4", d, err)
	}
	d, err = Read(strings.NewReader(in[:strings.LastIndex(in, "2,c")]), "t.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != 2 || d.Users.Raw(1) != long {
		t.Errorf("got %v", d)
	}
}

func TestReadPreallocates(t *testing.T) {
	var b strings.Builder
	for k := range 3 * estimateAt {
		fmt.Fprintf(&b, "%03d,%06d,%d\n", k%97, k, k%5+1)
	}
	d, err := Read(strings.NewReader(b.String()), "t.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != 3*estimateAt {
		t.Fatalf("%d rows", d.Len())
	}
	if c := cap(d.Value); c < d.Len() || c > d.Len()*5/4 {
		t.Errorf("cap %d for %d rows", c, d.Len())
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]Format{"": FormatAuto, "auto": FormatAuto, "csv": FormatCSV, " TSV ": FormatTSV, "MovieLens": FormatMovieLens} {
		if got, err := ParseFormat(in); got != want || err != nil {
			t.Errorf("ParseFormat(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseFormat("dat"); err == nil || !strings.HasPrefix(err.Error(), "dataset: ") {
		t.Errorf("ParseFormat(dat): %v", err)
	}
}

func TestParseRating(t *testing.T) {
	for _, s := range []string{"0", "-0", "4", "+4", "4.5", "3.14159", "0.1", ".1", "1.", "123456789012345",
		"1234567890123456", "0.3333333333333333", "16777217", "1e3", "2.5E-3", "0x1p-2", "007", "1_0", "", ".", "-", "+.", "4..5",
		"1e39", "-1e39", "1e400", "NaN", "inf", "-Infinity", "3.4028235e38", "1e-46"} {
		f, err := strconv.ParseFloat(s, 64)
		v, got := parseRating([]byte(s))
		want32 := float32(f)
		switch {
		case err != nil || math.IsInf(float64(want32), 0) || math.IsNaN(f) || strings.Trim(s, "0123456789.+-eE") != "":
			if got == nil {
				t.Errorf("parseRating(%q) = %v, want an error", s, v)
			}
		case got != nil:
			t.Errorf("parseRating(%q): %v", s, got)
		case math.Float32bits(v) != math.Float32bits(want32):
			t.Errorf("parseRating(%q) = %v, want %v", s, v, want32)
		}
	}
}

func TestLoadFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ratings.csv")
	if err := os.WriteFile(path, []byte("user,item,rating\n1,a,4\n2,a,5\n1,a,3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := Load(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Name != path || d.Len() != 2 || d.Duplicates != 1 || d.Value[0] != 3 {
		t.Errorf("got %v %+v", d, d.Ratings)
	}

	gz := filepath.Join(dir, "ratings.dat.gz")
	os.WriteFile(gz, []byte(gzipped("1::10::5::0\n2::10::4::0\n")), 0o644)
	if d, err := Load(context.Background(), gz, Options{}); err != nil || d.Len() != 2 {
		t.Errorf("gzip: %v, %v", d, err)
	}

	bad := filepath.Join(dir, "bad.tsv")
	os.WriteFile(bad, []byte("1\ta\t4\n2\tb\t4\n3\tc\n"), 0o644)
	_, err = Load(context.Background(), bad, Options{})
	var pe *ParseError
	if !errors.As(err, &pe) || pe.File != bad || pe.Line != 3 || pe.Field != "rating" {
		t.Errorf("bad file: %v", err)
	}
	if want := "dataset: " + bad + ":3: field \"rating\": missing"; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %v, want prefix %q", err, want)
	}

	empty := filepath.Join(dir, "empty.csv")
	os.WriteFile(empty, nil, 0o644)
	if _, err := Load(context.Background(), empty, Options{}); err == nil || err.Error() != "dataset: "+empty+": no rating rows" {
		t.Errorf("empty file: %v", err)
	}

	missing := filepath.Join(dir, "nope.csv")
	_, err = Load(context.Background(), missing, Options{})
	if !errors.Is(err, fs.ErrNotExist) || !strings.HasPrefix(err.Error(), "dataset: ") || !strings.Contains(err.Error(), missing) {
		t.Errorf("missing file: %v", err)
	}

	if _, err := Load(context.Background(), dir, Options{}); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("directory: %v", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Load(ctx, path, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled: %v", err)
	}

	if _, err := Load(context.Background(), path, Options{Format: "json"}); err == nil || !strings.Contains(err.Error(), `unknown format "json"`) {
		t.Errorf("bad format: %v", err)
	}
}

func TestLoadURL(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/ratings.csv", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("user,item,rating\n"))
		w.(http.Flusher).Flush()
		w.Write([]byte("1,a,4\n2,b,5\n"))
	})
	mux.HandleFunc("/bad.csv", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("1,a,4\n2,b,bad\n"))
	})
	ts := httptest.NewServer(mux)
	defer ts.Close()
	ctx := context.Background()

	for _, c := range []*http.Client{nil, ts.Client()} {
		d, err := Load(ctx, ts.URL+"/ratings.csv", Options{Client: c})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := rowStrings(d.Users, d.Items, d.Ratings), []string{"1 a 4", "2 b 5"}; !slices.Equal(got, want) || d.Name != ts.URL+"/ratings.csv" {
			t.Errorf("%s: rows %q", d.Name, got)
		}
	}

	url := ts.URL + "/missing.csv"
	_, err := Load(ctx, url, Options{})
	if err == nil || err.Error() != "dataset: "+url+": http status 404 Not Found" {
		t.Errorf("404: %v", err)
	}

	url = ts.URL + "/bad.csv"
	_, err = Load(ctx, url, Options{})
	var pe *ParseError
	if !errors.As(err, &pe) || pe.File != url || pe.Line != 2 || pe.Field != "rating" {
		t.Errorf("bad rows: %v", err)
	}

	_, err = Load(ctx, "http://127.0.0.1:1/x.csv", Options{})
	if err == nil || !strings.HasPrefix(err.Error(), "dataset: ") || !strings.Contains(err.Error(), "127.0.0.1:1/x.csv") {
		t.Errorf("unreachable: %v", err)
	}
}

func TestLoadURLStalls(t *testing.T) {
	done := make(chan struct{})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("1,a,4\n"))
		w.(http.Flusher).Flush()
		select {
		case <-done:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(ts.Close)
	t.Cleanup(func() { close(done) })
	old := stallTimeout
	stallTimeout = 100 * time.Millisecond
	t.Cleanup(func() { stallTimeout = old })

	start := time.Now()
	_, err := Load(context.Background(), ts.URL, Options{})
	if err == nil || !strings.Contains(err.Error(), "no data received for 100ms") || !strings.HasPrefix(err.Error(), "dataset: "+ts.URL+": ") {
		t.Errorf("stalled body: %v", err)
	}
	if time.Since(start) > 10*time.Second {
		t.Errorf("took %v", time.Since(start))
	}

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err = Load(ctx, ts.URL, Options{Client: ts.Client()})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("deadline: %v", err)
	}
}

func TestLoadSplit(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	train := write("train.csv", "user,item,rating\nu2,i1,3\nu1,i2,4\nu2,i1,5\n")
	valid := write("valid.tsv", "u3\ti1\t1\nu1\ti3\t2\n")
	test := write("test.dat", "u4::i4::4.5::0\nu1::i1::2::0\n")
	ctx := context.Background()

	s, err := LoadSplit(ctx, train, valid, test, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"u2", "u1", "u3", "u4"}; !slices.Equal(s.Users.IDs(), want) {
		t.Errorf("users %q, want %q", s.Users.IDs(), want)
	}
	if want := []string{"i1", "i2", "i3", "i4"}; !slices.Equal(s.Items.IDs(), want) {
		t.Errorf("items %q, want %q", s.Items.IDs(), want)
	}
	for _, c := range []struct {
		part Ratings
		want []string
	}{
		{s.Train, []string{"u2 i1 5", "u1 i2 4"}},
		{s.Valid, []string{"u3 i1 1", "u1 i3 2"}},
		{s.Test, []string{"u4 i4 4.5", "u1 i1 2"}},
	} {
		if got := rowStrings(s.Users, s.Items, c.part); !slices.Equal(got, c.want) {
			t.Errorf("rows %q, want %q", got, c.want)
		}
	}
	if s.Min != 1 || s.Max != 5 || s.Name != train {
		t.Errorf("Min, Max, Name = %g, %g, %q", s.Min, s.Max, s.Name)
	}

	s, err = LoadSplit(ctx, train, "", test, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Valid.Len() != 0 || s.Train.Len() != 2 || s.Test.Len() != 2 || s.Min != 2 || s.Max != 5 || s.Users.Len() != 3 {
		t.Errorf("no valid: %+v", s)
	}

	if _, err := LoadSplit(ctx, train, valid, "", Options{}); err == nil {
		t.Error("no test file: no error")
	}
	missing := filepath.Join(dir, "missing.csv")
	if _, err := LoadSplit(ctx, train, missing, test, Options{}); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), missing) {
		t.Errorf("missing valid: %v", err)
	}
	bad := write("bad.csv", "u1,i1,4\nu2,i2,x\n")
	_, err = LoadSplit(ctx, train, valid, bad, Options{})
	var pe *ParseError
	if !errors.As(err, &pe) || pe.File != bad || pe.Line != 2 {
		t.Errorf("bad test: %v", err)
	}
}

// dedupRef is the straightforward dedup: a map from pair to output row.
func dedupRef(r *Ratings) int {
	type pair struct{ u, i int32 }
	seen := make(map[pair]int)
	out := 0
	for k := range r.Value {
		p := pair{r.User[k], r.Item[k]}
		if j, ok := seen[p]; ok {
			r.Value[j] = r.Value[k]
			continue
		}
		seen[p] = out
		r.User[out], r.Item[out], r.Value[out] = r.User[k], r.Item[k], r.Value[k]
		out++
	}
	n := len(r.Value) - out
	r.User, r.Item, r.Value = r.User[:out], r.Item[:out], r.Value[:out]
	return n
}

func TestDedupMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 300 {
		n := rng.IntN(200)
		users, items := int32(rng.IntN(20)+1), int32(rng.IntN(20)+1)
		var r Ratings
		for range n {
			u, i := rng.Int32N(users), rng.Int32N(items)
			switch trial % 3 {
			case 1:
				u -= users / 2 // negative ids: the map path
			case 2:
				i *= 1000 // sparse ids: the map path
			}
			r.Append(u, i, float32(rng.IntN(5)+1))
		}
		if trial%4 == 3 { // users grouped (the one-pass path), items in any order
			order := make([]int, n)
			for k := range order {
				order[k] = k
			}
			slices.SortStableFunc(order, func(a, b int) int { return int(r.User[a] - r.User[b]) })
			r = r.Subset(order)
		}
		want := Ratings{User: slices.Clone(r.User), Item: slices.Clone(r.Item), Value: slices.Clone(r.Value)}
		nw := dedupRef(&want)
		got := r
		ng := dedup(&got)
		if ng != nw || !slices.Equal(got.User, want.User) || !slices.Equal(got.Item, want.Item) || !slices.Equal(got.Value, want.Value) {
			t.Fatalf("trial %d: dedup = %d %+v, want %d %+v", trial, ng, got, nw, want)
		}
	}
}
