package dataset

import (
	"strings"
	"testing"
)

func TestRedact(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"ratings.csv", "ratings.csv"},
		{"sqlite:///a/b.db?table=t", "sqlite:///a/b.db?table=t"},
		{"postgres://ann@db:5432/r?table=t", "postgres://ann@db:5432/r?table=t"},
		{"postgres://ann:s3cr%40t@db:5432/r?table=t", "postgres://ann:xxxxx@db:5432/r?table=t"},
		{"postgres://ann:p@ss@db/r", "postgres://ann:xxxxx@db/r"},
		{"postgres:///r?host=/tmp&password=s3cret&sslmode=disable", "postgres:///r?host=/tmp&password=xxxxx&sslmode=disable"},
		{"postgres:///r?PassWord=s3cret", "postgres:///r?PassWord=xxxxx"},
		{"postgres://a:b@h/r?password=c&query=SELECT%201", "postgres://a:xxxxx@h/r?password=xxxxx&query=SELECT%201"},
		{"https://example.com/r.csv?passwordless=1", "https://example.com/r.csv?passwordless=1"},
		{"postgres://h/r?query=SELECT 'a:b@c'", "postgres://h/r?query=SELECT 'a:b@c'"},
		// A '/' left unescaped in the password, and an escaped key: both
		// are what pgx reads as the password.
		{"postgres://ann:Hun/ter2@host/db", "postgres://ann:xxxxx@host/db"},
		{"postgres:///r?pass%77ord=Hunter2&sslmode=disable", "postgres:///r?pass%77ord=xxxxx&sslmode=disable"},
		// An unescaped '#' or '?' in the password, which the URL parser
		// refuses: its error names the source through Redact.
		{"postgres://ann:se#cret@db/shop", "postgres://ann:xxxxx@db/shop"},
		{"postgres://ann:se?cret@db/shop", "postgres://ann:xxxxx@db/shop"},
		{"postgres://ann:se?cret@db/shop?table=t", "postgres://ann:xxxxx@db/shop?table=t"},
		{"postgres://db:5432/r?table=t@x", "postgres://db:5432/r?table=t@x"},
	} {
		if got := Redact(c.in); got != c.want {
			t.Errorf("Redact(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestSourceNameRedacts(t *testing.T) {
	if got, want := SourceName("postgres://u:hunter2@h/db"), "postgres://u:xxxxx@h/db"; got != want {
		t.Errorf("SourceName = %q, want %q", got, want)
	}
}

// FuzzRedact checks that a password in the user part or in password= is
// gone from the redacted URL, and that Redact is idempotent.
func FuzzRedact(f *testing.F) {
	for _, pw := range []string{"s3cret", "p:w", "%40x", "xx xx"} {
		f.Add(pw)
	}
	f.Fuzz(func(t *testing.T, pw string) {
		const redacted = "postgres://ann:xxxxx@host/db?password=xxxxx"
		src := "postgres://ann:" + pw + "@host/db?password=" + pw
		got := Redact(src)
		if Redact(got) != got {
			t.Errorf("Redact(%q) = %q, redacted again %q", src, got, Redact(got))
		}
		if pw == "" || strings.ContainsAny(pw, "@&=") || strings.Contains(redacted, pw) {
			return
		}
		if got != redacted {
			t.Errorf("Redact(%q) = %q, want %q", src, got, redacted)
		}
	})
}
