package sqlite

import (
	"context"
	"crypto/sha256"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/recnet/recnet/dataset"
)

// snapshot returns the name and SHA-256 of every file under dir.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		out[p] = fmt.Sprintf("%x", sha256.Sum256(b))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// readOnlyFixture makes a directory with the source database r.db and a
// victim database victim.db, both with a table ratings of three rows.
func readOnlyFixture(t *testing.T) (dir, src, victim string) {
	dir = t.TempDir()
	for _, name := range []string{"r.db", "victim.db"} {
		exec(t, filepath.Join(dir, name),
			`CREATE TABLE ratings (user TEXT, item TEXT, rating REAL)`,
			`INSERT INTO ratings VALUES ('u1', 'a', 4.5), ('u2', 'a', 3), ('u1', 'b', 5)`)
	}
	return dir, "sqlite://" + filepath.ToSlash(filepath.Join(dir, "r.db")), filepath.ToSlash(filepath.Join(dir, "victim.db"))
}

// TestReadOnlySource runs queries that would write to the source, to
// another database or to a new file, and checks by checksum and by the
// directory listing that nothing was written or created.
func TestReadOnlySource(t *testing.T) {
	dir, src, victim := readOnlyFixture(t)
	before := snapshot(t, dir)
	sel := "SELECT user, item, rating FROM ratings"
	for _, q := range []string{
		"ATTACH '" + victim + "' AS v; DELETE FROM v.ratings; " + sel,
		"ATTACH '" + dir + "/new.db' AS n; " + sel,
		"ATTACH 'file:" + dir + "/new2.db?mode=rwc' AS n; CREATE TABLE n.t(x); " + sel,
		"VACUUM INTO '" + dir + "/copy.db'",
		"VACUUM",
		"DELETE FROM ratings; " + sel,
		"INSERT INTO ratings VALUES ('x', 'y', 1) RETURNING user, item, rating",
		"WITH n AS (SELECT 1) INSERT INTO ratings SELECT 'x', 'y', 1 FROM n RETURNING user, item, rating",
		"UPDATE ratings SET rating = 1 RETURNING user, item, rating",
		"PRAGMA query_only = 0; DELETE FROM ratings; " + sel,
		"PRAGMA user_version = 7; " + sel,
		"PRAGMA journal_mode = WAL; " + sel,
		"CREATE TABLE t AS " + sel + "; SELECT * FROM t",
		"CREATE TEMP TABLE t AS " + sel + "; SELECT * FROM t",
		"DROP TABLE ratings; " + sel,
		sel + "; DELETE FROM ratings",
		"BEGIN; DELETE FROM ratings; COMMIT; " + sel,
		"SAVEPOINT s; DELETE FROM ratings; RELEASE s; " + sel,
		"REINDEX; " + sel,
		"ANALYZE; " + sel,
	} {
		d, err := dataset.Load(context.Background(), src+"?query="+escape(q), dataset.Options{})
		if err == nil {
			t.Errorf("%s: accepted (%d rows)", q, d.Len())
		}
	}
	for _, table := range []string{"ratings; DELETE FROM ratings", `ratings"; DELETE FROM "ratings`} {
		if _, err := dataset.Load(context.Background(), src+"?table="+escape(table), dataset.Options{}); err == nil {
			t.Errorf("table=%s: accepted", table)
		}
	}
	if after := snapshot(t, dir); !maps.Equal(after, before) {
		t.Errorf("files changed:\nbefore %v\nafter  %v", before, after)
	}
}

// TestReadOnlyEngine runs the writes on the guarded connection itself,
// past the statement check of sqlsrc, so that the engine refuses them.
func TestReadOnlyEngine(t *testing.T) {
	dir, _, victim := readOnlyFixture(t)
	before := snapshot(t, dir)
	ctx := context.Background()
	db, conn, err := openReadOnly(ctx, filepath.Join(dir, "r.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	defer conn.Close()
	for _, q := range []string{
		"ATTACH '" + victim + "' AS v",
		"ATTACH '" + dir + "/new.db' AS n",
		"VACUUM INTO '" + dir + "/copy.db'",
		"VACUUM",
		"DELETE FROM ratings",
		"INSERT INTO ratings VALUES ('x', 'y', 1) RETURNING user",
		"PRAGMA query_only = 0",
		"PRAGMA user_version = 7",
		"CREATE TEMP TABLE t (x)",
		"SELECT load_extension('x')",
	} {
		if _, err := conn.ExecContext(ctx, q); err == nil {
			t.Errorf("%s: accepted", q)
		}
	}
	var n int
	if err := conn.QueryRowContext(ctx, "WITH RECURSIVE c(k) AS (SELECT 1 UNION ALL SELECT k+1 FROM c WHERE k < 3) SELECT count(*) FROM ratings, c").Scan(&n); err != nil || n != 9 {
		t.Errorf("read: %d, %v", n, err)
	}
	if after := snapshot(t, dir); !maps.Equal(after, before) {
		t.Errorf("files changed:\nbefore %v\nafter  %v", before, after)
	}
}

// TestSemicolonKept checks that a ";" ending the query keeps the query:
// it was once dropped with its parameter, and the whole table read.
func TestSemicolonKept(t *testing.T) {
	_, src, _ := readOnlyFixture(t)
	for _, q := range []string{"SELECT user, item, rating FROM ratings WHERE rating > 4;", "SELECT user, item, rating FROM ratings WHERE rating > 4%3B"} {
		d, err := dataset.Load(context.Background(), src+"?query="+q, dataset.Options{})
		if err != nil || d.Len() != 2 {
			t.Errorf("%s: %v, %v; want 2 rows", q, d, err)
		}
	}
	if _, err := dataset.Load(context.Background(), src+"?query=SELECT 1;"+strings.Repeat(" ", 3)+"x", dataset.Options{}); err == nil {
		t.Error("text after ; accepted")
	}
}
