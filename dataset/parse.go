package dataset

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"strconv"
	"strings"
)

// ParseError reports a bad row of a ratings table: the file (or URL), the
// physical line (1-based, counting the header and blank lines, so it is the
// line an editor shows) and the field ("user", "item", "rating", or
// "column N" for a badly quoted extra column). For a RowSource (a SQL
// query, a Parquet file) Row is set instead of Line, and Field is the
// name of the column.
type ParseError struct {
	File  string
	Line  int
	Row   int
	Field string
	Err   error
}

// Error returns e.g. `dataset: ratings.csv:12: field "rating": "abc" is not
// a number`, or `dataset: r.parquet: row 12: field "score": NULL`.
func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString("dataset: ")
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(e.Line))
	}
	if e.Row > 0 {
		b.WriteString(": row ")
		b.WriteString(strconv.Itoa(e.Row))
	}
	if e.Field != "" {
		b.WriteString(": field ")
		b.WriteString(strconv.Quote(e.Field))
	}
	b.WriteString(": ")
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	} else {
		b.WriteString("bad row")
	}
	return b.String()
}

// Unwrap returns the cause, so errors.Is and errors.As see through e.
func (e *ParseError) Unwrap() error { return e.Err }

// rowError is the Err of a ParseError: a message with an optional cause
// (such as a *strconv.NumError) that it wraps without printing.
type rowError struct {
	msg   string
	cause error
}

func (e *rowError) Error() string { return e.msg }
func (e *rowError) Unwrap() error { return e.cause }

// Read reads a ratings table from r; name is used in errors and as
// Dataset.Name (opt.Client is not used).
//
// The first three fields of a row are user, item and rating; further fields
// (such as a timestamp) are ignored. Fields are separated as opt.Format
// says: CSV (commas, RFC 4180 quoting, which may span lines), TSV (tabs) or
// MovieLens ratings.dat ("::"); FormatAuto picks one from the first
// non-blank line. Spaces and tabs around a field are trimmed. The first row
// is a header, and skipped, when its rating field is not a number; on any
// later row that is an error. A leading UTF-8 byte order mark, CRLF line
// ends and blank lines are accepted, and a gzip stream is decompressed.
//
// Ids are kept raw and get inner ids in order of first appearance. Ratings
// are parsed as float64 and stored as float32; NaN and infinities are
// errors. A repeated (user,item) row replaces the rating of the first one
// and is counted in Dataset.Duplicates. A bad row is a *ParseError; a table
// without rows is an error too.
//
// A binary format registered with RegisterFormat (FormatParquet, once
// package dataset/parquetsrc is imported) is read from r as a whole: from
// r itself when it is an io.ReaderAt that knows its size (*os.File,
// *bytes.Reader), otherwise from a copy in memory.
func Read(r io.Reader, name string, opt Options) (*Dataset, error) {
	users, items := &IDMap{}, &IDMap{}
	rows, err := readAny(context.Background(), r, name, opt.Format, readerSize(r), users, items)
	if err != nil {
		return nil, err
	}
	d := &Dataset{Name: name, Users: users, Items: items, Ratings: rows}
	d.Duplicates = dedup(&d.Ratings)
	return d, nil
}

// readerSize returns how many bytes r holds, when r can tell, or 0.
func readerSize(r io.Reader) int64 {
	switch v := r.(type) {
	case interface{ Len() int }: // bytes.Reader, strings.Reader, bytes.Buffer
		return int64(v.Len())
	case interface{ Stat() (fs.FileInfo, error) }: // *os.File
		if fi, err := v.Stat(); err == nil && fi.Mode().IsRegular() {
			return fi.Size()
		}
	}
	return 0
}

const (
	readBufSize = 1 << 20 // bufio buffer: most lines are sliced from it
	maxLineLen  = 1 << 26 // a longer line (or quoted record) is an error
	checkEvery  = 1 << 16 // rows between context checks
	estimateAt  = 1 << 12 // rows read before the column capacity is estimated
)

var ratingFields = [3]string{"user", "item", "rating"}

// fieldName names field f (0-based) of a row.
func fieldName(f int) string {
	if f < len(ratingFields) {
		return ratingFields[f]
	}
	return fmt.Sprintf("column %d", f+1)
}

// bufSizeFor returns the read buffer size for an input of size bytes (0
// if unknown): readBufSize, or less for a small input.
func bufSizeFor(size int64) int {
	if size > 0 && size < readBufSize {
		return max(int(size)+1, 4096)
	}
	return readBufSize
}

// readRatings parses a table from r into rows whose ids are added to users
// and items. size is the expected byte count of r, or 0 if unknown.
func readRatings(ctx context.Context, r io.Reader, name string, f Format, size int64, users, items *IDMap) (Ratings, error) {
	f, err := ParseFormat(string(f))
	if err != nil {
		return Ratings{}, err
	}
	if name == "" {
		name = "input"
	}
	p := &ratingParser{ctx: ctx, name: name, format: f, size: size, users: idCache{m: users}, items: idCache{m: items}}
	p.br = bufio.NewReaderSize(r, bufSizeFor(size))
	if magic, _ := p.br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(p.br)
		if err != nil {
			return Ratings{}, fmt.Errorf("dataset: %s: %w", name, err)
		}
		defer gz.Close()
		p.br = bufio.NewReaderSize(gz, readBufSize)
		p.size = 0
	}
	if bom, _ := p.br.Peek(3); bytes.Equal(bom, []byte("\ufeff")) {
		p.br.Discard(3)
	}
	if err := p.run(); err != nil {
		return Ratings{}, err
	}
	if p.rows.Len() == 0 {
		return Ratings{}, fmt.Errorf("dataset: %s: no rating rows", name)
	}
	return p.rows, nil
}

// ratingParser reads rows line by line from a bufio.Reader.
type ratingParser struct {
	ctx          context.Context
	name         string
	format       Format
	br           *bufio.Reader
	users, items idCache
	rows         Ratings

	sep    []byte // field separator, chosen from the first non-blank line
	quotes bool   // fields may be quoted (CSV)
	header bool   // the first row has been seen (it may be a header)

	line  int   // physical number of the last line read
	read  int64 // bytes read so far, for the row estimate
	size  int64 // bytes expected in all, or 0
	ticks int   // rows since the last context check

	long []byte    // a line longer than the bufio buffer
	rec  []byte    // a quoted record, possibly spanning lines
	fbuf []byte    // unquoted bytes of the first three fields of rec
	fpos [3][2]int // their bounds in fbuf

	lastUser []byte // raw id of the previous row's user
	lastUID  int32
}

// readLine returns the next physical line without its line ending. The
// slice is valid until the next call. At the end it returns io.EOF.
func (p *ratingParser) readLine() ([]byte, error) {
	b, err := p.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		p.long = append(p.long[:0], b...)
		for err == bufio.ErrBufferFull {
			if len(p.long) > maxLineLen {
				return nil, &ParseError{File: p.name, Line: p.line + 1, Err: fmt.Errorf("line longer than %d bytes", maxLineLen)}
			}
			b, err = p.br.ReadSlice('\n')
			p.long = append(p.long, b...)
		}
		b = p.long
	}
	if err != nil && err != io.EOF {
		return nil, p.readErr(err)
	}
	if len(b) == 0 {
		return nil, io.EOF
	}
	p.line++
	p.read += int64(len(b))
	if b[len(b)-1] == '\n' {
		b = b[:len(b)-1]
	}
	if len(b) > 0 && b[len(b)-1] == '\r' {
		b = b[:len(b)-1]
	}
	return b, nil
}

func (p *ratingParser) readErr(err error) error {
	if cerr := p.ctx.Err(); cerr != nil {
		err = cerr
	}
	return fmt.Errorf("dataset: %s: reading after line %d: %w", p.name, p.line, err)
}

func (p *ratingParser) errorf(line int, field string, cause error, format string, args ...any) error {
	return &ParseError{File: p.name, Line: line, Field: field, Err: &rowError{msg: fmt.Sprintf(format, args...), cause: cause}}
}

// sniff picks the separator from the first non-blank line.
func (p *ratingParser) sniff(line []byte) {
	dat := bytes.Contains(line, []byte("::"))
	switch {
	case p.format == FormatCSV:
		p.sep, p.quotes = []byte{','}, true
	case p.format == FormatTSV:
		p.sep = []byte{'\t'}
	case dat:
		p.sep = []byte("::")
	case p.format == FormatMovieLens || bytes.IndexByte(line, '\t') >= 0:
		p.sep = []byte{'\t'}
	default:
		p.sep, p.quotes = []byte{','}, true
	}
}

func (p *ratingParser) run() error {
	if err := p.ctx.Err(); err != nil {
		return fmt.Errorf("dataset: %s: %w", p.name, err)
	}
	for {
		line, err := p.readLine()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if len(trimBlank(line)) == 0 {
			continue
		}
		if p.sep == nil {
			p.sniff(line)
		}
		start := p.line
		var u, it, r []byte
		var nf int
		if p.quotes && bytes.IndexByte(line, '"') >= 0 {
			if u, it, r, nf, err = p.splitQuoted(line); err != nil {
				return err
			}
		} else if len(p.sep) == 1 {
			u, it, r, nf = splitFields1(line, p.sep[0])
		} else {
			u, it, r, nf = splitFields(line, p.sep)
		}
		if err := p.row(u, it, r, nf, start); err != nil {
			return err
		}
		if p.ticks++; p.ticks >= checkEvery {
			p.ticks = 0
			if err := p.ctx.Err(); err != nil {
				return fmt.Errorf("dataset: %s: line %d: %w", p.name, p.line, err)
			}
		}
		if p.rows.Len() == estimateAt && p.size > 0 {
			p.rows.reserve(p.estimate())
		}
	}
}

// estimate returns the row count that the bytes read so far predict for
// the whole input.
func (p *ratingParser) estimate() int {
	est := int(float64(p.size)/float64(p.read)*float64(p.rows.Len())*1.03) + 64
	return min(est, int(p.size/6)+64) // a row is at least "u,i,r\n"
}

// row checks and appends one row whose record starts at line.
func (p *ratingParser) row(u, it, r []byte, nf, line int) error {
	if nf < 3 {
		return p.errorf(line, ratingFields[nf], nil, "missing: the row has %d field(s), want user, item and rating", nf)
	}
	v, bad := parseRating(r)
	if !p.header {
		p.header = true
		if bad != nil && errors.Is(bad, strconv.ErrSyntax) {
			return nil // a header: its rating column is not a number
		}
	}
	if len(u) == 0 {
		return p.errorf(line, "user", nil, "empty id")
	}
	if len(it) == 0 {
		return p.errorf(line, "item", nil, "empty id")
	}
	if bad != nil {
		return &ParseError{File: p.name, Line: line, Field: "rating", Err: bad}
	}
	uid := p.lastUID
	if len(p.lastUser) == 0 || !bytes.Equal(u, p.lastUser) {
		uid = p.users.intern(u)
		p.lastUser = append(p.lastUser[:0], u...)
		p.lastUID = uid
	}
	p.rows.add(uid, p.items.intern(it), v)
	return nil
}

// splitFields cuts the first three fields of an unquoted line.
func splitFields(line, sep []byte) (u, it, r []byte, nf int) {
	u, rest, ok := bytes.Cut(line, sep)
	if !ok {
		return trimBlank(u), nil, nil, 1
	}
	it, rest, ok = bytes.Cut(rest, sep)
	if !ok {
		return trimBlank(u), trimBlank(it), nil, 2
	}
	r, _, _ = bytes.Cut(rest, sep)
	return trimBlank(u), trimBlank(it), trimBlank(r), 3
}

// splitFields1 is splitFields for a one-byte separator: one pass over
// short fields, without a call per field.
func splitFields1(line []byte, sep byte) (u, it, r []byte, nf int) {
	i := 0
	for i < len(line) && line[i] != sep {
		i++
	}
	u = trimBlank(line[:i])
	if i == len(line) {
		return u, nil, nil, 1
	}
	j := i + 1
	for j < len(line) && line[j] != sep {
		j++
	}
	it = trimBlank(line[i+1 : j])
	if j == len(line) {
		return u, it, nil, 2
	}
	k := j + 1
	for k < len(line) && line[k] != sep {
		k++
	}
	return u, it, trimBlank(line[j+1 : k]), 3
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

// splitQuoted splits a CSV record that has a quote, reading more lines
// while a quoted field is open (RFC 4180 fields may hold line breaks).
func (p *ratingParser) splitQuoted(line []byte) (u, it, r []byte, nf int, err error) {
	start := p.line
	p.rec = append(p.rec[:0], line...)
	for {
		var open int
		nf, open, err = p.splitRecord(p.rec, start)
		if err != nil {
			return nil, nil, nil, 0, err
		}
		if open < 0 {
			break
		}
		next, err := p.readLine()
		if err == io.EOF {
			return nil, nil, nil, 0, p.errorf(start, fieldName(open), nil, "quoted field not closed")
		}
		if err != nil {
			return nil, nil, nil, 0, err
		}
		if len(p.rec) > maxLineLen {
			return nil, nil, nil, 0, p.errorf(start, fieldName(open), nil, "quoted field longer than %d bytes", maxLineLen)
		}
		p.rec = append(p.rec, '\n')
		p.rec = append(p.rec, next...)
	}
	var f [3][]byte
	for k := range min(nf, 3) {
		f[k] = p.fbuf[p.fpos[k][0]:p.fpos[k][1]]
	}
	return f[0], f[1], f[2], nf, nil
}

// splitRecord splits rec at commas outside quotes. It keeps the first three
// fields, unquoted, in p.fbuf and returns the number of fields, or the
// index of a quoted field that is still open at the end of rec.
func (p *ratingParser) splitRecord(rec []byte, line int) (nf, open int, err error) {
	p.fbuf = p.fbuf[:0]
	i := 0
	for f := 0; ; f++ {
		keep := f < 3
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
				return 0, -1, p.errorf(line, fieldName(f), nil, "unexpected %q after a closing quote", rec[i])
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
			p.fpos[f] = [2]int{from, len(p.fbuf)}
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
		return 0, &rowError{msg: strconv.Quote(string(b)) + " is not a number", cause: err}
	}
	v := float32(f)
	if err != nil || math.IsInf(float64(v), 0) {
		return 0, &rowError{msg: strconv.Quote(string(b)) + " is out of range", cause: err}
	}
	if v != v {
		return 0, &rowError{msg: strconv.Quote(string(b)) + " is not a finite number"}
	}
	return v, nil
}
