package dataset

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// TestReadTimeFormats: a time column is optional data, so the usual ways
// of writing a time are read (Unix seconds, with a fraction rounded down;
// RFC 3339; a date, UTC midnight; a date and time, UTC), a value none of
// them fits is an error at its line naming the header's own column and
// suggesting time=none, and time=none drops the column.
func TestReadTimeFormats(t *testing.T) {
	tests := []struct {
		name, in string
		cols     Columns
		times    []int64
		err      string
	}{
		{name: "date", in: "user,item,rating,date\n1,a,4,2024-01-09\n", times: []int64{1704758400}},
		{name: "date and time", in: "user,item,rating,datetime\n1,a,4,2024-01-09 12:30:05\n", times: []int64{1704803405}},
		{name: "date T time", in: "user,item,rating,time\n1,a,4,2024-01-09T12:30:05\n", times: []int64{1704803405}},
		{name: "fraction", in: "user,item,rating,timestamp\n1,a,4,1500000000.5\n2,a,3,-1.5\n3,a,3,7.\n", times: []int64{1500000000, -2, 7}},
		{name: "rfc 3339 offset", in: "user,item,rating,ts\n1,a,4,2024-01-09T01:00:00+01:00\n", times: []int64{1704758400}},
		{name: "bad by name", in: "user,item,rating,date\n1,a,4,2024-01-09\n2,a,3,12:30\n", err: `t.csv:3: field "date": "12:30" is not a time`},
		{name: "bad says time=none", in: "user,item,rating,Time\n1,a,4,noon\n", err: `time=none`},
		{name: "bad mapped", in: "u,i,r,when\n1,a,4,noon\n", cols: Columns{User: "u", Item: "i", Rating: "r", Time: "when"}, err: `t.csv:2: field "when": "noon" is not a time`},
		{name: "bad ratings.dat", in: "1::2::3::noon\n", err: `t.csv:1: field "timestamp": "noon"`},
		{name: "none drops by name", in: "user,item,rating,date\n1,a,4,12:30\n", cols: Columns{Time: "none"}},
		{name: "none drops first column", in: "ts,user_id,course,score\nnoon,1,a,4\n", cols: Columns{Time: "none"}},
		{name: "none drops ratings.dat", in: "1::2::3::noon\n", cols: Columns{Time: "none"}},
		{name: "none with a 4-column header", in: "when,user,item,rating\nx,1,a,4\n", cols: Columns{Time: "none"}},
		{name: "duplicate user", in: "user,user_id,item,rating\n1,2,a,4\n", err: `"user" and "user_id" both name the user column`},
		{name: "duplicate time", in: "user,item,rating,time,timestamp\n1,a,4,1,2\n", err: `"time" and "timestamp" both name the timestamp column`},
		{name: "duplicate rating", in: "Score,item,user,score\n1,a,4,2\n", err: `"Score" and "score" both name the rating column`},
		{name: "duplicate time dropped", in: "user,item,rating,time,timestamp\n1,a,4,x,y\n", cols: Columns{Time: "none"}},
		{name: "duplicate mapped away", in: "user,user_id,item,rating\n1,2,a,4\n", cols: Columns{User: "user_id"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Read(strings.NewReader(tc.in), "t.csv", Options{Columns: tc.cols})
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one saying %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(d.Time, tc.times) || (tc.times == nil) != (d.Time == nil) {
				t.Errorf("times %v, want %v", d.Time, tc.times)
			}
		})
	}
}

// TestParseColumnsNone: time=none (or time=-) drops a time column; no
// other role can be dropped.
func TestParseColumnsNone(t *testing.T) {
	for _, in := range []string{"time=none", "time=-", "TIME=None", "user=a,time=none"} {
		c, err := ParseColumns(in)
		if err != nil || c.Time != "none" {
			t.Errorf("ParseColumns(%q) = %+v, %v; want Time none", in, c, err)
		}
	}
	for _, in := range []string{"user=none", "item=-", "rating=none"} {
		if _, err := ParseColumns(in); err == nil || !errors.Is(err, ErrColumns) || !strings.Contains(err.Error(), "only time") {
			t.Errorf("ParseColumns(%q): %v; want an error saying only time can be none", in, err)
		}
	}
}

// TestColumnNames: the list shown in help and errors holds every name the
// header rules accept.
func TestColumnNames(t *testing.T) {
	s := ColumnNames()
	for _, list := range knownColumns {
		for _, n := range list {
			if !strings.Contains(s, n) {
				t.Errorf("ColumnNames() lacks %q: %s", n, s)
			}
		}
	}
}
