package sqlsrc

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// params holds the query= and table= parameters of a source URL and the
// other pairs, as written.
type params struct {
	query, table       string
	hasQuery, hasTable bool
	rest               []string
}

// splitParams splits a URL's raw query at "&" only, so that a ";" stays
// part of its value (url.ParseQuery drops a pair holding one), and
// unescapes query= and table= as a path is unescaped: "%XX" is a byte and
// "+" is a plus, not a space (a source URL is not a submitted form, and
// "+" in SQL is an operator or text). A bad escape, a NUL byte (%00, which
// would end the SQL text early) or a repeated query= or table= is an
// error.
func splitParams(raw string) (params, error) {
	var p params
	for pair := range strings.SplitSeq(raw, "&") {
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		key, err := url.PathUnescape(k)
		if err != nil {
			return p, err
		}
		var dst *string
		var has *bool
		switch key {
		case "query":
			dst, has = &p.query, &p.hasQuery
		case "table":
			dst, has = &p.table, &p.hasTable
		default:
			p.rest = append(p.rest, pair)
			continue
		}
		if *has {
			return p, fmt.Errorf("%s= given twice", key)
		}
		if *dst, err = url.PathUnescape(v); err != nil {
			return p, fmt.Errorf("%s=: %w", key, err)
		}
		if strings.IndexByte(*dst, 0) >= 0 {
			return p, fmt.Errorf("%s= holds a NUL byte (%%00)", key)
		}
		*has = true
	}
	return p, nil
}

// IsIdentifier reports whether s is a plain SQL identifier: a letter or
// "_", then letters, digits and "_" (ASCII).
func IsIdentifier(s string) bool {
	for k, c := range []byte(s) {
		if !(c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || k > 0 && '0' <= c && c <= '9') {
			return false
		}
	}
	return s != ""
}

// errNotSelect is the error of CheckSelect for anything but one query.
var errNotSelect = errors.New("query= must be one SELECT statement (SELECT, WITH or VALUES, then at most a final \";\")")

// CheckSelect checks that query is one statement that starts with SELECT,
// WITH or VALUES, followed by at most one ";" and then only spaces and
// comments. It reads quotes and comments by SQLite's rules ('...', "...",
// `...`, [...], -- and /* */), and refuses one that is not closed. It is
// a guard against a second statement, not a proof that the query only
// reads: a WITH can still lead to an INSERT, which the connection must
// refuse (package sqlsrc/sqlite installs an authorizer that does).
func CheckSelect(query string) error {
	first, semi := "", false
	for k := 0; k < len(query); {
		c := query[k]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			k++
			continue
		case c == '-' && strings.HasPrefix(query[k:], "--"):
			if n := strings.IndexByte(query[k:], '\n'); n >= 0 {
				k += n + 1
			} else {
				k = len(query)
			}
			continue
		case c == '/' && strings.HasPrefix(query[k:], "/*"):
			n := strings.Index(query[k+2:], "*/")
			if n < 0 {
				return errors.New("query=: unterminated /* comment")
			}
			k += n + 4
			continue
		}
		if semi { // a token after the ";"
			return errNotSelect
		}
		switch c {
		case ';':
			semi = true
			k++
			continue
		case '\'', '"', '`', '[':
			end := c
			if c == '[' {
				end = ']'
			}
			n := closing(query[k+1:], end)
			if n < 0 {
				return fmt.Errorf("query=: unterminated %c", c)
			}
			k += n + 2
		default:
			n := k + 1
			for n < len(query) && isWordByte(query[n]) && isWordByte(c) {
				n++
			}
			if first == "" {
				first = query[k:n]
			}
			k = n
		}
		if first == "" {
			first = "?"
		}
	}
	switch strings.ToUpper(first) {
	case "SELECT", "WITH", "VALUES":
		return nil
	}
	return errNotSelect
}

// closing returns the index in s of the quote end that closes a quoted
// token, a doubled quote standing for itself (except after "["), or -1.
func closing(s string, end byte) int {
	for k := 0; k < len(s); k++ {
		if s[k] != end {
			continue
		}
		if end != ']' && k+1 < len(s) && s[k+1] == end {
			k++
			continue
		}
		return k
	}
	return -1
}

func isWordByte(c byte) bool {
	return c == '_' || c == '$' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c >= 0x80
}
