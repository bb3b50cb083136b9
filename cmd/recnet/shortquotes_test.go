package main

import (
	"errors"
	"strings"
	"testing"

	"github.com/recnet/recnet/internal/quote"
)

// TestShortQuotesOnce: a value a library quoted short already (its escapes
// may make it long in characters) is left as it is, not cut a second time;
// a long quoted value and a long unquoted path are cut once.
func TestShortQuotesOnce(t *testing.T) {
	binary := quote.Short(strings.Repeat("\x05", 200))
	cases := []struct {
		name, in string
		want     func(string) bool
	}{
		{"already short", "field " + binary + " is bad", func(m string) bool { return m == "field "+binary+" is bad" }},
		{"long quoted", `--dim "` + strings.Repeat("9", 20000) + `": bad`, func(m string) bool {
			return len(m) < 200 && strings.Count(m, "bytes)") == 1
		}},
		{"long path", "open /" + strings.Repeat("d", 20000) + ": no such file", func(m string) bool {
			return len(m) < 200 && strings.Count(m, "bytes)") == 1 && strings.HasSuffix(m, ": no such file")
		}},
	}
	for _, c := range cases {
		if got := (shortQuotes{errors.New(c.in)}).Error(); !c.want(got) {
			t.Errorf("%s: %q", c.name, got)
		}
	}
}
