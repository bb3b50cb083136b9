package postgres

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/dataset/sqlsrc"
)

// Rows is the result of a query as a dataset.RowSource (and a
// dataset.TimeSource): see the package documentation for the columns and
// types it reads. Its rows are decoded one at a time as pgconn receives
// them.
type Rows struct {
	conn   *pgconn.PgConn
	rr     *pgconn.ResultReader
	name   string
	fields []pgconn.FieldDescription
	pick   [3]int
	tcol   int // the timestamp column, or -1
	time   int64
	ids    [2]sqlsrc.IDText
	row    int
	rating float32
	done   bool // the result was read to its end
	err    error
}

// runQuery runs query in a READ ONLY transaction on conn and returns its
// rows; closing them closes conn. name (the source URL, redacted) is used
// in errors.
func runQuery(ctx context.Context, conn *pgconn.PgConn, query, name string) (*Rows, error) {
	if err := exec(ctx, conn, "BEGIN TRANSACTION READ ONLY"); err != nil {
		return nil, fmt.Errorf("dataset: %s: %w", name, err)
	}
	sd, err := conn.Prepare(ctx, "", query, nil) // the unnamed statement: one statement, described
	if err != nil {
		return nil, fmt.Errorf("dataset: %s: %w", name, err)
	}
	cols := make([]string, len(sd.Fields))
	formats := make([]int16, len(sd.Fields))
	for k, f := range sd.Fields {
		cols[k] = f.Name
		if binaryOID(f.DataTypeOID) {
			formats[k] = pgtype.BinaryFormatCode
		}
	}
	r := &Rows{conn: conn, name: name}
	if r.pick[0], r.pick[1], r.pick[2], r.tcol, err = dataset.PickTimedColumns(cols); err != nil {
		return nil, fmt.Errorf("dataset: %s: %w", name, err)
	}
	r.rr = conn.ExecStatement(ctx, sd, nil, nil, formats)
	r.fields = r.rr.FieldDescriptions()
	if r.fields == nil { // the statement failed before its first row
		_, err := r.rr.Close()
		return nil, fmt.Errorf("dataset: %s: %w", name, err)
	}
	return r, nil
}

// binaryOID reports whether Rows reads a column of the type oid in
// binary form; it reads the others (text among them, whose binary form is
// its text) as text.
func binaryOID(oid uint32) bool {
	switch oid {
	case pgtype.Int2OID, pgtype.Int4OID, pgtype.Int8OID, pgtype.Float4OID, pgtype.Float8OID,
		pgtype.ByteaOID, pgtype.TimestampOID, pgtype.TimestamptzOID, pgtype.DateOID:
		return true
	}
	return false
}

// Next decodes the next row and checks it: no NULL, no empty id, a finite
// rating, a time within range. A bad row stops the rows with a
// *dataset.ParseError naming the row (1-based) and the column.
func (r *Rows) Next() bool {
	if r.err != nil || r.done {
		return false
	}
	if !r.rr.NextRow() {
		r.done = true
		if _, err := r.rr.Close(); err != nil {
			r.err = fmt.Errorf("dataset: %s: after row %d: %w", r.name, r.row, err)
		}
		return false
	}
	r.row++
	vals := r.rr.Values()
	if len(vals) != len(r.fields) {
		r.err = fmt.Errorf("dataset: %s: row %d has %d values, the result %d columns", r.name, r.row, len(vals), len(r.fields))
		return false
	}
	for role := range 2 {
		if err := r.id(&r.ids[role], r.pick[role], vals[r.pick[role]]); err != nil {
			r.err = r.fail(r.pick[role], err)
			return false
		}
	}
	r.rating = 1
	if c := r.pick[2]; c >= 0 {
		v, err := r.ratingValue(c, vals[c])
		if err != nil {
			r.err = r.fail(c, err)
			return false
		}
		r.rating = v
	}
	if c := r.tcol; c >= 0 {
		t, err := r.timeValue(c, vals[c])
		if err != nil {
			r.err = r.fail(c, err)
			return false
		}
		r.time = t
	}
	return true
}

var errNULL = errors.New("NULL")

// id makes t hold the id v of column col.
func (r *Rows) id(t *sqlsrc.IDText, col int, v []byte) error {
	if v == nil {
		return errNULL
	}
	switch f := r.fields[col]; {
	case f.DataTypeOID == pgtype.BPCharOID: // char(n) is padded with spaces
		return t.SetBytes(bytes.TrimRight(v, " "))
	case f.Format != pgtype.BinaryFormatCode:
		return t.SetBytes(v)
	case isInt(f.DataTypeOID):
		x, err := binInt(v)
		if err != nil {
			return err
		}
		t.SetInt(x)
		return nil
	case f.DataTypeOID == pgtype.Float4OID || f.DataTypeOID == pgtype.Float8OID:
		x, bits, err := binFloat(v)
		if err != nil {
			return err
		}
		return t.SetFloat(x, bits)
	}
	return t.SetBytes(v)
}

// ratingValue returns the rating v of column col.
func (r *Rows) ratingValue(col int, v []byte) (float32, error) {
	if v == nil {
		return 0, errNULL
	}
	switch f := r.fields[col]; {
	case f.Format != pgtype.BinaryFormatCode:
		return dataset.ParseRating(v)
	case isInt(f.DataTypeOID):
		x, err := binInt(v)
		if err != nil {
			return 0, err
		}
		return dataset.CheckRating(float64(x))
	case f.DataTypeOID == pgtype.Float4OID || f.DataTypeOID == pgtype.Float8OID:
		x, _, err := binFloat(v)
		if err != nil {
			return 0, err
		}
		return dataset.CheckRating(x)
	}
	return 0, fmt.Errorf("a column of type %s is not a rating", typeName(r.fields[col].DataTypeOID))
}

// pgEpoch is 2000-01-01 00:00:00 UTC, PostgreSQL's epoch, in Unix seconds.
const pgEpoch = 946684800

// timeValue returns the time v of column col in Unix seconds.
func (r *Rows) timeValue(col int, v []byte) (int64, error) {
	if v == nil {
		return 0, errNULL
	}
	switch f := r.fields[col]; {
	case f.Format != pgtype.BinaryFormatCode:
		return dataset.ParseTime(v)
	case isInt(f.DataTypeOID):
		x, err := binInt(v)
		if err != nil {
			return 0, err
		}
		return x, dataset.CheckUnix(x)
	case f.DataTypeOID == pgtype.Float4OID || f.DataTypeOID == pgtype.Float8OID:
		x, _, err := binFloat(v)
		if err != nil {
			return 0, err
		}
		return sqlsrc.UnixFloat(x)
	case f.DataTypeOID == pgtype.TimestampOID || f.DataTypeOID == pgtype.TimestamptzOID:
		if len(v) != 8 {
			return 0, errSize
		}
		us := int64(binary.BigEndian.Uint64(v)) // microseconds since pgEpoch; ±infinity at the ends
		if us == math.MaxInt64 || us == math.MinInt64 {
			return 0, errors.New("an infinite timestamp is not a time")
		}
		t := pgEpoch + floorDiv(us, 1e6)
		return t, dataset.CheckUnix(t)
	case f.DataTypeOID == pgtype.DateOID:
		if len(v) != 4 {
			return 0, errSize
		}
		d := int32(binary.BigEndian.Uint32(v))
		if d == math.MaxInt32 || d == math.MinInt32 {
			return 0, errors.New("an infinite date is not a time")
		}
		t := pgEpoch + int64(d)*86400
		return t, dataset.CheckUnix(t)
	}
	return 0, fmt.Errorf("a column of type %s is not a time", typeName(r.fields[col].DataTypeOID))
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

var errSize = errors.New("a binary value of the wrong size")

func isInt(oid uint32) bool {
	return oid == pgtype.Int2OID || oid == pgtype.Int4OID || oid == pgtype.Int8OID
}

// binInt decodes a binary int2, int4 or int8.
func binInt(v []byte) (int64, error) {
	switch len(v) {
	case 2:
		return int64(int16(binary.BigEndian.Uint16(v))), nil
	case 4:
		return int64(int32(binary.BigEndian.Uint32(v))), nil
	case 8:
		return int64(binary.BigEndian.Uint64(v)), nil
	}
	return 0, errSize
}

// binFloat decodes a binary float4 or float8, and returns its size in bits.
func binFloat(v []byte) (float64, int, error) {
	switch len(v) {
	case 4:
		return float64(math.Float32frombits(binary.BigEndian.Uint32(v))), 32, nil
	case 8:
		return math.Float64frombits(binary.BigEndian.Uint64(v)), 64, nil
	}
	return 0, 0, errSize
}

// typeName names a type by its OID.
func typeName(oid uint32) string {
	if t, ok := pgtype.NewMap().TypeForOID(oid); ok {
		return t.Name
	}
	return "oid " + strconv.FormatUint(uint64(oid), 10)
}

func (r *Rows) fail(col int, err error) error {
	return &dataset.ParseError{File: r.name, Row: r.row, Field: r.fields[col].Name, Err: err}
}

// Row returns the current row; the ids are valid until the next Next.
func (r *Rows) Row() (user, item []byte, rating float32) {
	return r.ids[0].Bytes(), r.ids[1].Bytes(), r.rating
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

// Err returns the error that stopped Next, if any.
func (r *Rows) Err() error { return r.err }

// Close ends the query: it closes the connection, which rolls back the
// read-only transaction, without reading rows not yet read.
func (r *Rows) Close() error {
	if r.conn == nil {
		return nil
	}
	err := closeConn(r.conn)
	r.conn = nil
	return err
}
