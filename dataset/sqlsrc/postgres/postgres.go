package postgres

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/dataset/sqlsrc"
	"github.com/recnet/recnet/internal/quote"
)

func init() {
	dataset.RegisterScheme("postgres", Open)
	dataset.RegisterScheme("postgresql", Open)
}

// Open runs the query of a "postgres:" source URL (see the package
// documentation) in a read-only transaction and returns its rows.
func Open(ctx context.Context, src string, _ dataset.Options) (dataset.RowSource, error) {
	name := dataset.SourceName(src) // for errors: no password, a long query cut
	cfg, query, err := Parse(src)
	if err != nil {
		return nil, fmt.Errorf("dataset: %s: %w", name, err)
	}
	conn, err := pgconn.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("dataset: %s: %w", name, scrub(err, cfg.Password))
	}
	rows, err := runQuery(ctx, conn, query, name)
	if err != nil {
		closeConn(conn)
		return nil, scrub(err, cfg.Password)
	}
	return rows, nil
}

// Parse returns the connection settings and the SQL query of a
// "postgres:" (or "postgresql:") source URL. A "#" is refused: it would
// start a fragment and cut off the rest of the query (write %23).
func Parse(src string) (*pgconn.Config, string, error) {
	u, err := parseURL(src)
	if err != nil {
		return nil, "", err
	}
	query, err := sqlsrc.QueryOf(u)
	if err != nil {
		return nil, "", err
	}
	cfg, err := config(u)
	return cfg, query, err
}

// parseURL parses a "postgres:" URL.
func parseURL(src string) (*url.URL, error) {
	if strings.IndexByte(src, '#') >= 0 {
		return nil, errors.New(`a "#" would start a URL fragment and cut off what follows: write it %23`)
	}
	u, err := url.Parse(src)
	if err != nil {
		return nil, errors.New("not a URL") // url's error quotes the URL, password and all
	}
	if s := strings.ToLower(u.Scheme); s != "postgres" && s != "postgresql" {
		return nil, fmt.Errorf("scheme %s is not postgres", quote.Short(u.Scheme))
	}
	return u, nil
}

// config returns pgconn's settings for u, whose recnet parameters were
// removed: the session starts read-only.
func config(u *url.URL) (*pgconn.Config, error) {
	for key := range u.Query() {
		if strings.EqualFold(key, "default_transaction_read_only") {
			return nil, fmt.Errorf("%s is recnet's to set (a source reads in a read-only session, an export writes in one that is not): leave it out of the URL", quote.Short(key))
		}
	}
	cfg, err := pgconn.ParseConfig(u.String())
	if err != nil {
		var pe *pgconn.ParseConfigError
		if errors.As(err, &pe) { // its text holds the URL
			err = errors.New("bad connection settings")
			if inner := pe.Unwrap(); inner != nil {
				err = fmt.Errorf("bad connection settings: %w", inner)
			}
		}
		pw, _ := u.User.Password()
		return nil, scrub(err, pw)
	}
	cfg.BuildFrontend = bufferedFrontend
	cfg.RuntimeParams["default_transaction_read_only"] = "on"
	if cfg.RuntimeParams["application_name"] == "" {
		cfg.RuntimeParams["application_name"] = "recnet"
	}
	return cfg, nil
}

// readBuffer is the size of the buffer rows are read through: pgproto3
// reads 8 KiB at a time, which costs a system call per few hundred rows.
const readBuffer = 1 << 20

// MaxMessageMiB bounds a message from the server, in MiB: pgproto3
// allocates a message's declared length before reading it (1 GiB by
// default). A row of a ratings table takes a few dozen bytes.
const MaxMessageMiB = 16

// bufferedFrontend reads the server's messages through a buffer of
// readBuffer bytes, refusing one longer than MaxMessageMiB.
func bufferedFrontend(r io.Reader, w io.Writer) *pgproto3.Frontend {
	f := pgproto3.NewFrontend(bufio.NewReaderSize(r, readBuffer), w)
	f.SetMaxBodyLen(MaxMessageMiB << 20)
	return f
}

// scrub returns err with every occurrence of the password pw in its text
// replaced by dataset.Redacted.
func scrub(err error, pw string) error {
	if err == nil || pw == "" || !strings.Contains(err.Error(), pw) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), pw, dataset.Redacted))
}

// closeConn closes conn without reading the rest of a result: the
// server ends the session and rolls back its transaction.
func closeConn(conn *pgconn.PgConn) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return conn.Close(ctx)
}
