package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/dataset/sqlsrc"
	"github.com/recnet/recnet/internal/quote"
)

// maxIdentifier is the longest name PostgreSQL keeps (NAMEDATALEN-1
// bytes); it cuts longer ones.
const maxIdentifier = 63

// DefaultEmbeddingTable is the table a target URL names without table=.
const DefaultEmbeddingTable = "item_embeddings"

// Target is where WriteEmbeddings writes: a database and a table name.
type Target struct {
	Config *pgconn.Config
	Table  string // the table table= names, DefaultEmbeddingTable without one
	Name   string // the URL, redacted, for errors
}

// ParseTarget reads a "postgres:" URL naming a table to write:
// postgres://USER@HOST/DB?table=NAME and pgx's connection parameters, as
// a source URL takes them. NAME is a plain identifier (letters, digits and
// "_", at most 63 bytes), taken as written (it is quoted, so case
// matters); query= is an error.
func ParseTarget(dst string) (Target, error) {
	u, err := parseURL(dst)
	if err != nil {
		return Target{}, err
	}
	table, err := sqlsrc.TableOf(u, DefaultEmbeddingTable)
	if err == nil {
		err = CheckTable(table)
	}
	if err != nil {
		return Target{}, err
	}
	cfg, err := config(u)
	if err != nil {
		return Target{}, err
	}
	delete(cfg.RuntimeParams, "default_transaction_read_only") // config's, for reading
	return Target{Config: cfg, Table: table, Name: dataset.SourceName(dst)}, nil
}

// CheckTable returns an error unless name is a table name WriteEmbeddings
// takes: a plain identifier of at most 63 bytes.
func CheckTable(name string) error {
	if !sqlsrc.IsIdentifier(name) {
		return fmt.Errorf("table name %s is not a plain identifier (letters, digits and _)", quote.Short(name))
	}
	if len(name) > maxIdentifier {
		return fmt.Errorf("table name %s is longer than PostgreSQL's %d bytes", quote.Short(name), maxIdentifier)
	}
	return nil
}

// Embeddings is a table WriteEmbeddings writes: a row per id, with its
// bias and its embedding.
type Embeddings struct {
	Table string    // a plain identifier (see CheckTable)
	IDs   []string  // valid UTF-8 without NUL bytes, as PostgreSQL text holds it
	Bias  []float32 // a bias per id, or nil: the column bias is then NULL
	Dim   int       // the length of an embedding
	Data  []float32 // the embeddings, id after id: len(IDs)*Dim values
}

// WriteEmbeddings writes each table into the database of t as
//
//	CREATE TABLE name (id text PRIMARY KEY, bias real, embedding real[] NOT NULL)
//
// in one transaction: each table is filled under a new temporary name
// with COPY, then the table of its name, if any, is dropped and the new
// one renamed in its place. Either every table is replaced or, on any
// error, none: the database is as it was.
func WriteEmbeddings(ctx context.Context, t Target, tables ...Embeddings) error {
	for _, e := range tables {
		if err := e.check(); err != nil {
			return fmt.Errorf("postgres: %s: table %s: %w", t.Name, e.Table, err)
		}
	}
	conn, err := pgconn.ConnectConfig(ctx, t.Config)
	if err != nil {
		return fmt.Errorf("postgres: %s: %w", t.Name, scrub(err, t.Config.Password))
	}
	defer closeConn(conn) // without COMMIT, the transaction is rolled back
	if err := exec(ctx, conn, "BEGIN"); err != nil {
		return fmt.Errorf("postgres: %s: %w", t.Name, err)
	}
	for _, e := range tables {
		if err := replace(ctx, conn, e); err != nil {
			return fmt.Errorf("postgres: %s: table %s: %w", t.Name, e.Table, err)
		}
	}
	if err := exec(ctx, conn, "COMMIT"); err != nil {
		return fmt.Errorf("postgres: %s: %w", t.Name, err)
	}
	return nil
}

func (e Embeddings) check() error {
	if err := CheckTable(e.Table); err != nil {
		return err
	}
	if e.Dim < 0 || len(e.Data) != len(e.IDs)*e.Dim || e.Bias != nil && len(e.Bias) != len(e.IDs) {
		return fmt.Errorf("%d ids, %d biases, %d values of dimension %d do not match", len(e.IDs), len(e.Bias), len(e.Data), e.Dim)
	}
	for k, id := range e.IDs {
		if !utf8.ValidString(id) || containsNUL(id) {
			return fmt.Errorf("id %s (row %d) is not text PostgreSQL holds (valid UTF-8 without NUL bytes)", quote.Short(id), k+1)
		}
	}
	return nil
}

func containsNUL(s string) bool {
	for k := range len(s) {
		if s[k] == 0 {
			return true
		}
	}
	return false
}

// replace fills a table under a new name and puts it in the place of
// e.Table, in the transaction open on conn.
func replace(ctx context.Context, conn *pgconn.PgConn, e Embeddings) error {
	var r [8]byte
	if _, err := rand.Read(r[:]); err != nil {
		return err
	}
	schema, err := ownTable(ctx, conn, e.Table)
	if err != nil {
		return err
	}
	// Both names in the current schema: a bare DROP would follow
	// search_path to a table of that name in another schema.
	tmp := schema + `."recnet_new_` + hex.EncodeToString(r[:]) + `"`
	name := schema + `."` + e.Table + `"` // a plain identifier: nothing to escape
	if err := exec(ctx, conn, "CREATE TABLE "+tmp+" (id text NOT NULL, bias real, embedding real[] NOT NULL)"); err != nil {
		return err
	}
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(writeCopy(pw, e)) }()
	_, err = conn.CopyFrom(ctx, pr, "COPY "+tmp+" (id, bias, embedding) FROM STDIN")
	pr.CloseWithError(errors.New("COPY ended")) // stops the writer if COPY failed
	if err != nil {
		return err
	}
	return exec(ctx, conn, "DROP TABLE IF EXISTS "+name+"; ALTER TABLE "+tmp+` RENAME TO "`+e.Table+`"; ALTER TABLE `+name+" ADD PRIMARY KEY (id)")
}

// ErrNotExport is wrapped by WriteEmbeddings' error for a table of the
// name that holds other columns than an export writes: it is left as it
// is.
var ErrNotExport = errors.New("not a table an export wrote")

// embeddingColumns are the columns of a table WriteEmbeddings writes, as
// information_schema names their types.
const embeddingColumns = "id text, bias real, embedding _float4"

// ownTable returns the current schema, quoted, after checking that a table
// named table there is absent or holds the columns WriteEmbeddings writes
// (an earlier export): any other table is refused, not replaced.
func ownTable(ctx context.Context, conn *pgconn.PgConn, table string) (string, error) {
	res := conn.ExecParams(ctx, `SELECT current_schema(), coalesce((SELECT string_agg(column_name || ' ' || (CASE WHEN data_type = 'ARRAY' THEN udt_name ELSE data_type END), ', ' ORDER BY ordinal_position)
		FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1), '')`,
		[][]byte{[]byte(table)}, nil, nil, nil).Read()
	if res.Err != nil {
		return "", res.Err
	}
	if len(res.Rows) != 1 || len(res.Rows[0]) != 2 || res.Rows[0][0] == nil {
		return "", errors.New("no current schema to write to (search_path names none that exists)")
	}
	schema, cols := string(res.Rows[0][0]), string(res.Rows[0][1])
	if cols != "" && cols != embeddingColumns {
		return "", fmt.Errorf("%w: a table of that name exists in schema %s with other columns (%s), not the (%s) an export writes, and is left as it is; name another table= or drop it yourself", ErrNotExport, quote.Short(schema), quote.Short(cols), embeddingColumns)
	}
	return `"` + strings.ReplaceAll(schema, `"`, `""`) + `"`, nil
}

// writeCopy writes e's rows as COPY's text format: tab-separated, \N for
// NULL, an array as {v,v,...}.
func writeCopy(w io.Writer, e Embeddings) error {
	var b []byte
	for k, id := range e.IDs {
		b = appendCopyText(b, id)
		b = append(b, '\t')
		if e.Bias == nil {
			b = append(b, `\N`...)
		} else {
			b = appendReal(b, e.Bias[k])
		}
		b = append(b, '\t', '{')
		for j, v := range e.Data[k*e.Dim : (k+1)*e.Dim] {
			if j > 0 {
				b = append(b, ',')
			}
			b = appendReal(b, v)
		}
		b = append(b, '}', '\n')
		if len(b) >= 64<<10 || k == len(e.IDs)-1 {
			if _, err := w.Write(b); err != nil {
				return err
			}
			b = b[:0]
		}
	}
	return nil
}

// appendCopyText appends s escaped for COPY's text format.
func appendCopyText(b []byte, s string) []byte {
	for k := range len(s) {
		switch c := s[k]; c {
		case '\\':
			b = append(b, `\\`...)
		case '\t':
			b = append(b, `\t`...)
		case '\n':
			b = append(b, `\n`...)
		case '\r':
			b = append(b, `\r`...)
		default:
			b = append(b, c)
		}
	}
	return b
}

// appendReal appends v as PostgreSQL reads a real: the shortest decimal
// form, NaN, Infinity or -Infinity.
func appendReal(b []byte, v float32) []byte {
	switch {
	case math.IsInf(float64(v), 1):
		return append(b, "Infinity"...)
	case math.IsInf(float64(v), -1):
		return append(b, "-Infinity"...)
	}
	return strconv.AppendFloat(b, float64(v), 'g', -1, 32)
}

// exec runs sql (statements of ours, no parameters) on conn.
func exec(ctx context.Context, conn *pgconn.PgConn, sql string) error {
	_, err := conn.Exec(ctx, sql).ReadAll()
	return err
}
