package quote

import (
	"strconv"
	"unicode/utf8"
)

// Max is how many bytes of a value Short quotes.
const Max = 80

// Cut returns s when it is at most n bytes long, or else its longest
// prefix of at most n bytes that does not cut a character.
func Cut[T string | []byte](s T, n int) T {
	if len(s) <= n {
		return s
	}
	k := max(n, 0)
	for k > 0 && !utf8.RuneStart(s[k]) {
		k--
	}
	return s[:k]
}

// Short returns s quoted as strconv.Quote does, or, when s is longer than
// Max bytes, its first Max bytes (cut at the start of a character)
// quoted and followed by "... (N bytes)".
func Short[T string | []byte](s T) string {
	if len(s) <= Max {
		return strconv.Quote(string(s))
	}
	return strconv.Quote(string(Cut(s, Max))) + "... (" + strconv.Itoa(len(s)) + " bytes)"
}
