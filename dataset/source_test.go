package dataset

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
)

// sliceSource is a RowSource over rows held in memory; a row with an
// empty user fails with a ParseError.
type sliceSource struct {
	rows   [][3]string
	k      int
	err    error
	closed bool
}

func (s *sliceSource) Next() bool {
	if s.err != nil || s.k >= len(s.rows) {
		return false
	}
	s.k++
	if s.rows[s.k-1][0] == "" {
		s.err = &ParseError{File: "mem", Row: s.k, Field: "u", Err: errors.New("NULL")}
		return false
	}
	return true
}

func (s *sliceSource) Row() (user, item []byte, rating float32) {
	r := s.rows[s.k-1]
	v, _ := ParseRating([]byte(r[2]))
	return []byte(r[0]), []byte(r[1]), v
}

func (s *sliceSource) Err() error   { return s.err }
func (s *sliceSource) Close() error { s.closed = true; return nil }
func (s *sliceSource) Len() int64   { return int64(len(s.rows)) }

var memSources = map[string]*sliceSource{}

func init() {
	RegisterScheme("mem", func(_ context.Context, src string, _ Options) (RowSource, error) {
		_, name, _ := strings.Cut(src, ":")
		s, ok := memSources[name]
		if !ok {
			return nil, errors.New("dataset: " + src + ": no such table")
		}
		return s, nil
	})
}

func TestLoadScheme(t *testing.T) {
	rows := [][3]string{{"7", "a", "4"}, {"7", "b", "3"}, {"x", "a", "5"}, {"7", "a", "1"}, {"007", "c", "2.5"}}
	memSources["good"] = &sliceSource{rows: rows}
	d, err := Load(context.Background(), "MEM:good", Options{})
	if err != nil {
		t.Fatal(err)
	}
	var csv strings.Builder
	csv.WriteString("user,item,rating\n")
	for _, r := range rows {
		csv.WriteString(strings.Join(r[:], ",") + "\n")
	}
	want, err := Read(strings.NewReader(csv.String()), "MEM:good", Options{})
	if err != nil {
		t.Fatal(err)
	}
	sameDataset(t, d, want)
	if d.Duplicates != 1 || d.Users.Len() != 3 || !memSources["good"].closed {
		t.Errorf("got %v, %d duplicates, closed %v", d, d.Duplicates, memSources["good"].closed)
	}

	memSources["bad"] = &sliceSource{rows: [][3]string{{"1", "a", "4"}, {"", "b", "3"}}}
	_, err = Load(context.Background(), "mem:bad", Options{})
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Row != 2 || err.Error() != `dataset: mem: row 2: field "u": NULL` {
		t.Errorf("bad row: %v", err)
	}
	memSources["empty"] = &sliceSource{}
	if _, err = Load(context.Background(), "mem:empty", Options{}); err == nil || !strings.Contains(err.Error(), "no rating rows") {
		t.Errorf("empty: %v", err)
	}
	if _, err = Load(context.Background(), "mem:none", Options{}); err == nil || !strings.Contains(err.Error(), "no such table") {
		t.Errorf("unknown table: %v", err)
	}
	if _, err = Load(context.Background(), "nosuch://x", Options{}); err == nil || !strings.Contains(err.Error(), `no reader for scheme "nosuch" (known: http, https, mem`) {
		t.Errorf("unknown scheme: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	many := make([][3]string, 2*checkEvery)
	for k := range many {
		many[k] = [3]string{"u", "i", "1"}
	}
	memSources["many"] = &sliceSource{rows: many}
	if _, err = Load(ctx, "mem:many", Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled: %v", err)
	}
}

func TestRegisterPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"scheme twice": func() { RegisterScheme("MEM", nil) },
		"http": func() {
			RegisterScheme("http", func(context.Context, string, Options) (RowSource, error) { return nil, nil })
		},
		"text format": func() { RegisterFormat(FormatCSV, ".csv", "", nil) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

func TestParseFormatParquetUnregistered(t *testing.T) {
	if _, ok := lookupFormat(FormatParquet); ok {
		t.Skip("parquet is registered")
	}
	_, err := ParseFormat("parquet")
	if err == nil || !strings.Contains(err.Error(), "dataset/parquetsrc") {
		t.Errorf("ParseFormat(parquet) without its reader: %v", err)
	}
}

func TestPickColumns(t *testing.T) {
	for _, tc := range []struct {
		names []string
		want  [3]int
	}{
		{[]string{"userId", "movieId", "rating", "timestamp"}, [3]int{0, 1, 2}},
		{[]string{"a", "b", "c"}, [3]int{0, 1, 2}},
		{[]string{"timestamp", "Rating", "ITEM_ID", "user_id"}, [3]int{3, 2, 1}},
		{[]string{"course", "score", "learner"}, [3]int{2, 0, 1}},
	} {
		u, i, r, err := PickColumns(tc.names)
		if err != nil || [3]int{u, i, r} != tc.want {
			t.Errorf("PickColumns(%v) = %d, %d, %d, %v; want %v", tc.names, u, i, r, err, tc.want)
		}
	}
	// A header naming some roles but not all: an error, not a guess by
	// order (ts is a time, not a user).
	for _, names := range [][]string{{"ts", "movie-id", "x", "stars"}, {"Time", "learner", "b", "c"}, {"grade", "student", "course"}} {
		if _, _, _, err := PickColumns(names); err == nil || !errors.Is(err, ErrHeader) || !strings.Contains(err.Error(), "names no") {
			t.Errorf("PickColumns(%v): %v, want an ErrHeader naming the unnamed roles", names, err)
		}
	}
	// More than three columns besides a time, some unnamed: an error, not
	// a guess (id would have been taken as the rating).
	_, _, _, err := PickColumns([]string{"id", "user_id", "course_id", "grade"})
	if err == nil || !strings.Contains(err.Error(), `"grade"`) {
		t.Errorf("four columns, rating unnamed: %v", err)
	}
	// Two columns naming one role: an error, not the first of them.
	_, _, _, err = PickColumns([]string{"user", "user", "rating"})
	if err == nil || !strings.Contains(err.Error(), `"user" and "user" both name the user column`) {
		t.Errorf("user twice: %v", err)
	}
	// Two columns: an interaction table, as in a text table.
	if u, i, r, err := PickColumns([]string{"user", "item"}); err != nil || u != 0 || i != 1 || r != -1 {
		t.Errorf("two columns: %d, %d, %d, %v; want 0, 1, -1", u, i, r, err)
	}
	_, _, _, err = PickColumns([]string{"user"})
	if err == nil || !strings.Contains(err.Error(), "missing column") {
		t.Errorf("one column: %v", err)
	}
}

func TestIDMapInts(t *testing.T) {
	if got, ok := NewIDMap([]string{"1", "-20", "300", "0"}).Ints(); !ok || !slices.Equal(got, []int64{1, -20, 300, 0}) {
		t.Errorf("Ints = %v, %v", got, ok)
	}
	for _, bad := range []string{"007", "+1", "1.0", " 1", "a", "99999999999999999999"} {
		if _, ok := NewIDMap([]string{"1", bad}).Ints(); ok {
			t.Errorf("Ints accepted %q", bad)
		}
	}
}

func TestCheckRating(t *testing.T) {
	for f, ok := range map[float64]bool{3.5: true, -1: true, 1e39: false, -1e39: false} {
		if _, err := CheckRating(f); (err == nil) != ok {
			t.Errorf("CheckRating(%v): %v", f, err)
		}
	}
	var nan float64
	nan = nan / nan
	if _, err := CheckRating(nan); err == nil {
		t.Error("CheckRating(NaN) accepted")
	}
}

func TestIDCache(t *testing.T) {
	m := &IDMap{}
	c := idCache{m: m}
	ids := []string{"5", "05", "5", "0", "4194303", "4194304", "12", "x", "12", "00", "-3"}
	for _, id := range ids {
		got := c.intern([]byte(id))
		if want, _ := m.Inner(id); got != want {
			t.Errorf("intern(%q) = %d, map says %d", id, got, want)
		}
	}
	want := []string{"5", "05", "0", "4194303", "4194304", "12", "x", "00", "-3"}
	if !slices.Equal(m.IDs(), want) {
		t.Errorf("ids %q, want %q", m.IDs(), want)
	}
	if allocs := testing.AllocsPerRun(100, func() { c.intern([]byte("12")); c.intern([]byte("x")) }); allocs != 0 {
		t.Errorf("interning known ids allocates %v times", allocs)
	}
}

// FuzzSplitFields1 checks the one-byte splitter against the general one
// and both against bytes.Split.
func FuzzSplitFields1(f *testing.F) {
	for _, s := range []string{"1,a,4", "1,a", "1", "", ",,", " 1 , a ,4,5", "1\ta\t4", "a,,b,c"} {
		f.Add(s, byte(','), uint8(3))
		f.Add(s, byte('\t'), uint8(5))
	}
	f.Fuzz(func(t *testing.T, line string, sep byte, want uint8) {
		want = want%8 + 1
		a, b := make([][]byte, want), make([][]byte, want)
		n := splitFields([]byte(line), []byte{sep}, a)
		n1 := splitFields1([]byte(line), sep, b)
		ref := bytes.Split([]byte(line), []byte{sep})
		if n != n1 || n != min(len(ref), int(want)) {
			t.Fatalf("%q sep %q want %d: %d vs %d fields, bytes.Split %d", line, sep, want, n, n1, len(ref))
		}
		for k := range n {
			if string(a[k]) != string(b[k]) || string(a[k]) != string(trimBlank(ref[k])) {
				t.Fatalf("%q sep %q: field %d %q vs %q vs %q", line, sep, k, a[k], b[k], ref[k])
			}
		}
	})
}
