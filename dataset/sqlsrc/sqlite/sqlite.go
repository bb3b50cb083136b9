package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/recnet/recnet/internal/quote"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/dataset/sqlsrc"
	"modernc.org/sqlite" // registers the database/sql driver "sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

func init() {
	dataset.RegisterScheme("sqlite", Open)
	dataset.RegisterScheme("sqlite3", Open)
	dataset.RegisterLocalFile("sqlite", dbFile)
	dataset.RegisterLocalFile("sqlite3", dbFile)
}

// dbFile returns the database file of a "sqlite:" source URL.
func dbFile(src string) (string, bool) {
	path, _, err := Parse(src)
	return path, err == nil
}

// Open runs the query of a "sqlite:" source URL (see the package
// documentation) and returns its rows.
func Open(ctx context.Context, src string, _ dataset.Options) (dataset.RowSource, error) {
	path, query, err := Parse(src)
	src = dataset.SourceName(src) // for errors: a long query is cut
	if err != nil {
		return nil, fmt.Errorf("dataset: %s: %w", src, err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("dataset: %s: %w", src, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("dataset: %s: %s is not a database file", src, quote.Short(path))
	}
	db, conn, err := openReadOnly(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("dataset: %s: %w", src, err)
	}
	closeBoth := func() error { return errors.Join(conn.Close(), db.Close()) }
	rows, err := sqlsrc.Query(ctx, conn, query, src, closeBoth)
	if err != nil {
		closeBoth()
		return nil, err
	}
	return rows, nil
}

// openReadOnly opens the database file at path read-only (mode=ro) and
// returns one connection on which no statement can write to any database
// or file: PRAGMA query_only is on, no database can be attached, and an
// authorizer lets SQLite compile only reads (SELECT, reading columns,
// recursive common table expressions and functions other than
// load_extension). PRAGMA, ATTACH, DETACH, VACUUM (it needs a
// transaction), transactions, writes and schema changes are denied as the
// statement is prepared. The caller closes the connection, then the DB.
func openReadOnly(ctx context.Context, path string) (*sql.DB, *sql.Conn, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, nil, err
	}
	params, err := walParams(abs)
	if err != nil {
		return nil, nil, err
	}
	dsn := (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String() + "?mode=ro" + params + "&_query_only=1"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, nil, err
	}
	db.SetMaxOpenConns(1)
	conn, err := db.Conn(ctx)
	if err == nil {
		_, err = sqlite.Limit(conn, sqlite3.SQLITE_LIMIT_ATTACHED, 0)
	}
	if err == nil {
		err = conn.Raw(func(dc any) error {
			ra, ok := dc.(sqlite.AuthorizerRegisterer)
			if !ok {
				return fmt.Errorf("the driver connection %T has no authorizer", dc)
			}
			return ra.RegisterAuthorizer(readOnly)
		})
	}
	if err != nil {
		if conn != nil {
			conn.Close()
		}
		db.Close()
		return nil, nil, err
	}
	return db, conn, nil
}

// walParams returns the extra URI parameters that open the database file
// at path without creating a file: none for a rollback-journal database,
// and immutable=1 for one in WAL mode (bytes 18 and 19 of the header are
// 2), which SQLite would otherwise read through new -wal and -shm files
// even with mode=ro. A WAL database with a -wal file beside it is live or
// was not closed cleanly: its latest rows may be in that file, which
// immutable would ignore, so it is refused.
func walParams(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	var h [20]byte
	if _, err := io.ReadFull(f, h[:]); err != nil || h[18] != 2 && h[19] != 2 {
		return "", nil // not WAL (or too short: SQLite says what it is)
	}
	if _, err := os.Lstat(path + "-wal"); err == nil {
		return "", fmt.Errorf("%s is a WAL database in use or not closed cleanly (%s exists): reading it would write beside it; checkpoint it first (sqlite3 %s 'PRAGMA wal_checkpoint(TRUNCATE)', with no other program using it) or copy it with .backup",
			quote.Short(filepath.Base(path)), quote.Short(filepath.Base(path)+"-wal"), quote.Short(path))
	}
	return "&immutable=1", nil
}

// readOnly is the authorizer of openReadOnly: it allows what a query
// needs to read and denies everything else.
func readOnly(action sqlite.AuthorizerActionCode, arg1, arg2, _, _ string) sqlite.AuthorizerReturnCode {
	switch action {
	case sqlite.AuthSelect, sqlite.AuthRead, sqlite.AuthRecursive:
		return sqlite.AuthorizerOK
	case sqlite.AuthFunction:
		if !strings.EqualFold(arg2, "load_extension") {
			return sqlite.AuthorizerOK
		}
	}
	return sqlite.AuthorizerDeny
}

// Parse returns the database path and the SQL query of a "sqlite:" (or
// "sqlite3:") source URL. A "#" is refused: it would start a fragment and
// cut off the rest of the query (write %23). So is a NUL byte (%00) in the
// path or a parameter. In query= and table=, "+" is a plus (see
// sqlsrc.QueryOf).
func Parse(src string) (path, query string, err error) {
	if strings.IndexByte(src, '#') >= 0 {
		return "", "", errors.New(`a "#" would start a URL fragment and cut off what follows: write it %23`)
	}
	u, err := url.Parse(src)
	if err != nil {
		return "", "", err
	}
	if s := strings.ToLower(u.Scheme); s != "sqlite" && s != "sqlite3" {
		return "", "", fmt.Errorf("scheme %q is not sqlite", u.Scheme)
	}
	switch {
	case u.Opaque != "":
		path, err = url.PathUnescape(u.Opaque)
		if err != nil {
			return "", "", err
		}
	case u.Host != "":
		path = u.Host + u.Path
	default:
		path = u.Path
	}
	if strings.IndexByte(path, 0) >= 0 {
		return "", "", errors.New("the database path holds a NUL byte (%00)")
	}
	if path == "" {
		return "", "", errors.New("no database path (want sqlite:///abs/path.db or sqlite:rel/path.db)")
	}
	if query, err = sqlsrc.QueryOf(u); err != nil {
		return "", "", err
	}
	if u.RawQuery != "" {
		return "", "", fmt.Errorf("unknown parameters %q (want query= or table=)", u.RawQuery)
	}
	return filepath.FromSlash(path), query, nil
}
