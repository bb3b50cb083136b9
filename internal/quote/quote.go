package quote

import (
	"strconv"
	"unicode/utf8"
)

// Max is how many bytes of a value Short quotes.
const Max = 80

// Short returns s quoted as strconv.Quote does, or, when s is longer than
// Max bytes, its first Max bytes (cut at the start of a character)
// quoted and followed by "... (N bytes)".
func Short[T string | []byte](s T) string {
	if len(s) <= Max {
		return strconv.Quote(string(s))
	}
	k := Max
	for k > 0 && !utf8.RuneStart(s[k]) {
		k--
	}
	return strconv.Quote(string(s[:k])) + "... (" + strconv.Itoa(len(s)) + " bytes)"
}
