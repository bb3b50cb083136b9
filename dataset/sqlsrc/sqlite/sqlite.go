package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/dataset/sqlsrc"
	_ "modernc.org/sqlite" // registers the database/sql driver "sqlite"
)

func init() {
	dataset.RegisterScheme("sqlite", Open)
	dataset.RegisterScheme("sqlite3", Open)
}

// Open runs the query of a "sqlite:" source URL (see the package
// documentation) and returns its rows.
func Open(ctx context.Context, src string, _ dataset.Options) (dataset.RowSource, error) {
	path, query, err := Parse(src)
	if err != nil {
		return nil, fmt.Errorf("dataset: %s: %w", src, err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("dataset: %s: %w", src, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("dataset: %s: %s is not a database file", src, path)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("dataset: %s: %w", src, err)
	}
	dsn := (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String() + "?mode=ro"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("dataset: %s: %w", src, err)
	}
	db.SetMaxOpenConns(1)
	rows, err := sqlsrc.Query(ctx, db, query, src, db.Close)
	if err != nil {
		db.Close()
		return nil, err
	}
	return rows, nil
}

// Parse returns the database path and the SQL query of a "sqlite:" (or
// "sqlite3:") source URL.
func Parse(src string) (path, query string, err error) {
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
