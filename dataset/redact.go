package dataset

import (
	"net/url"
	"strings"
)

// Redacted stands for a password that Redact removed.
const Redacted = "xxxxx"

// Redact returns src with any password in it replaced by Redacted: the
// one after the user name of a URL ("postgres://user:secret@host/db") and
// the value of a password= parameter (any case) of its query. Anything
// else is returned as it is. Sources are named through it (see SourceName),
// so that a password given in a URL is never printed back.
func Redact(src string) string {
	k := strings.Index(src, "://")
	if k < 0 {
		return src
	}
	var b strings.Builder
	rest := src[k+3:]
	b.WriteString(src[:k+3])
	// The user part ends at the last '@' before the query: a password
	// may hold an unescaped '/' or '#' that a parser would take for the
	// path or a fragment. A password holding an unescaped '?' leaves no
	// '@' before the first '?': then the query starts at its first '='
	// instead, and the user part ends at the last '@' before the first '?'
	// after an '@' before it (where it ends once redacted).
	at := lastAtBefore(rest, strings.IndexByte(rest, '?'))
	if at < 0 {
		if at = lastAtBefore(rest, strings.IndexByte(rest, '=')); at >= 0 {
			if q := strings.IndexByte(rest[at:], '?'); q >= 0 {
				at = lastAtBefore(rest, at+q)
			} else {
				at = strings.LastIndexByte(rest, '@')
			}
		}
	}
	if at >= 0 {
		if colon := strings.IndexByte(rest[:at], ':'); colon >= 0 {
			b.WriteString(rest[:colon+1])
			b.WriteString(Redacted)
			rest = rest[at:]
		}
	}
	q := strings.IndexByte(rest, '?')
	if q < 0 {
		b.WriteString(rest)
		return b.String()
	}
	b.WriteString(rest[:q+1])
	for n, pair := range strings.Split(rest[q+1:], "&") {
		if n > 0 {
			b.WriteByte('&')
		}
		if key, _, ok := strings.Cut(pair, "="); ok && strings.EqualFold(unescape(key), "password") {
			pair = key + "=" + Redacted
		}
		b.WriteString(pair)
	}
	return b.String()
}

// lastAtBefore returns the position of the last '@' of s before end
// (end < 0: in all of s), or -1.
func lastAtBefore(s string, end int) int {
	if end < 0 {
		end = len(s)
	}
	return strings.LastIndexByte(s[:end], '@')
}

// unescape returns a query key as a URL parser reads it ("pass%77ord" is
// "password"), or key itself when it is not well escaped.
func unescape(key string) string {
	if k, err := url.QueryUnescape(key); err == nil {
		return k
	}
	return key
}
