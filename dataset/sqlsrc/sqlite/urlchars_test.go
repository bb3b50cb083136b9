package sqlite

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/recnet/recnet/dataset"
)

// TestQueryCharsKept checks that no character of query= is lost: a "+" is
// a plus (not a space), and a "#" (which would start a fragment and cut
// the query) or a NUL (%00, which would end the SQL text) is refused. The
// fixture has 3 rows, two of them with a rating above 4.
func TestQueryCharsKept(t *testing.T) {
	_, src, _ := readOnlyFixture(t)
	for _, tc := range []struct {
		query string
		rows  int    // rows loaded, when err is ""
		err   string // part of the error
	}{
		{"SELECT user,item,rating FROM ratings WHERE 'a+b' = 'a b'", 0, "no rating rows"},
		{"SELECT user,item,rating FROM ratings WHERE 'a+b' = 'a%2Bb'", 3, ""},
		{"SELECT user,item,rating FROM ratings WHERE rating+1 > 5", 2, ""},
		{"SELECT user,item,rating FROM ratings WHERE rating>4 #AND rating>99", 0, `"#"`},
		{"SELECT user,item,rating FROM ratings WHERE rating>4#", 0, `"#"`},
		{"SELECT user,item,rating FROM ratings WHERE rating>4 %23AND rating>99", 0, "syntax error"},
		{"SELECT user,item,rating FROM ratings WHERE rating>4%00 AND 0", 0, "NUL"},
		{"SELECT user,item,rating FROM ratings WHERE rating>4 AND 0%00", 0, "NUL"},
	} {
		d, err := dataset.Load(context.Background(), src+"?query="+tc.query, dataset.Options{})
		switch {
		case tc.err == "" && (err != nil || d.Len() != tc.rows):
			t.Errorf("%s: %v, %v; want %d rows", tc.query, d, err, tc.rows)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			n := -1
			if d != nil {
				n = d.Len()
			}
			t.Errorf("%s: %d rows, %v; want an error with %s", tc.query, n, err, tc.err)
		}
	}
}

// TestParseRefuses lists URLs whose query or path would lose characters.
func TestParseRefuses(t *testing.T) {
	for _, tc := range []struct{ src, err string }{
		{"sqlite:r.db?query=SELECT 1#x", `"#"`},
		{"sqlite:r.db#x", `"#"`},
		{"sqlite:r.db?table=ratings#", `"#"`},
		{"sqlite:r.db?query=SELECT 1%00", "NUL"},
		{"sqlite:r%00.db", "NUL"},
		{"sqlite:///a%00/r.db", "NUL"},
		{"sqlite:r.db?table=r%00", "NUL"},
	} {
		if p, q, err := Parse(tc.src); err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("Parse(%q) = %q, %q, %v; want an error with %s", tc.src, p, q, err, tc.err)
		}
	}
	for _, tc := range []struct{ src, query string }{
		{"sqlite:r.db?query=SELECT 1+1", "SELECT 1+1"},
		{"sqlite:r.db?query=SELECT 1%2B1", "SELECT 1+1"},
		{"sqlite:r.db?query=SELECT%201", "SELECT 1"},
	} {
		if _, q, err := Parse(tc.src); err != nil || q != tc.query {
			t.Errorf("Parse(%q) = %q, %v; want %q", tc.src, q, err, tc.query)
		}
	}
}

// escape writes s for query= or table=: url.QueryEscape with spaces as
// %20, since a "+" is a plus.
func escape(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }
