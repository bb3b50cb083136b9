package sqlsrc

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/internal/quote"
)

// DefaultTable is the table read when a source URL names no query.
const DefaultTable = "ratings"

// QueryOf removes the parameters "query" and "table" from u and returns
// the SQL to run: the query, or SELECT * FROM the table (quoted), or
// SELECT * FROM ratings when neither is given. The raw query string is
// split at "&" only, so a ";" is part of a value, and unescaped without
// turning "+" into a space: "+" is a plus. A NUL byte (%00) is refused.
// Giving both, either
// twice, a query that is not one SELECT statement (see CheckSelect) or a
// table that is not a plain identifier (letters, digits, "_") is an
// error.
func QueryOf(u *url.URL) (string, error) {
	p, err := splitParams(u.RawQuery)
	if err != nil {
		return "", err
	}
	u.RawQuery = strings.Join(p.rest, "&")
	switch {
	case p.hasQuery && p.hasTable:
		return "", errors.New("give query= or table=, not both")
	case p.hasQuery && strings.TrimSpace(p.query) == "":
		return "", errors.New("empty query=")
	case p.hasQuery:
		if err := CheckSelect(p.query); err != nil {
			return "", err
		}
		return p.query, nil
	}
	table, err := p.tableName(DefaultTable, "; use query= for others")
	if err != nil {
		return "", err
	}
	return `SELECT * FROM "` + table + `"`, nil
}

// Querier runs a query: a *sql.DB, *sql.Conn or *sql.Tx.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Rows is the result of a query as a dataset.RowSource. Its user, item
// and rating columns are picked by dataset.PickColumns: by name (user,
// userId, item, movieId, course, rating, score, ...; a result naming some
// but not all is an error), or the first three when it names none. A
// result of two columns, user and item, is an interaction table (Unrated:
// each rating is 1).
// Ids may be integers, reals, text or blobs (an integer id is its decimal
// text, a real one strconv's shortest 'g' form); ratings numbers or
// numeric text. A timestamp column (named as dataset.ColumnNames lists),
// when there is one, gives each row's time (see dataset.TimeSource): Unix
// seconds as an integer or a real (rounded down), text as
// dataset.ParseTime reads it (decimal seconds, RFC 3339, a date, a date
// and time), or a time the driver returns as a time.Time. DropTime
// ignores it.
type Rows struct {
	rows   *sql.Rows
	name   string
	cols   []string
	pick   [3]int
	tcol   int // the timestamp column, or -1
	time   int64
	vals   []any
	dest   []any
	ids    [2]IDText
	row    int
	rating float32
	err    error
	closer func() error
}

// IDText holds the text of the current id of a column, for Rows and
// other sources of SQL rows. Its zero value holds no id.
type IDText struct {
	b    []byte
	last int64 // the integer b holds, when isInt
	int  bool
}

// Query runs query on db (a *sql.DB or a *sql.Conn) and returns its rows; name (the source URL) is
// used in errors. Closing the Rows closes the result, then calls closer
// (if not nil), e.g. to close a *sql.DB opened for this one query.
func Query(ctx context.Context, db Querier, query, name string, closer func() error) (*Rows, error) {
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("dataset: %s: %w", name, err)
	}
	cols, err := rows.Columns()
	if err == nil {
		var p [3]int
		var tcol int
		p[0], p[1], p[2], tcol, err = dataset.PickTimedColumns(cols)
		if err == nil {
			r := &Rows{rows: rows, name: name, cols: cols, pick: p, tcol: tcol, closer: closer,
				vals: make([]any, len(cols)), dest: make([]any, len(cols))}
			for k := range r.dest {
				r.dest[k] = &r.vals[k]
			}
			return r, nil
		}
	}
	rows.Close()
	return nil, fmt.Errorf("dataset: %s: %w", name, err)
}

// Next scans the next row and checks it: no NULL, no empty id, a finite
// rating. A bad row stops the rows with a *dataset.ParseError naming the
// row (1-based) and the column.
func (r *Rows) Next() bool {
	if r.err != nil || !r.rows.Next() {
		return false
	}
	r.row++
	if err := r.rows.Scan(r.dest...); err != nil {
		r.err = fmt.Errorf("dataset: %s: row %d: %w", r.name, r.row, err)
		return false
	}
	for role := range 2 {
		if err := r.ids[role].set(r.vals[r.pick[role]]); err != nil {
			r.err = r.fail(r.pick[role], err)
			return false
		}
	}
	v, err := r.ratingValue()
	if err != nil {
		r.err = r.fail(r.pick[2], err)
		return false
	}
	r.rating = v
	if r.tcol >= 0 {
		if r.time, err = unixTime(r.vals[r.tcol]); err != nil {
			r.err = r.fail(r.tcol, err)
			return false
		}
	}
	return true
}

// ratingValue returns the current row's rating: 1 without a rating
// column (an interaction table).
func (r *Rows) ratingValue() (float32, error) {
	if r.pick[2] < 0 {
		return 1, nil
	}
	switch x := r.vals[r.pick[2]].(type) {
	case nil:
		return 0, errors.New("NULL")
	case float64:
		return dataset.CheckRating(x)
	case int64:
		return dataset.CheckRating(float64(x))
	case []byte:
		return dataset.ParseRating(x)
	case string:
		return dataset.ParseRating([]byte(x))
	default:
		return 0, fmt.Errorf("a %T is not a rating", x)
	}
}

// unixTime returns the time v holds in Unix seconds, within the years
// dataset.CheckUnix accepts.
func unixTime(v any) (int64, error) {
	switch x := v.(type) {
	case nil:
		return 0, errors.New("NULL")
	case int64:
		return x, dataset.CheckUnix(x)
	case float64:
		return UnixFloat(x)
	case time.Time:
		t := x.Unix()
		return t, dataset.CheckUnix(t)
	case string:
		return dataset.ParseTime([]byte(x))
	case []byte:
		return dataset.ParseTime(x)
	}
	return 0, fmt.Errorf("a %T is not a time", v)
}

// UnixFloat returns the time x, in Unix seconds, rounded down, within
// the years dataset.CheckUnix accepts.
func UnixFloat(x float64) (int64, error) {
	if !(math.Abs(x) <= 1<<53) { // also NaN
		return 0, fmt.Errorf("%v is not a time in seconds (at most 2^53)", x)
	}
	t := int64(math.Floor(x))
	return t, dataset.CheckUnix(t)
}

// Unrated reports whether the rows have no rating column (two columns,
// user and item: an interaction table); each row's rating is then 1.
func (r *Rows) Unrated() bool { return r.pick[2] < 0 }

// HasTime reports whether the rows have a timestamp column.
func (r *Rows) HasTime() bool { return r.tcol >= 0 }

// DropTime makes the rows ignore their timestamp column (the mapping
// time=none); call it before the first Next.
func (r *Rows) DropTime() { r.tcol = -1 }

// Time returns the current row's time in Unix seconds (0 without a
// timestamp column).
func (r *Rows) Time() int64 { return r.time }

// set makes t hold the text of the id v.
func (t *IDText) set(v any) error {
	switch x := v.(type) {
	case nil:
		return errors.New("NULL")
	case int64:
		t.SetInt(x)
		return nil
	case float64:
		return t.SetFloat(x, 64)
	case string:
		t.b = append(t.b[:0], x...)
		return t.check()
	case []byte:
		return t.SetBytes(x)
	}
	return fmt.Errorf("a %T is not an id", v)
}

// SetInt makes t hold the decimal text of the integer id x.
func (t *IDText) SetInt(x int64) {
	if !t.int || x != t.last || len(t.b) == 0 { // a user id repeats row after row
		t.b, t.last, t.int = strconv.AppendInt(t.b[:0], x, 10), x, true
	}
}

// SetFloat makes t hold the id x, a float of bitSize 32 or 64, in
// strconv's shortest 'g' form.
func (t *IDText) SetFloat(x float64, bitSize int) error {
	t.b = strconv.AppendFloat(t.b[:0], x, 'g', -1, bitSize)
	return t.check()
}

// SetBytes makes t hold a copy of b, which may not be empty.
func (t *IDText) SetBytes(b []byte) error {
	t.b = append(t.b[:0], b...)
	return t.check()
}

// Bytes returns the id t holds, valid until it is set again.
func (t *IDText) Bytes() []byte { return t.b }

func (t *IDText) check() error {
	t.int = false
	if len(t.b) == 0 {
		return errors.New("empty id")
	}
	return nil
}

func (r *Rows) fail(col int, err error) error {
	return &dataset.ParseError{File: r.name, Row: r.row, Field: r.cols[col], Err: err}
}

// Row returns the current row; the ids are valid until the next Next.
func (r *Rows) Row() (user, item []byte, rating float32) {
	return r.ids[0].b, r.ids[1].b, r.rating
}

// Err returns the error that stopped Next, if any.
func (r *Rows) Err() error {
	if r.err != nil {
		return r.err
	}
	if err := r.rows.Err(); err != nil {
		return fmt.Errorf("dataset: %s: after row %d: %w", r.name, r.row, err)
	}
	return nil
}

// Close closes the result and then calls the closer given to Query.
func (r *Rows) Close() error {
	err := r.rows.Close()
	if r.closer != nil {
		err = errors.Join(err, r.closer())
		r.closer = nil
	}
	return err
}

// TableOf removes the parameter "table" from u and returns the table it
// names, for a URL that names a table to write: def when it names none. A
// query=, a repeated or empty table= or one that is not a plain identifier
// (letters, digits and "_") is an error.
func TableOf(u *url.URL, def string) (string, error) {
	p, err := splitParams(u.RawQuery)
	if err != nil {
		return "", err
	}
	u.RawQuery = strings.Join(p.rest, "&")
	if p.hasQuery {
		return "", errors.New("query= reads; give table=NAME, the table to write")
	}
	return p.tableName(def, "")
}

// tableName returns the table table= names, def without one; an empty
// table= or one that is not a plain identifier is an error, the latter
// ending with hint.
func (p params) tableName(def, hint string) (string, error) {
	switch {
	case p.hasTable && p.table == "":
		return "", errors.New("empty table=")
	case !p.hasTable:
		return def, nil
	}
	if !IsIdentifier(p.table) {
		return "", fmt.Errorf("table=%s is not a plain identifier (letters, digits and _)%s", quote.Short(p.table), hint)
	}
	return p.table, nil
}
