package sqlsrc

import (
	"net/url"
	"testing"
)

func TestQueryOf(t *testing.T) {
	for _, tc := range []struct{ raw, query, rest, err string }{
		{"", `SELECT * FROM "ratings"`, "", ""},
		{"table=r", `SELECT * FROM "r"`, "", ""},
		{"table=a%22b&sslmode=off", `SELECT * FROM "a""b"`, "sslmode=off", ""},
		{"query=SELECT+u,i,r+FROM+t&x=1", "SELECT u,i,r FROM t", "x=1", ""},
		{"query=SELECT 1%2B1", "SELECT 1+1", "", ""},
		{"query=&table=t", "", "", "give query= or table=, not both"},
		{"query=+", "", "", "empty query="},
		{"table=", "", "", "empty table="},
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
