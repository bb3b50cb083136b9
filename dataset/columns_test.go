package dataset

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestParseColumns(t *testing.T) {
	good := []struct {
		in   string
		want Columns
	}{
		{"", Columns{}},
		{"user=learner,item=course,rating=score,time=ts", Columns{"learner", "course", "score", "ts"}},
		{" item = 2 , user = 1 ", Columns{User: "1", Item: "2"}},
		{"USER=A,timestamp=t", Columns{User: "A", Time: "t"}},
		{"rating=03", Columns{Rating: "3"}},
	}
	for _, tc := range good {
		if got, err := ParseColumns(tc.in); err != nil || got != tc.want {
			t.Errorf("ParseColumns(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
	bad := []struct{ in, msg string }{
		{"user", "not KEY=COLUMN"},
		{"who=a", `unknown key "who"`},
		{"user=a,user=b", "user given twice"},
		{"user=", "needs a column"},
		{"user=0", "counts from 1"},
		{"item=-2", "counts from 1"},
		{"user=a,item=A", "both column"},
		{"user=2,item=2", "both column"},
	}
	for _, tc := range bad {
		_, err := ParseColumns(tc.in)
		if err == nil || !errors.Is(err, ErrColumns) || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("ParseColumns(%q): %v; want an error saying %q", tc.in, err, tc.msg)
		}
	}
}

// TestReadColumnsOption: a mapping by name or position overrides the
// header rules, and a mapping that does not fit is an error.
func TestReadColumnsOption(t *testing.T) {
	tests := []struct {
		name, in, cols string
		rows           []string
		times          []int64
		err            string
	}{
		{name: "names", in: "who,what,stars,when\nu1,a,4,10\nu2,b,5,20\n", cols: "user=who,item=what,rating=stars,time=when",
			rows: []string{"u1 a 4", "u2 b 5"}, times: []int64{10, 20}},
		{name: "names override known ones", in: "user,item,rating,score\nu1,a,4,2\n", cols: "rating=score",
			rows: []string{"u1 a 2"}},
		{name: "positions without a header", in: "10,a,u1,4\n20,b,u2,5\n", cols: "user=3,item=2,rating=4,time=1",
			rows: []string{"u1 a 4", "u2 b 5"}, times: []int64{10, 20}},
		{name: "positions skip a known header", in: "ts,item,user,rating\n10,a,u1,4\n", cols: "user=3,item=2,rating=4",
			rows: []string{"u1 a 4"}, times: []int64{10}},
		{name: "position of two columns", in: "u1,a\n", cols: "user=1,item=2", rows: []string{"u1 a 1"}},
		{name: "name not in header", in: "user,item,rating\nu1,a,4\n", cols: "rating=score", err: `rating="score": no such column in the header ("user", "item", "rating")`},
		{name: "name without header", in: "u1,a,4\n", cols: "rating=score", err: `no such column`},
		{name: "position past the row", in: "u1,a,4\n", cols: "time=9", err: `time="9": the first row has 3 columns`},
		{name: "later row too short", in: "u1,a,4,5\nu2,b,5\n", cols: "rating=4", err: `:2: field "rating": missing`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ParseColumns(tc.cols)
			if err != nil {
				t.Fatal(err)
			}
			d, err := Read(strings.NewReader(tc.in), "t.csv", Options{Columns: c})
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one saying %q", err, tc.err)
				}
				if strings.Contains(tc.err, "column") && !errors.Is(err, ErrColumns) {
					t.Errorf("%v does not wrap ErrColumns", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := rowStrings(d.Users, d.Items, d.Ratings); !slices.Equal(got, tc.rows) {
				t.Errorf("rows %q, want %q", got, tc.rows)
			}
			if !slices.Equal(d.Time, tc.times) || (tc.times == nil) != (d.Time == nil) {
				t.Errorf("times %v, want %v", d.Time, tc.times)
			}
		})
	}
}

// TestReadTimeAndUnrated: a timestamp column is kept (integers or RFC
// 3339), nothing is kept without one, and a two-column table is Unrated.
func TestReadTimeAndUnrated(t *testing.T) {
	tests := []struct {
		name, in string
		format   Format
		times    []int64
		unrated  bool
		err      string
	}{
		{name: "ts first", in: "ts,user_id,course,score\n978300760,1,a,4\n-5,2,b,3\n", times: []int64{978300760, -5}},
		{name: "movielens ratings.csv", in: "userId,movieId,rating,timestamp\n1,31,2.5,1260759144\n", times: []int64{1260759144}},
		{name: "rfc 3339", in: "user,item,rating,time\n1,a,4,2001-01-01T00:00:00Z\n", times: []int64{978307200}},
		{name: "ratings.dat", in: "1::1193::5::978300760\n", times: []int64{978300760}},
		{name: "u.data is not known to be timed", in: "196\t242\t3\t881250949\n"},
		{name: "u.data as movielens", in: "196\t242\t3\t881250949\n", format: FormatMovieLens, times: []int64{881250949}},
		{name: "no time", in: "user,item,rating\n1,a,4\n"},
		{name: "interaction table", in: "learner,course\n1,a\n", unrated: true},
		{name: "interaction table with time", in: "user,item,ts\n1,a,7\n", unrated: true, times: []int64{7}},
		{name: "bad time", in: "user,item,rating,ts\n1,a,4,yesterday\n", err: `t.csv:2: field "ts": "yesterday" is not a time`},
		{name: "fractional time", in: "user,item,rating,ts\n1,a,4,1.5\n", times: []int64{1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Read(strings.NewReader(tc.in), "t.csv", Options{Format: tc.format})
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
			if d.Unrated != tc.unrated {
				t.Errorf("Unrated = %v", d.Unrated)
			}
			if tc.unrated && slices.ContainsFunc(d.Value, func(v float32) bool { return v != 1 }) {
				t.Errorf("values %v, want 1", d.Value)
			}
		})
	}
}

// TestTimeKeptInStep: every copy of rows keeps the times with their rows.
func TestTimeKeptInStep(t *testing.T) {
	var b strings.Builder
	b.WriteString("user,item,rating,ts\n")
	for k := range 200 {
		// time = 1000*user + item, so a row's time names its pair; the
		// rating says which copy of a repeated pair it is.
		u, i := k%13, k%17
		b.WriteString(strings.Join([]string{itoa(u), itoa(i), itoa(k%5 + 1), itoa(1000*u + i)}, ","))
		b.WriteByte('\n')
	}
	d, err := Read(strings.NewReader(b.String()), "t.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, r Ratings) {
		t.Helper()
		if len(r.Time) != r.Len() {
			t.Fatalf("%s: %d times for %d rows", what, len(r.Time), r.Len())
		}
		for k := range r.Len() {
			u, i := d.Users.Raw(r.User[k]), d.Items.Raw(r.Item[k])
			if want := atoi(u)*1000 + atoi(i); r.Time[k] != int64(want) {
				t.Fatalf("%s: row %d (%s,%s) time %d, want %d", what, k, u, i, r.Time[k], want)
			}
		}
	}
	check("read", d.Ratings)
	s, err := SplitRandom(d, Fractions{}, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []Ratings{s.Train, s.Valid, s.Test, Concat(s.Train, s.Test)} {
		check("split", p)
	}
	c, err := CarveValid(s, 0.2, 3)
	if err != nil {
		t.Fatal(err)
	}
	check("carved train", c.Train)
	check("carved valid", c.Valid)
	folds, err := KFold(d, 3, 2)
	if err != nil {
		t.Fatal(err)
	}
	check("fold train", folds[1].Train)
	check("fold test", folds[1].Test)
	l, err := LeaveOneOut(d, 4)
	if err != nil {
		t.Fatal(err)
	}
	check("loo test", l.Test)
	if got := Concat(s.Train, Ratings{User: []int32{0}, Item: []int32{0}, Value: []float32{1}}); got.Time != nil {
		t.Errorf("Concat with an untimed part has times")
	}
	r := d.Ratings.Subset([]int{0, 1})
	r.Append(0, 0, 1)
	if len(r.Time) != 3 {
		t.Errorf("Append: %d times for 3 rows", len(r.Time))
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// FuzzPickColumns checks the column mapping on any header and mapping:
// no panic, distinct columns in range, user and item always mapped, and
// a role found by name is a column of that name.
func FuzzPickColumns(f *testing.F) {
	f.Add("course,user_id,score", true, "")
	f.Add("ts,user_id,course,score", true, "")
	f.Add("a,b,c,d", true, "user=a")
	f.Add("1,2,3", false, "user=3,item=1")
	f.Add("user,item", true, "")
	f.Add("x", false, "time=1")
	f.Fuzz(func(t *testing.T, header string, isHeader bool, mapping string) {
		fields := strings.Split(header, ",")
		c, err := ParseColumns(mapping)
		if err != nil {
			return
		}
		pick, err := pickColumns(fields, isHeader, c)
		if err != nil {
			return
		}
		seen := map[int]bool{}
		for role, k := range pick {
			if k < 0 {
				if role < roleRating {
					t.Fatalf("%q: %s not mapped: %v", header, roleNames[role], pick)
				}
				continue
			}
			if k >= len(fields) || seen[k] {
				t.Fatalf("%q %+v: pick %v", header, c, pick)
			}
			seen[k] = true
			if v := c.roles()[role]; v != "" && position(v) < 0 && !strings.EqualFold(strings.TrimSpace(fields[k]), v) {
				t.Fatalf("%q: %s=%q mapped to %q", header, roleKeys[role], v, fields[k])
			}
			if v := c.roles()[role]; v == "" && isHeader && knownRole(fields[k]) >= 0 && knownRole(fields[k]) != role {
				t.Fatalf("%q: %s mapped to %q, a %s column", header, roleNames[role], fields[k], roleNames[knownRole(fields[k])])
			}
		}
		if isHeader && c.IsZero() {
			for _, n := range fields {
				if r := knownRole(n); r >= 0 && pick[r] < 0 {
					t.Fatalf("%q: %q names %s, left unmapped: %v", header, n, roleNames[r], pick)
				}
			}
		}
	})
}
