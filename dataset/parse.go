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
	"time"

	"github.com/recnet/recnet/internal/quote"
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
// Columns. The first non-blank row is a header, and skipped, when one of
// its fields names a known column (user, userId, user_id, learner; item,
// movieId, item_id, course, course_id; rating, score, value; timestamp,
// time, ts; and a few more; case, "_", "-" and spaces are ignored) and
// none of its fields is a number; otherwise it is data, and a bad field
// in it is an error at line 1 (a first row is never silently skipped). A
// header's columns are found by name, in any order; it must name (or
// opt.Columns map) the user and item columns, and the rating column
// unless the table has two columns besides a timestamp: a role left
// unnamed is an error (wrapping ErrHeader) listing the columns, never a
// guess by order. A row with more fields than the header is an error at
// its line. Without a header the columns are user, item and rating, and
// further fields are ignored; a first row of more than three fields whose
// third is a word, and that names no known column, is an error that lists
// them. opt.Columns overrides all this by name or position. A table of
// two columns, user and item, is an interaction table: Dataset.Unrated is
// set and every row's rating is 1. A timestamp column (found by name,
// mapped, or the fourth field of MovieLens ratings.dat and of
// FormatMovieLens) is kept in Ratings.Time, read as ParseTime says; a
// value it cannot read is an error at its line naming the column as the
// header does. A time column is optional: opt.Columns.Time NoTime
// (time=none) reads the table without it. Two header columns that name
// one role (user and user_id, time and timestamp) are an error unless
// opt.Columns maps that role.
//
// Fields are separated as opt.Format says: CSV (commas, RFC 4180 quoting,
// which may span lines), TSV (tabs) or MovieLens ratings.dat ("::");
// FormatAuto picks one from the first non-blank line. Spaces and tabs
// around a field are trimmed. A leading UTF-8 byte order mark, CRLF line
// ends and blank lines are accepted, and a gzip stream is decompressed.
// A declared size (a file's, a Len method's) only reserves memory up to
// 1<<24 rows; the columns grow as rows arrive. Errors quote at most 80
// bytes of a bad field.
//
// Ids are kept raw and get inner ids in order of first appearance. Ratings
// are plain decimals ([+-]digits[.digits][e[+-]digits]; not 1_0, hex,
// inf or nan), parsed as float64 and stored as float32. A Unix time
// beyond the year 9999 is refused (it looks like milliseconds); a bad
// time wraps ErrTime. A repeated (user,item) row replaces the rating of the first one
// and is counted in Dataset.Duplicates. A bad row is a *ParseError; a table
// without rows is an error too.
//
// A binary format registered with RegisterFormat (FormatParquet, once
// package dataset/parquetsrc is imported) is read from r as a whole: from
// r itself when it is an io.ReaderAt that knows its size (*os.File,
// *bytes.Reader), otherwise from a copy in memory.
func Read(r io.Reader, name string, opt Options) (*Dataset, error) {
	users, items := &IDMap{}, &IDMap{}
	t, err := readAny(context.Background(), r, name, opt, readerSize(r), users, items)
	if err != nil {
		return nil, err
	}
	d := &Dataset{Name: name, Users: users, Items: items, Ratings: t.rows, Unrated: t.unrated, Layout: t.layout}
	d.Duplicates = dedup(&d.Ratings)
	return d, nil
}

// table is what a reader returns: the rows, whether the table had no
// rating column, and its Layout (text tables only).
type table struct {
	rows    Ratings
	unrated bool
	layout  string
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

// fieldName names field f (0-based) of a row: its role, or "column N".
func (p *ratingParser) fieldName(f int) string {
	for role, k := range p.pick {
		if k == f {
			return roleNames[role]
		}
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
func readRatings(ctx context.Context, r io.Reader, name string, opt Options, size int64, users, items *IDMap) (table, error) {
	f, err := ParseFormat(string(opt.Format))
	if err != nil {
		return table{}, err
	}
	if name == "" {
		name = "input"
	}
	p := &ratingParser{ctx: ctx, name: name, format: f, cols: opt.Columns, size: size, users: idCache{m: users}, items: idCache{m: items}}
	p.pick = [nRoles]int{0, 1, 2, -1}
	p.br = bufio.NewReaderSize(r, bufSizeFor(size))
	if magic, _ := p.br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(p.br)
		if err != nil {
			return table{}, fmt.Errorf("dataset: %s: %w", name, err)
		}
		defer gz.Close()
		p.br = bufio.NewReaderSize(gz, readBufSize)
		p.size = 0
	}
	if bom, _ := p.br.Peek(3); bytes.Equal(bom, []byte("\ufeff")) {
		p.br.Discard(3)
	}
	if err := p.run(); err != nil {
		return table{}, err
	}
	if p.rows.Len() == 0 {
		return table{}, fmt.Errorf("dataset: %s: no rating rows", name)
	}
	return table{rows: p.rows, unrated: p.pick[roleRating] < 0, layout: p.layout}, nil
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

	cols    Columns     // the caller's column mapping
	started bool        // the first row has been seen (it may be a header)
	first   int         // the line of the first row, when it is data
	pick    [nRoles]int // each role's column, or -1 (rating, time)
	need    int         // the fields a row needs: up to the last picked
	ncols   int         // the header's columns (0 without a header)
	timeCol string      // the name of the time column, for errors
	layout  string      // Dataset.Layout
	fields  [][]byte    // the fields of the current row, up to the last picked

	line  int   // physical number of the last line read
	read  int64 // bytes read so far, for the row estimate
	size  int64 // bytes expected in all, or 0
	ticks int   // rows since the last context check

	long []byte   // a line longer than the bufio buffer
	rec  []byte   // a quoted record, possibly spanning lines
	fbuf []byte   // unquoted bytes of the kept fields of rec
	fpos [][2]int // their bounds in fbuf

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
		if err := p.record(line); err != nil {
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
// the whole input, at most maxReserve: the size is only declared (a file
// may be sparse, a server may claim any Content-Length).
func (p *ratingParser) estimate() int {
	est := float64(p.size)/float64(p.read)*float64(p.rows.Len())*1.03 + 64
	return int(min(est, float64(p.size/4)+64, maxReserve)) // a row is at least "u,i\n"
}

// record splits line, the start of a record, and adds its row. The first
// record decides the columns, and is skipped when it is a header.
func (p *ratingParser) record(line []byte) error {
	start := p.line
	want := len(p.fields)
	if !p.started {
		want = math.MaxInt // every field of the first row
	}
	var nf int
	if p.quotes && bytes.IndexByte(line, '"') >= 0 {
		var err error
		if nf, err = p.splitQuoted(line, want); err != nil {
			return err
		}
	} else {
		if !p.started {
			p.fields = growFields(p.fields, bytes.Count(line, p.sep)+1)
		}
		if len(p.sep) == 1 {
			nf = splitFields1(line, p.sep[0], p.fields)
		} else {
			nf = splitFields(line, p.sep, p.fields)
		}
	}
	if !p.started {
		p.started = true
		header, err := p.columns(nf, start)
		if err != nil || header {
			return err
		}
		p.first = start
	}
	return p.row(nf, start)
}

// growFields returns f with length n, keeping its first fields.
func growFields(f [][]byte, n int) [][]byte {
	if cap(f) < n {
		return append(make([][]byte, 0, n), f...)[:n]
	}
	return f[:n]
}

// columns decides from the nf fields of the first row, at line, whether
// it is a header and which column holds each role (see Read), and keeps
// only the fields up to the last picked one from now on.
func (p *ratingParser) columns(nf, line int) (header bool, err error) {
	names := make([]string, nf)
	known, number := false, false
	for k, f := range p.fields[:nf] {
		names[k] = string(f)
		known = known || knownRole(names[k]) >= 0
		if _, err := parseRating(f); err == nil {
			number = true
		}
	}
	header = p.cols.hasNames() || (known && !number)
	if !header && !known && nf > 3 && p.cols.IsZero() {
		if _, err := parseRating(p.fields[2]); err != nil && errors.Is(err, strconv.ErrSyntax) {
			return false, &ParseError{File: p.name, Line: line, Err: &rowError{msg: fmt.Sprintf("the first row looks like a header, but names none of the known columns (user, item, rating, timestamp or a synonym; see ColumnNames): %s; name them or map them with Options.Columns", quoteList(names)), cause: ErrHeader}}
		}
	}
	pick := [nRoles]int{0, 1, 2, -1}
	if header || nf >= 2 || !p.cols.IsZero() {
		if pick, err = pickColumns(names, header, p.cols); err != nil {
			return false, &ParseError{File: p.name, Line: line, Err: err}
		}
	}
	if !header && p.cols.Time == "" && nf >= 4 && (p.format == FormatMovieLens || string(p.sep) == "::") && pick == [nRoles]int{0, 1, 2, -1} {
		pick[roleTime] = 3 // MovieLens: user, item, rating, timestamp
	}
	p.pick = pick
	p.layout = layout(pick, names, header)
	if k := pick[roleTime]; k >= 0 {
		p.rows.Time = []int64{}
		p.timeCol = roleNames[roleTime]
		if header {
			p.timeCol = strings.TrimSpace(names[k])
		}
	}
	p.need = max(pick[0], pick[1], pick[2], pick[3]) + 1
	n := p.need
	if header {
		p.ncols = nf
		n = max(n, nf+1) // one more, to see a row longer than the header
	}
	p.fields = growFields(p.fields, n)
	return header, nil
}

// layout describes pick, the column of each role (-1: none), for
// Dataset.Layout: by the header's names, or by 1-based position.
func layout(pick [nRoles]int, names []string, header bool) string {
	var b strings.Builder
	if header {
		b.WriteString("by header: ")
	} else {
		b.WriteString("by position (no header): ")
	}
	sep := ""
	for r, k := range pick {
		if k < 0 {
			continue
		}
		fmt.Fprintf(&b, "%s%s=", sep, roleKeys[r])
		if header && k < len(names) {
			b.WriteString(quote.Short(strings.TrimSpace(names[k])))
		} else {
			fmt.Fprint(&b, k+1)
		}
		sep = ", "
	}
	return b.String()
}

// row checks and appends the row in p.fields (nf of them found), whose
// record starts at line.
func (p *ratingParser) row(nf, line int) error {
	if nf < p.need {
		return p.missing(nf, line)
	}
	if p.ncols > 0 && nf > p.ncols {
		return p.errorf(line, "", nil, "the row has more fields than the header's %d", p.ncols)
	}
	u, it := p.fields[p.pick[roleUser]], p.fields[p.pick[roleItem]]
	if len(u) == 0 {
		return p.errorf(line, "user", nil, "empty id")
	}
	if len(it) == 0 {
		return p.errorf(line, "item", nil, "empty id")
	}
	v := float32(1) // an interaction table's rows
	if k := p.pick[roleRating]; k >= 0 {
		var bad error
		if v, bad = parseRating(p.fields[k]); bad != nil {
			if re, ok := bad.(*rowError); ok && line == p.first && errors.Is(bad, strconv.ErrSyntax) {
				bad = &rowError{msg: re.msg + " (the first row is a header only when it names its columns, as user, item, rating, timestamp or a synonym, and holds no number)", cause: re.cause}
			}
			return &ParseError{File: p.name, Line: line, Field: "rating", Err: bad}
		}
	}
	var t int64
	if k := p.pick[roleTime]; k >= 0 {
		var bad error
		if t, bad = parseTime(p.fields[k]); bad != nil {
			return &ParseError{File: p.name, Line: line, Field: p.timeCol, Err: bad}
		}
	}
	uid := p.lastUID
	if len(p.lastUser) == 0 || !bytes.Equal(u, p.lastUser) {
		uid = p.users.intern(u)
		p.lastUser = append(p.lastUser[:0], u...)
		p.lastUID = uid
	}
	p.rows.add(uid, p.items.intern(it), v, t)
	return nil
}

// missing reports the first picked column that a row of nf fields lacks.
func (p *ratingParser) missing(nf, line int) error {
	role, want := -1, make([]string, 0, nRoles)
	for r, k := range p.pick {
		if k >= 0 {
			want = append(want, roleNames[r])
		}
		if k >= nf && (role < 0 || k < p.pick[role]) {
			role = r
		}
	}
	return p.errorf(line, roleNames[role], nil, "missing: the row has %d field(s), want %s", nf, strings.Join(want, ", "))
}

// timeLayouts are the layouts besides Unix seconds that parseTime reads;
// those without a zone are UTC.
var timeLayouts = []string{time.RFC3339Nano, "2006-01-02", "2006-01-02 15:04:05", "2006-01-02T15:04:05"}

// parseTime parses a time: Unix seconds (a decimal integer, or with a
// fraction, rounded down), RFC 3339, a date (2006-01-02, UTC midnight) or
// a date and time (2006-01-02 15:04:05, UTC).
func parseTime(b []byte) (int64, error) {
	b = trimBlank(b)
	if t, ok := unixSeconds(b); ok {
		if err := CheckUnix(t); err != nil {
			return 0, err
		}
		return t, nil
	}
	if len(b) <= 64 {
		for _, layout := range timeLayouts {
			if t, err := time.Parse(layout, string(b)); err == nil {
				return t.Unix(), nil
			}
		}
	}
	return 0, &rowError{msg: quote.Short(b) + " is not a time (Unix seconds, RFC 3339, 2006-01-02, 2006-01-02 15:04:05 or 2006-01-02T15:04:05); a time column is optional: map time=none (Options.Columns.Time NoTime) to read the table without it", cause: ErrTime}
}

// maxUnix is the last second of the year 9999 (UTC), the latest Unix time
// parseTime accepts (and -maxUnix the earliest).
const maxUnix = 253402300799

// unixSeconds reads [+-]digits[.digits], with at most 18 digits before
// the point, as Unix seconds rounded down.
func unixSeconds(b []byte) (int64, bool) {
	i, neg := 0, false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg, i = b[0] == '-', 1
	}
	start := i
	var t int64
	for ; i < len(b) && b[i]-'0' <= 9; i++ {
		t = t*10 + int64(b[i]-'0')
	}
	if n := i - start; n == 0 || n > 18 {
		return 0, false
	}
	frac := false
	if i < len(b) && b[i] == '.' {
		for i++; i < len(b) && b[i]-'0' <= 9; i++ {
			frac = frac || b[i] != '0'
		}
	}
	if i != len(b) {
		return 0, false
	}
	if neg {
		t = -t
		if frac {
			t--
		}
	}
	return t, true
}
