package dataset

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/recnet/recnet/internal/quote"
)

// RowSource is a stream of rating rows from a source that is not a text
// table: a SQL query, a Parquet file. Load reads one as it reads a CSV
// file: ids are interned in order of first appearance and repeated
// (user,item) rows keep the last rating. Its methods follow *sql.Rows.
type RowSource interface {
	// Next advances to the next row and reports whether there is one. At
	// the end, or on an error, it returns false and Err says which. A bad
	// row (a NULL, an empty id, a rating that is not a finite number) is
	// an error: a *ParseError whose Row and Field name the row (1-based)
	// and the column.
	Next() bool
	// Row returns the current row: the raw user and item ids, not empty
	// and valid until the next call to Next, and the rating.
	Row() (user, item []byte, rating float32)
	// Err returns the error that stopped Next, or nil at the end.
	Err() error
	// Close releases the source.
	Close() error
}

// TimeSource is implemented by a RowSource whose rows may carry a time:
// HasTime reports, before the first Next, whether they do (the source has a
// timestamp column), and Time returns the current row's time in Unix
// seconds. Load keeps the times in Ratings.Time, as for a text table with a
// timestamp column. DropTime, called before the first Next when the
// caller maps time=none (Columns.Time NoTime), makes the source ignore its
// timestamp column: HasTime then reports false.
type TimeSource interface {
	HasTime() bool
	Time() int64
	DropTime()
}

// sourceColumns checks the column mapping c for the source name, which
// picks its own columns (a binary format, a URL scheme), before the source
// is opened: only c.Time NoTime is accepted. It returns what to do to the
// opened source: drop its time, or nothing.
func sourceColumns(c Columns, name string) (apply func(RowSource), err error) {
	switch {
	case c.IsZero():
		return func(RowSource) {}, nil
	case c != Columns{Time: NoTime}:
		return nil, fmt.Errorf("dataset: %s: a %w applies to text tables only (but time=none): name the columns in the file or the query (user, item, rating)", name, ErrColumns)
	}
	return func(rs RowSource) {
		if ts, ok := rs.(TimeSource); ok {
			ts.DropTime()
		}
	}, nil
}

// A source may also implement Len() int64, the number of rows it will
// yield (or an upper bound), so that the columns are allocated once.
type rowCounter interface{ Len() int64 }

// SchemeOpener opens the rows named by src, a URL whose scheme it was
// registered for (src is passed whole, e.g. "sqlite:///data/r.db?...").
type SchemeOpener func(ctx context.Context, src string, opt Options) (RowSource, error)

// FormatOpener opens the rows of a file in a binary format of size bytes;
// name is the path or URL, for errors.
type FormatOpener func(ctx context.Context, r io.ReaderAt, size int64, name string) (RowSource, error)

type binaryFormat struct {
	ext, magic string
	open       FormatOpener
}

var registry struct {
	sync.RWMutex
	schemes map[string]SchemeOpener
	files   map[string]func(src string) (string, bool)
	formats map[Format]binaryFormat
}

// RegisterScheme makes Load, LoadSplit and the recnet command read a
// source written "scheme:..." with open, as database/sql drivers register
// themselves: package dataset/sqlsrc/sqlite registers "sqlite" when it is
// imported, and a PostgreSQL reader would register "postgres" the same
// way. The scheme is matched without regard to case; registering one
// twice, or http or https, panics.
func RegisterScheme(scheme string, open SchemeOpener) {
	scheme = strings.ToLower(scheme)
	registry.Lock()
	defer registry.Unlock()
	if _, dup := registry.schemes[scheme]; dup || scheme == "http" || scheme == "https" || open == nil {
		panic("dataset: RegisterScheme " + scheme + " twice or nil")
	}
	if registry.schemes == nil {
		registry.schemes = make(map[string]SchemeOpener)
	}
	registry.schemes[scheme] = open
}

// RegisterLocalFile tells LocalFile which local file a source of scheme
// reads: file returns the path in src, a URL of that scheme (e.g. the
// database file of "sqlite:///data/r.db?table=ratings"), and false when
// src names none. Package dataset/sqlsrc/sqlite registers one for
// "sqlite" beside its RegisterScheme. Registering one twice panics.
func RegisterLocalFile(scheme string, file func(src string) (string, bool)) {
	scheme = strings.ToLower(scheme)
	registry.Lock()
	defer registry.Unlock()
	if _, dup := registry.files[scheme]; dup || file == nil {
		panic("dataset: RegisterLocalFile " + scheme + " twice or nil")
	}
	if registry.files == nil {
		registry.files = make(map[string]func(string) (string, bool))
	}
	registry.files[scheme] = file
}

// LocalFile returns the local file that Load reads for src: src itself
// for a path, the file a registered scheme's URL names (RegisterLocalFile),
// and false for an http(s) URL, a URL whose scheme names no local file or
// that does not parse. It does not look at the file system.
func LocalFile(src string) (path string, ok bool) {
	if src == "" || isURL(src) {
		return "", false
	}
	scheme, ok := schemeOf(src)
	if !ok {
		return src, true
	}
	registry.RLock()
	_, opens := registry.schemes[scheme]
	file := registry.files[scheme]
	registry.RUnlock()
	switch {
	case file != nil:
		return file(src)
	case opens || strings.HasPrefix(src[len(scheme):], "://"):
		return "", false
	}
	return src, true
}

// schemeOf returns the lower-cased scheme of src, a URL "scheme:...", and
// false when src does not start with one (a path, or "C:" a drive).
func schemeOf(src string) (string, bool) {
	k := strings.IndexByte(src, ':')
	if k <= 1 {
		return "", false
	}
	scheme := strings.ToLower(src[:k])
	for _, c := range scheme {
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '-' || c == '.') {
			return "", false
		}
	}
	return scheme, true
}

// RegisterFormat makes Load and Read accept the binary format f: named by
// Options.Format, or picked by FormatAuto for a path ending in ext or
// bytes starting with magic. Package dataset/parquetsrc registers
// FormatParquet when it is imported. Registering a format twice, or one of
// the text formats, panics.
func RegisterFormat(f Format, ext, magic string, open FormatOpener) {
	registry.Lock()
	defer registry.Unlock()
	switch f {
	case "", FormatAuto, FormatCSV, FormatTSV, FormatMovieLens:
		panic("dataset: RegisterFormat of text format " + string(f))
	}
	if _, dup := registry.formats[f]; dup || open == nil {
		panic("dataset: RegisterFormat " + string(f) + " twice or nil")
	}
	if registry.formats == nil {
		registry.formats = make(map[Format]binaryFormat)
	}
	registry.formats[f] = binaryFormat{ext: strings.ToLower(ext), magic: magic, open: open}
}

// sourceScheme returns the registered opener of src's scheme, if any. A
// src that looks like a URL ("name://...") of an unknown scheme other
// than http(s) is an error.
func sourceScheme(src string) (SchemeOpener, error) {
	scheme, ok := schemeOf(src)
	if !ok {
		return nil, nil
	}
	if scheme == "http" || scheme == "https" {
		return nil, nil
	}
	registry.RLock()
	open, ok := registry.schemes[scheme]
	registry.RUnlock()
	if !ok && strings.HasPrefix(src[len(scheme):], "://") {
		return nil, fmt.Errorf("dataset: %s: no reader for scheme %s (known: %s)", SourceName(src), quote.Short(scheme), strings.Join(knownSchemes(), ", "))
	}
	return open, nil
}

func knownSchemes() []string {
	registry.RLock()
	defer registry.RUnlock()
	s := []string{"http", "https"}
	for k := range registry.schemes {
		s = append(s, k)
	}
	slices.Sort(s[2:])
	return s
}

// lookupFormat returns the registered binary format f.
func lookupFormat(f Format) (binaryFormat, bool) {
	registry.RLock()
	defer registry.RUnlock()
	b, ok := registry.formats[f]
	return b, ok
}

// sniffFormat returns the binary format whose extension ends name or whose
// magic starts head.
func sniffFormat(name string, head []byte) (binaryFormat, bool) {
	registry.RLock()
	defer registry.RUnlock()
	name = strings.ToLower(name)
	if k := strings.IndexAny(name, "?#"); k >= 0 && isURL(name) {
		name = name[:k]
	}
	for _, b := range registry.formats {
		if b.ext != "" && strings.HasSuffix(name, b.ext) {
			return b, true
		}
	}
	for _, b := range registry.formats {
		if b.magic != "" && strings.HasPrefix(string(head), b.magic) {
			return b, true
		}
	}
	return binaryFormat{}, false
}

// readRows reads every row of rs into rows whose ids go to users and items.
func readRows(ctx context.Context, rs RowSource, name string, users, items *IDMap) (table, error) {
	uc, ic := idCache{m: users}, idCache{m: items}
	var rows Ratings
	ts, timed := rs.(TimeSource)
	if timed = timed && ts.HasTime(); timed {
		rows.Time = []int64{}
	}
	if c, ok := rs.(rowCounter); ok && c.Len() > 0 {
		rows.reserve(int(min(c.Len(), maxReserve))) // a declared count: capped
	}
	var lastUser []byte
	var lastUID int32
	for n := 1; rs.Next(); n++ {
		u, i, v := rs.Row()
		if len(u) == 0 || len(i) == 0 {
			return table{}, fmt.Errorf("dataset: %s: row %d: an empty id", name, n) // a source bug
		}
		uid := lastUID
		if len(lastUser) == 0 || string(u) != string(lastUser) {
			uid = uc.intern(u)
			lastUser = append(lastUser[:0], u...)
			lastUID = uid
		}
		var t int64
		if timed {
			t = ts.Time()
		}
		rows.add(uid, ic.intern(i), v, t)
		if n%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return table{}, fmt.Errorf("dataset: %s: row %d: %w", name, n, err)
			}
		}
	}
	if err := rs.Err(); err != nil {
		var pe *ParseError
		if errors.As(err, &pe) || strings.HasPrefix(err.Error(), "dataset: ") {
			return table{}, err
		}
		return table{}, fmt.Errorf("dataset: %s: %w", name, err)
	}
	if rows.Len() == 0 {
		return table{}, fmt.Errorf("dataset: %s: no rating rows", name)
	}
	us, ok := rs.(UnratedSource)
	return table{rows: rows, unrated: ok && us.Unrated()}, nil
}

// ParseTime parses a time written as text, as the CSV reader does: Unix
// seconds (a decimal integer, or with a fraction, rounded down), RFC 3339,
// a date (2006-01-02, UTC midnight) or a date and time (2006-01-02
// 15:04:05 or 2006-01-02T15:04:05, UTC). Its error suggests the mapping
// time=none. It is exported for RowSource implementations.
func ParseTime(b []byte) (int64, error) { return parseTime(b) }

// CheckUnix returns an error wrapping ErrTime if t, in Unix seconds, is
// beyond the year 9999 either way: such a number is most likely a time in
// milliseconds (or finer) taken for seconds. Every reader of an integer
// time calls it (the CSV reader through ParseTime); it is exported for
// RowSource implementations.
func CheckUnix(t int64) error {
	if t > maxUnix || t < -maxUnix {
		return &rowError{msg: strconv.FormatInt(t, 10) + " is beyond the year 9999 as Unix seconds: it looks like milliseconds (or finer); give seconds", cause: ErrTime}
	}
	return nil
}

// ParseRating parses a rating written as text, as the CSV reader does: a
// decimal or floating-point number, finite as a float32. It is exported
// for RowSource implementations.
func ParseRating(b []byte) (float32, error) { return parseRating(b) }

// CheckRating returns f as a float32, or an error if it is NaN or
// infinite as a float32. It is exported for RowSource implementations.
func CheckRating(f float64) (float32, error) {
	v := float32(f)
	if v != v || math.IsInf(float64(v), 0) {
		return 0, fmt.Errorf("%v is not a finite number", f)
	}
	return v, nil
}

// Ints returns the raw ids of m, in inner order, as integers, and true,
// when each one is an integer written canonically (no sign but "-", no
// leading zero, no space), so that formatting the integers gives the raw
// ids back; otherwise nil and false. Writers of typed formats (Parquet,
// SQL) use it to store numeric ids as numbers.
func (m *IDMap) Ints() ([]int64, bool) {
	out := make([]int64, m.Len())
	for k, s := range m.IDs() {
		x, err := strconv.ParseInt(s, 10, 64)
		if err != nil || strconv.FormatInt(x, 10) != s {
			return nil, false
		}
		out[k] = x
	}
	return out, true
}
