package sqlsrc

import (
	"net/url"
	"strings"
	"testing"
)

func TestQueryOf(t *testing.T) {
	for _, tc := range []struct{ raw, query, rest, err string }{
		{"", `SELECT * FROM "ratings"`, "", ""},
		{"table=r", `SELECT * FROM "r"`, "", ""},
		{"table=r_2&sslmode=off", `SELECT * FROM "r_2"`, "sslmode=off", ""},
		{"query=SELECT%20u,i,r%20FROM%20t&x=1", "SELECT u,i,r FROM t", "x=1", ""},
		{"query=SELECT u+1,i,r FROM t", "SELECT u+1,i,r FROM t", "", ""}, // "+" is a plus
		{"query=SELECT 1%2B1", "SELECT 1+1", "", ""},
		{"query=&table=t", "", "", "give query= or table=, not both"},
		{"query=%20", "", "", "empty query="},
		{"table=", "", "", "empty table="},
		// A ";" is kept, not taken for a separator that drops the pair.
		{"query=SELECT u,i,r FROM t WHERE r>4;", "SELECT u,i,r FROM t WHERE r>4;", "", ""},
		{"query=SELECT u,i,r FROM t WHERE r>4%3B", "SELECT u,i,r FROM t WHERE r>4;", "", ""},
		{"query=SELECT ';' AS u,i,r FROM t", "SELECT ';' AS u,i,r FROM t", "", ""},
		{"a=1;b=2&table=t", `SELECT * FROM "t"`, "a=1;b=2", ""},
	} {
		u := &url.URL{Scheme: "x", Path: "/db", RawQuery: tc.raw}
		q, err := QueryOf(u)
		switch {
		case tc.err != "" && (err == nil || err.Error() != tc.err):
			t.Errorf("%q: error %v, want %q", tc.raw, err, tc.err)
		case tc.err == "" && (err != nil || q != tc.query || u.RawQuery != tc.rest):
			t.Errorf("%q: %q, rest %q, %v; want %q, rest %q", tc.raw, q, u.RawQuery, err, tc.query, tc.rest)
		}
	}
}

// TestQueryOfRefuses lists query strings that must be refused, not read
// as some other query.
func TestQueryOfRefuses(t *testing.T) {
	for _, tc := range []struct{ raw, err string }{
		{"table=a%22b", "not a plain identifier"},
		{"table=r;DROP TABLE r", "not a plain identifier"},
		{"table=main.r", "not a plain identifier"},
		{"table=1r", "not a plain identifier"},
		{"table=r r", "not a plain identifier"},
		{"query=SELECT 1%zz", "invalid URL escape"},
		{"query=SELECT 1%00", "NUL"},
		{"query=SELECT u,i,r FROM t WHERE 1%00 AND 0", "NUL"},
		{"query=SELECT 1&query=SELECT 2", "query= given twice"},
		{"table=a&table=b", "table= given twice"},
		{"query=ATTACH 'v.db' AS v%3B DELETE FROM v.ratings%3B SELECT user,item,rating FROM ratings", "one SELECT statement"},
		{"query=SELECT 1%3B SELECT 2", "one SELECT statement"},
		{"query=SELECT 1%3B DELETE FROM t", "one SELECT statement"},
		{"query=SELECT 1 %3B%3B", "one SELECT statement"},
		{"query=VACUUM INTO '/tmp/x.db'", "one SELECT statement"},
		{"query=PRAGMA query_only=0", "one SELECT statement"},
		{"query=DELETE FROM t RETURNING u,i,r", "one SELECT statement"},
		{"query=INSERT INTO t VALUES (1,2,3) RETURNING u,i,r", "one SELECT statement"},
		{"query=SELECT 'a", "unterminated"},
		{`query=SELECT "a`, "unterminated"},
		{"query=SELECT 1 /* x", "unterminated"},
	} {
		u := &url.URL{Scheme: "x", Path: "/db", RawQuery: tc.raw}
		q, err := QueryOf(u)
		if err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%q: %q, %v; want an error with %q", tc.raw, q, err, tc.err)
		}
	}
}

func TestCheckSelect(t *testing.T) {
	for _, ok := range []string{
		"SELECT 1",
		"  select u, i, r FROM t;  ",
		"SELECT 1; -- done\n",
		"SELECT 1 /* ; */",
		"WITH x AS (SELECT 1) SELECT * FROM x",
		"VALUES (1, 2, 3)",
		"-- comment\nSELECT 'it''s;' AS \"a;\", [b;], `c;`",
	} {
		if err := CheckSelect(ok); err != nil {
			t.Errorf("CheckSelect(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", ";", "SELECT 1;SELECT 2", "SELECT 1; x", "EXPLAIN SELECT 1", "ATTACH 'x' AS y", "SELECT 'a''", "SELECT [a"} {
		if err := CheckSelect(bad); err == nil {
			t.Errorf("CheckSelect(%q) accepted", bad)
		}
	}
}
