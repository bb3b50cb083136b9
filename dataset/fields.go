package dataset

// Splitting a record into fields, and reading a rating.

import (
	"bytes"
	"errors"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/recnet/recnet/internal/quote"
)

// splitFields cuts line at sep into at most len(out) fields, trimmed, and
// returns how many it found.
func splitFields(line, sep []byte, out [][]byte) int {
	for n := range out {
		f, rest, ok := bytes.Cut(line, sep)
		out[n] = trimBlank(f)
		if !ok {
			return n + 1
		}
		line = rest
	}
	return len(out)
}

// splitFields1 is splitFields for a one-byte separator: one pass over
// short fields, without a call per field.
func splitFields1(line []byte, sep byte, out [][]byte) int {
	i := 0
	for n := range out {
		j := i
		for j < len(line) && line[j] != sep {
			j++
		}
		out[n] = trimBlank(line[i:j])
		if j == len(line) {
			return n + 1
		}
		i = j + 1
	}
	return len(out)
}

// trimBlank removes spaces and tabs around b.
func trimBlank(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// splitQuoted splits a CSV record that has a quote into its first want
// fields in p.fields, reading more lines while a quoted field is open
// (RFC 4180 fields may hold line breaks), and returns how many it found.
func (p *ratingParser) splitQuoted(line []byte, want int) (nf int, err error) {
	start := p.line
	p.rec = append(p.rec[:0], line...)
	for {
		var open int
		nf, open, err = p.splitRecord(p.rec, start, want)
		if err != nil {
			return 0, err
		}
		if open < 0 {
			break
		}
		next, err := p.readLine()
		if err == io.EOF {
			return 0, p.errorf(start, p.fieldName(open), nil, "quoted field not closed")
		}
		if err != nil {
			return 0, err
		}
		if len(p.rec) > maxLineLen {
			return 0, p.errorf(start, p.fieldName(open), nil, "quoted field longer than %d bytes", maxLineLen)
		}
		p.rec = append(p.rec, '\n')
		p.rec = append(p.rec, next...)
	}
	kept := min(nf, want)
	if want == math.MaxInt {
		p.fields = growFields(p.fields, kept)
	}
	for k := range min(kept, len(p.fields)) {
		p.fields[k] = p.fbuf[p.fpos[k][0]:p.fpos[k][1]]
	}
	return min(nf, len(p.fields)), nil
}

// splitRecord splits rec at commas outside quotes. It keeps the first want
// fields, unquoted, in p.fbuf and returns the number of fields, or the
// index of a quoted field that is still open at the end of rec.
func (p *ratingParser) splitRecord(rec []byte, line, want int) (nf, open int, err error) {
	p.fbuf = p.fbuf[:0]
	p.fpos = p.fpos[:0]
	i := 0
	for f := 0; ; f++ {
		keep := f < want
		from := len(p.fbuf)
		j := i
		for j < len(rec) && (rec[j] == ' ' || rec[j] == '\t') {
			j++
		}
		if j < len(rec) && rec[j] == '"' {
			i = j + 1
			for {
				q := bytes.IndexByte(rec[i:], '"')
				if q < 0 {
					return 0, f, nil
				}
				if keep {
					p.fbuf = append(p.fbuf, rec[i:i+q]...)
				}
				i += q + 1
				if i < len(rec) && rec[i] == '"' { // a doubled quote
					if keep {
						p.fbuf = append(p.fbuf, '"')
					}
					i++
					continue
				}
				break
			}
			for i < len(rec) && (rec[i] == ' ' || rec[i] == '\t') {
				i++
			}
			if i < len(rec) && rec[i] != ',' {
				return 0, -1, p.errorf(line, p.fieldName(f), nil, "unexpected %q after a closing quote", rec[i])
			}
		} else {
			end := len(rec)
			if k := bytes.IndexByte(rec[i:], ','); k >= 0 {
				end = i + k
			}
			if keep {
				p.fbuf = append(p.fbuf, trimBlank(rec[i:end])...)
			}
			i = end
		}
		if keep {
			p.fpos = append(p.fpos, [2]int{from, len(p.fbuf)})
		}
		if i >= len(rec) {
			return f + 1, -1, nil
		}
		i++ // the comma
	}
}

// pow10 holds the powers of ten that a float64 represents exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15}

// parseRating parses b as strconv.ParseFloat(b, 64) converted to float32
// would, and rejects NaN and values that are infinite as a float32. The
// error's Unwrap gives strconv.ErrSyntax when b is not a number at all.
func parseRating(b []byte) (float32, error) {
	// Fast path: [+-]digits[.digits] with at most 15 digits. The digits
	// and the power of ten are exact in a float64, so one division gives
	// the correctly rounded result, the same as ParseFloat.
	i, neg := 0, false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg, i = b[0] == '-', 1
	}
	var n uint64
	digits, frac := 0, -1
	for ; i < len(b); i++ {
		c := b[i]
		if c-'0' <= 9 {
			n = n*10 + uint64(c-'0')
			digits++
			if frac >= 0 {
				frac++
			}
			continue
		}
		if c != '.' || frac >= 0 {
			break
		}
		frac = 0
	}
	if i == len(b) && digits > 0 && digits < len(pow10) {
		f := float64(n)
		if frac > 0 {
			f /= pow10[frac]
		}
		if neg {
			f = -f
		}
		return float32(f), nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil && errors.Is(err, strconv.ErrSyntax) {
		return 0, &rowError{msg: quote.Short(b) + " is not a number", cause: shortNumError(err)}
	}
	v := float32(f)
	if err != nil || math.IsInf(float64(v), 0) {
		return 0, &rowError{msg: quote.Short(b) + " is out of range", cause: shortNumError(err)}
	}
	if v != v {
		return 0, &rowError{msg: quote.Short(b) + " is not a finite number"}
	}
	if bytes.ContainsFunc(b, func(r rune) bool { return !strings.ContainsRune("0123456789.+-eE", r) }) {
		// ParseFloat also reads 1_0 and hex floats.
		return 0, &rowError{msg: quote.Short(b) + " is not a plain decimal number (as 4, 3.5 or 4e0)", cause: strconv.ErrSyntax}
	}
	return v, nil
}

// shortNumError cuts the input a *strconv.NumError holds to what an error
// may quote, so that no one prints a huge field through it.
func shortNumError(err error) error {
	if ne, ok := err.(*strconv.NumError); ok && len(ne.Num) > quote.Max {
		c := *ne
		c.Num = quote.Cut(ne.Num, quote.Max) + "..."
		return &c
	}
	return err
}
