package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/recnet/recnet/internal/quote"
)

// checkKeys returns an error naming the first key that an object of the
// JSON document b repeats: encoding/json keeps the last of them silently,
// so {"ratings":{"go":4,"go":3}} would rate go 3. Keys are compared as
// decoded ("\u0067o" is "go"). It walks the tokens without recursion, so
// nesting costs memory in proportion to the (bounded) body only. A syntax
// error ends the walk without an error: the decoding that follows reports
// it.
//
// encoding/json also matches a field name ignoring case ("K" and the
// Kelvin sign fill the field k), so a key of the top-level object must be
// one of fields exactly; deeper keys (ids in a map) are compared exactly.
func checkKeys(b []byte, fields ...string) error {
	type level struct {
		keys map[string]bool // nil in an array
		key  bool            // the next token is a key
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	var st []level
	for {
		t, err := dec.Token()
		if err != nil {
			return nil
		}
		if n := len(st); n > 0 && st[n-1].key {
			if k, ok := t.(string); ok {
				if st[n-1].keys[k] {
					return fmt.Errorf("key %s given twice in an object", quote.Short(k))
				}
				if n == 1 && !slices.Contains(fields, k) {
					return fmt.Errorf("unknown field %s: the fields are %s (case-sensitive)", quote.Short(k), strings.Join(fields, ", "))
				}
				st[n-1].keys[k], st[n-1].key = true, false
				continue
			}
		}
		switch t {
		case json.Delim('{'):
			st = append(st, level{keys: map[string]bool{}, key: true})
			continue
		case json.Delim('['):
			st = append(st, level{})
			continue
		case json.Delim('}'), json.Delim(']'):
			st = st[:len(st)-1]
		}
		// A value has ended: the object around it wants a key next.
		if n := len(st); n == 0 {
			return nil
		} else if st[n-1].keys != nil {
			st[n-1].key = true
		}
	}
}

// shortMessage cuts an error message that may hold a value from the
// request (json's "unknown field" names it) to a few quoted lengths.
func shortMessage(s string) string {
	if c := quote.Cut(s, 3*quote.Max); len(c) < len(s) {
		return c + "..."
	}
	return s
}
