package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestParseRated lists --rated values that must be refused naming
// --rated: an item given twice (the last would silently win), an empty
// pair, an empty item, a rating that is not a number.
func TestParseRated(t *testing.T) {
	for _, tc := range []struct{ in, err string }{
		{"A=4,A=3", `item "A" is given twice`},
		{"A=4, A =4", `item "A" is given twice`},
		{"A=4,,B=3", "pair 2 is empty"},
		{"A=4,", "pair 2 is empty"},
		{",A=4", "pair 1 is empty"},
		{"=4", "want ITEM=RATING"},
		{"A", "want ITEM=RATING"},
		{"A=x", "want ITEM=RATING"},
		{"A=NaN", "want ITEM=RATING"},
	} {
		got, err := parseRated(tc.in)
		if err == nil || !strings.Contains(err.Error(), "--rated") || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("parseRated(%q) = %v, %v; want an error naming --rated with %q", tc.in, got, err, tc.err)
		}
	}
	for in, n := range map[string]int{"": 0, " ": 0, "A=4": 1, "A=4, B=3.5": 2} {
		if got, err := parseRated(in); err != nil || len(got) != n {
			t.Errorf("parseRated(%q) = %v, %v; want %d ratings", in, got, err, n)
		}
	}
}

// TestErrorsQuoteShort gives 20 KB values to flags and ids and checks
// that each is refused with a short message (the rule: an error quotes at
// most about 80 bytes of a bad value).
func TestErrorsQuoteShort(t *testing.T) {
	dir := t.TempDir()
	data := write(t, dir, "r.csv", "user,item,rating\nu1,a,4\nu1,b,3\nu2,a,5\nu2,c,2\nu3,b,4\nu3,c,1\n")
	m := filepath.Join(dir, "m.recnet")
	if _, stderr, code := run(t, "train", "--data", data, "--kind", "dot", "--quiet", "--epochs", "1", "--patience=-1", "--out", m); code != 0 {
		t.Fatalf("train: %s", stderr)
	}
	long := strings.Repeat("x", 20000)
	db := filepath.ToSlash(filepath.Join(dir, "r.db"))
	for _, args := range [][]string{
		{"predict", "--model", m, "--user", long, "--item", "a"},
		{"predict", "--model", m, "--user", "u1", "--item", long},
		{"recommend", "--model", m, "--user", long},
		{"recommend", "--model", m, "--rated", long + "=4"},
		{"recommend", "--model", m, "--rated", long + "=9"},
		{"recommend", "--model", m, "--rated", "a=4," + long},
		{"recommend", "--model", m, "--rated", "a=4,,b=" + long},
		{"similar", "--model", m, "--item", long},
		{"train", "--data", data, "--optimizer", long},
		{"train", "--data", data, "--kind", long},
		{"train", "--data", data, "--layers", long},
		{"train", "--data", data, "--columns", "user=" + long},
		{"train", "--data", "sqlite:" + db + "?query=SELECT " + strings.Repeat("1 AND ", 1000) + "; x"},
		{"train", "--data", "sqlite:" + db + "?query=SELECT " + long + " FROM t"},
	} {
		_, stderr, code := run(t, args...)
		if code != 2 || len(stderr) > 300 {
			t.Errorf("%s %s: exit %d, %d bytes: %.200s", args[0], args[len(args)-2], code, len(stderr), stderr)
		}
	}
}

// TestTimeColumnFlags: the --columns help lists every column name the
// reader knows; a time column that does not parse is an error naming the
// header's column and suggesting --columns time=none, which drops it.
func TestTimeColumnFlags(t *testing.T) {
	help, _, _ := run(t, "train", "--help")
	for _, n := range []string{"learnerid", "isbn", "stars", "unixtime", "date", "time=none"} {
		if !strings.Contains(help, n) {
			t.Errorf("train --help lacks %q", n)
		}
	}
	dir := t.TempDir()
	data := write(t, dir, "t.csv", "user,item,rating,date\nu1,a,4,2024-01-09\nu1,b,3,2024-01-10\nu2,a,5,2024-01-11\nu2,c,2,12:30\nu3,b,4,2024-01-12\nu3,c,1,2024-01-12\n")
	_, stderr, code := run(t, "train", "--data", data, "--quiet", "--epochs", "1", "--split", "1,0,0")
	if code != 2 || !strings.Contains(stderr, `t.csv:5: field "date"`) || !strings.Contains(stderr, "--columns time=none") {
		t.Errorf("bad time: exit %d: %s", code, stderr)
	}
	if _, stderr, code := run(t, "train", "--data", data, "--quiet", "--epochs", "1", "--split", "1,0,0", "--columns", "time=none"); code != 0 {
		t.Errorf("--columns time=none: exit %d: %s", code, stderr)
	}
}
