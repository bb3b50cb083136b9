package parquetsrc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/internal/pqfooter"
)

func init() {
	dataset.RegisterFormat(dataset.FormatParquet, ".parquet", "PAR1", Open)
}

// Open returns the rows of the Parquet file r of size bytes as a
// dataset.RowSource; name is used in errors. It reads the footer at once
// and the column pages as the rows are read (dataset.Load checks ctx
// between rows). A footer of more than pqfooter.MaxFooter bytes, or one
// declaring more than it holds, is refused before it is decoded.
func Open(ctx context.Context, r io.ReaderAt, size int64, name string) (dataset.RowSource, error) {
	if err := pqfooter.Check(r, size); err != nil {
		return nil, fmt.Errorf("dataset: %s: %w", name, err)
	}
	f, err := parquet.OpenFile(r, size, parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	if err != nil {
		return nil, fmt.Errorf("dataset: %s: %w", name, err)
	}
	var leaves []*parquet.Column
	var names []string
	for _, c := range f.Root().Columns() {
		if c.Leaf() {
			leaves = append(leaves, c)
			names = append(names, c.Name())
		}
	}
	u, i, v, tc, err := dataset.PickTimedColumns(names)
	if err != nil {
		return nil, fmt.Errorf("dataset: %s: %w", name, err)
	}
	unrated := v < 0
	if unrated {
		v = u // a placeholder read in step with the others, never used
	}
	picked := []int{u, i, v}
	if tc >= 0 {
		picked = append(picked, tc)
	}
	s := &source{name: name, file: f, cols: make([]column, len(picked)), unrated: unrated}
	for role, k := range picked {
		c := leaves[k]
		if c.Repeated() {
			return nil, fmt.Errorf("dataset: %s: column %q is repeated, want one value per row", name, c.Name())
		}
		kind := c.Type().Kind()
		switch kind {
		case parquet.Int32, parquet.Int64, parquet.ByteArray, parquet.FixedLenByteArray:
		case parquet.Float, parquet.Double:
			if role == timeCol {
				return nil, fmt.Errorf("dataset: %s: column %q has type %v, want integer seconds, a TIMESTAMP or text", name, c.Name(), c.Type())
			}
		default:
			return nil, fmt.Errorf("dataset: %s: column %q has type %v, want numbers or strings", name, c.Name(), c.Type())
		}
		s.cols[role] = column{name: c.Name(), index: c.Index(), kind: kind, scale: 1}
		if lt := c.Type().LogicalType(); lt != nil {
			if d, ok := lt.Value.(*format.DecimalType); ok {
				if kind != parquet.Int32 && kind != parquet.Int64 || role == timeCol {
					return nil, fmt.Errorf("dataset: %s: column %q is a %v decimal, want one stored as an integer", name, c.Name(), kind)
				}
				s.cols[role].scale = math.Pow10(int(d.Scale))
			}
			if ts, ok := lt.Value.(*format.TimestampType); ok && role == timeCol && ts.Unit.Value != nil {
				s.cols[role].perSecond = int64(time.Second / ts.Unit.Value.Duration())
			}
		}
	}
	return s, nil
}

// timeCol is the index in source.cols of the timestamp column, when there
// is one.
const timeCol = 3

// source reads the user, item and rating columns, and the timestamp one
// when there is one, of one row group at a time, in step.
type source struct {
	name    string
	file    *parquet.File
	cols    []column
	unrated bool  // no rating column: cols[2] is a placeholder, ratings are 1
	group   int   // next row group
	left    int64 // rows left in the current group
	row     int   // rows read
	err     error

	user, item []byte
	rating     float32
	time       int64
}

// column reads the values of one column chunk page by page.
type column struct {
	name  string
	index int
	kind  parquet.Kind
	scale float64 // 10^scale of a decimal, else 1
	// perSecond is the number of units a second of a TIMESTAMP column
	// (1000 for milliseconds), else 0.
	perSecond int64
	pages     parquet.Pages
	page      parquet.Page
	values    parquet.ValueReader
	buf       []parquet.Value
	i, n      int
	text      []byte // an id formatted from a number
	last      int64  // the number text holds
}

// Len returns the number of rows of the file.
func (s *source) Len() int64 { return s.file.NumRows() }

func (s *source) Next() bool {
	if s.err != nil {
		return false
	}
	for s.left == 0 {
		groups := s.file.RowGroups()
		if s.group >= len(groups) {
			return false
		}
		rg := groups[s.group]
		s.group++
		s.left = rg.NumRows()
		chunks := rg.ColumnChunks()
		for k := range s.cols {
			c := &s.cols[k]
			if c.pages != nil {
				c.pages.Close()
			}
			if c.page != nil {
				parquet.Release(c.page)
			}
			c.pages, c.page, c.values, c.i, c.n = chunks[c.index].Pages(), nil, nil, 0, 0
			if c.buf == nil {
				c.buf = make([]parquet.Value, 1024)
			}
		}
	}
	s.left--
	s.row++
	var vals [4]parquet.Value
	for k := range s.cols {
		v, err := s.cols[k].next()
		if err != nil {
			s.err = s.fail(k, err)
			return false
		}
		if v.IsNull() {
			s.err = s.fail(k, errors.New("NULL"))
			return false
		}
		vals[k] = v
	}
	var err error
	if s.user, err = s.cols[0].id(vals[0]); err != nil {
		s.err = s.fail(0, err)
		return false
	}
	if s.item, err = s.cols[1].id(vals[1]); err != nil {
		s.err = s.fail(1, err)
		return false
	}
	s.rating = 1
	if !s.unrated {
		if s.rating, err = s.cols[2].value(vals[2]); err != nil {
			s.err = s.fail(2, err)
			return false
		}
	}
	if len(s.cols) > timeCol {
		if s.time, err = s.cols[timeCol].unixTime(vals[timeCol]); err != nil {
			s.err = s.fail(timeCol, err)
			return false
		}
	}
	return true
}

// Unrated reports whether the file has no rating column (user and item
// only: an interaction table); each row's rating is then 1.
func (s *source) Unrated() bool { return s.unrated }

// HasTime reports whether the file has a timestamp column.
func (s *source) HasTime() bool { return len(s.cols) > timeCol }

// DropTime makes the source ignore its timestamp column (the mapping
// time=none); call it before the first Next.
func (s *source) DropTime() { s.cols = s.cols[:min(len(s.cols), timeCol)] }

// Time returns the current row's time in Unix seconds (0 without a
// timestamp column).
func (s *source) Time() int64 { return s.time }

// unixTime returns the time v holds in Unix seconds: an integer (seconds,
// or a TIMESTAMP's units, rounded down to the second) or text, within the
// years dataset.CheckUnix accepts.
func (c *column) unixTime(v parquet.Value) (int64, error) {
	var x int64
	switch c.kind {
	case parquet.ByteArray, parquet.FixedLenByteArray:
		return dataset.ParseTime(v.ByteArray())
	case parquet.Int32:
		x = int64(v.Int32())
	case parquet.Int64:
		x = v.Int64()
	}
	if c.perSecond > 1 {
		q := x / c.perSecond
		if x%c.perSecond < 0 {
			q--
		}
		x = q
	}
	return x, dataset.CheckUnix(x)
}

func (s *source) fail(col int, err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return &dataset.ParseError{File: s.name, Row: s.row, Field: s.cols[col].name, Err: errors.New("the column has fewer values than the row group has rows")}
	}
	return &dataset.ParseError{File: s.name, Row: s.row, Field: s.cols[col].name, Err: err}
}

func (s *source) Row() (user, item []byte, rating float32) { return s.user, s.item, s.rating }

func (s *source) Err() error {
	var pe *dataset.ParseError
	if s.err == nil || errors.As(s.err, &pe) {
		return s.err
	}
	return fmt.Errorf("dataset: %s: row %d: %w", s.name, s.row, s.err)
}

func (s *source) Close() error {
	for k := range s.cols {
		if p := s.cols[k].pages; p != nil {
			p.Close()
			s.cols[k].pages = nil
		}
	}
	return nil
}

// next returns the column's next value, reading pages as needed.
func (c *column) next() (parquet.Value, error) {
	for c.i >= c.n {
		if c.values == nil {
			// Every value of the last page has been used (the ids of the
			// row before were interned before this call): its buffers can
			// go back to the pool of the Parquet library.
			if c.page != nil {
				parquet.Release(c.page)
				c.page = nil
			}
			p, err := c.pages.ReadPage()
			if err == io.EOF {
				return parquet.Value{}, io.ErrUnexpectedEOF
			}
			if err != nil {
				return parquet.Value{}, err
			}
			c.page, c.values = p, p.Values()
		}
		n, err := c.values.ReadValues(c.buf)
		c.i, c.n = 0, n
		if err == io.EOF {
			c.values = nil
		} else if err != nil {
			return parquet.Value{}, err
		}
	}
	v := c.buf[c.i]
	c.i++
	return v, nil
}

// id returns the raw id v holds: a string's bytes, a number's decimal text.
func (c *column) id(v parquet.Value) ([]byte, error) {
	switch c.kind {
	case parquet.ByteArray, parquet.FixedLenByteArray:
		if b := v.ByteArray(); len(b) > 0 {
			return b, nil
		}
		return nil, errors.New("empty id")
	case parquet.Int32:
		c.text = c.appendNumber(int64(v.Int32()))
	case parquet.Int64:
		c.text = c.appendNumber(v.Int64())
	case parquet.Float:
		c.text = strconv.AppendFloat(c.text[:0], float64(v.Float()), 'g', -1, 32)
	case parquet.Double:
		c.text = strconv.AppendFloat(c.text[:0], v.Double(), 'g', -1, 64)
	}
	return c.text, nil
}

// appendNumber formats an integer (or an integer decimal) as text, or
// returns the text of the last one again when x repeats it (as a user id
// does in a table sorted by user).
func (c *column) appendNumber(x int64) []byte {
	if x == c.last && len(c.text) > 0 {
		return c.text
	}
	c.last = x
	if c.scale == 1 {
		return strconv.AppendInt(c.text[:0], x, 10)
	}
	return strconv.AppendFloat(c.text[:0], float64(x)/c.scale, 'g', -1, 64)
}

// value returns the rating v holds.
func (c *column) value(v parquet.Value) (float32, error) {
	var f float64
	switch c.kind {
	case parquet.ByteArray, parquet.FixedLenByteArray:
		return dataset.ParseRating(v.ByteArray())
	case parquet.Int32:
		f = float64(v.Int32()) / c.scale
	case parquet.Int64:
		f = float64(v.Int64()) / c.scale
	case parquet.Float:
		f = float64(v.Float())
	case parquet.Double:
		f = v.Double()
	}
	return dataset.CheckRating(f)
}
