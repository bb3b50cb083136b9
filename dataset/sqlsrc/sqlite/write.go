package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/recnet/recnet/atomicfile"
	"github.com/recnet/recnet/dataset"
)

// insertRows is how many rows one INSERT statement of Write carries.
const insertRows = 200

// Write stores d in a new SQLite file at path as the table (created with
// the columns user, item and rating REAL), in row order; integer ids are
// stored as INTEGER when every raw id is one written canonically, else as
// TEXT. The file is written as atomicfile.WriteFile writes (a temporary
// file renamed over path, a symbolic link followed, any other target that
// is not a regular file refused), so path is replaced whole or not at all.
// Reading the table back gives d.
func Write(ctx context.Context, path, table string, d *dataset.Dataset) error {
	return atomicfile.WriteFile(path, func(tmp string) error {
		db, err := sql.Open("sqlite", tmp+"?_pragma=journal_mode(OFF)&_pragma=synchronous(OFF)")
		if err != nil {
			return fmt.Errorf("sqlite: %w", err)
		}
		defer db.Close()
		db.SetMaxOpenConns(1)
		if err := fill(ctx, db, table, d); err != nil {
			return fmt.Errorf("sqlite: %s: %w", path, err)
		}
		if err := db.Close(); err != nil {
			return fmt.Errorf("sqlite: %s: %w", path, err)
		}
		return nil
	})
}

func fill(ctx context.Context, db *sql.DB, table string, d *dataset.Dataset) error {
	uInt, uok := d.Users.Ints()
	iInt, iok := d.Items.Ints()
	typ := func(ok bool) string {
		if ok {
			return "INTEGER"
		}
		return "TEXT"
	}
	name := `"` + strings.ReplaceAll(table, `"`, `""`) + `"`
	if _, err := db.ExecContext(ctx, fmt.Sprintf(`CREATE TABLE %s (user %s NOT NULL, item %s NOT NULL, rating REAL NOT NULL)`, name, typ(uok), typ(iok))); err != nil {
		return err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	stmt := func(n int) (*sql.Stmt, error) {
		q := "INSERT INTO " + name + " (user, item, rating) VALUES " + strings.TrimSuffix(strings.Repeat("(?,?,?),", n), ",")
		return tx.PrepareContext(ctx, q)
	}
	full, err := stmt(insertRows)
	if err != nil {
		return err
	}
	args := make([]any, 0, 3*insertRows)
	for start := 0; start < d.Len(); start += insertRows {
		end := min(start+insertRows, d.Len())
		args = args[:0]
		for k := start; k < end; k++ {
			var u, i any = d.Users.Raw(d.User[k]), d.Items.Raw(d.Item[k])
			if uok {
				u = uInt[d.User[k]]
			}
			if iok {
				i = iInt[d.Item[k]]
			}
			args = append(args, u, i, float64(d.Value[k]))
		}
		s := full
		if end-start < insertRows {
			if s, err = stmt(end - start); err != nil {
				return err
			}
		}
		if _, err := s.ExecContext(ctx, args...); err != nil {
			return err
		}
	}
	return tx.Commit()
}
