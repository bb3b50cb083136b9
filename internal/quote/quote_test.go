package quote_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/recnet/recnet/internal/quote"
)

func TestShort(t *testing.T) {
	cases := []struct {
		in, want string
	}{
		{"", `""`},
		{"abc", `"abc"`},
		{"a\nb", `"a\nb"`},
		{strings.Repeat("x", quote.Max), `"` + strings.Repeat("x", quote.Max) + `"`},
		{strings.Repeat("x", 20000), `"` + strings.Repeat("x", quote.Max) + `"... (20000 bytes)`},
		{strings.Repeat("x", quote.Max-1) + "é" + "yy", `"` + strings.Repeat("x", quote.Max-1) + `"... (83 bytes)`},
	}
	for _, c := range cases {
		if got := quote.Short(c.in); got != c.want {
			t.Errorf("Short(%.20q) = %s, want %s", c.in, got, c.want)
		}
		if got := quote.Short([]byte(c.in)); got != c.want {
			t.Errorf("Short([]byte(%.20q)) = %s, want %s", c.in, got, c.want)
		}
	}
}

func ExampleShort() {
	fmt.Println(quote.Short("C1\n"))
	fmt.Println(quote.Short(strings.Repeat("ab", 1000)))
	// Output:
	// "C1\n"
	// "abababababababababababababababababababababababababababababababababababababababab"... (2000 bytes)
}

func TestCut(t *testing.T) {
	cases := []struct {
		in   string
		n    int
		want string
	}{
		{"", 3, ""},
		{"abc", 3, "abc"},
		{"abcd", 3, "abc"},
		{"abcd", 0, ""},
		{"abcd", -1, ""},
		{"aé", 2, "a"},
		{"aé", 3, "aé"},
		{"日本", 5, "日"},
		{"日本", 2, ""},
	}
	for _, c := range cases {
		if got := quote.Cut(c.in, c.n); got != c.want {
			t.Errorf("Cut(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
		if got := string(quote.Cut([]byte(c.in), c.n)); got != c.want {
			t.Errorf("Cut([]byte(%q), %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
}
