package server

import (
	"math/rand/v2"
	"net/url"
	"strings"
	"testing"
)

// TestQueryPair checks queryPair accepts and rejects what url.ParseQuery
// does, with the same error and the same first values, on hand-picked and
// random query strings.
func TestQueryPair(t *testing.T) {
	cases := []string{
		"", "user=ann", "user=ann&k=3", "k=3&user=ann&user=bob", "user=&user=bob", "user", "=x&user=a",
		"user=a%20b+c", "us%65r=x", "user=%zz", "user=a;k=3", "k=1&user=a%2", "&&user=a&&", "user=a=b",
		strings.Repeat("x=1&", 70) + "user=far", strings.Repeat("&", 20000),
	}
	rng := rand.New(rand.NewPCG(11, 12))
	tokens := []string{"user", "k", "us", "er", "=", "=", "&", "&", ";", "%", "%2", "%41", "%zz", "+", "a", "1"}
	for range 5000 {
		var b strings.Builder
		for range rng.IntN(10) {
			b.WriteString(tokens[rng.IntN(len(tokens))])
		}
		cases = append(cases, b.String())
	}
	for _, raw := range cases {
		ga, gb, gerr := queryPair(raw, "user", "k")
		q, werr := url.ParseQuery(raw)
		if (gerr == nil) != (werr == nil) || (gerr != nil && gerr.Error() != werr.Error()) {
			t.Errorf("%q: error %v, want %v", raw, gerr, werr)
			continue
		}
		if werr == nil && (ga != q.Get("user") || gb != q.Get("k")) {
			t.Errorf("%q: got %q, %q; want %q, %q", raw, ga, gb, q.Get("user"), q.Get("k"))
		}
	}
}
