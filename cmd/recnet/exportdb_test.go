package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/recnet/recnet/internal/pgtest"
)

// TestExportToRefused checks the refusals of export --to, before any
// connection.
func TestExportToRefused(t *testing.T) {
	_, _, m := trainedSmall(t, 1)
	for _, c := range []struct {
		args []string
		flag string
	}{
		{[]string{"--to", "postgres://127.0.0.1:1/db?query=SELECT%201"}, "--to"},
		{[]string{"--to", "mysql://ann:Hunter2secret@h/db?table=t"}, "--to"},
		{[]string{"--to", "emb.csv"}, "--to"},
		{[]string{"--to", "postgres://127.0.0.1:1/db?table=a-b"}, "--to"},
		{[]string{"--to", "postgres://127.0.0.1:1/db", "--to-users", "a;b"}, "--to-users"},
		{[]string{"--to", "postgres://127.0.0.1:1/db", "--to-users", "item_embeddings"}, "--to-users"},
		{[]string{"--to-users", "u"}, "--to-users"},
		{[]string{"--to", "postgres://127.0.0.1:1/db", "--dir", "d"}, "--dir"},
		{[]string{"--to", "postgres://127.0.0.1:1/db", "--format", "spark-als"}, "--format"},
	} {
		_, stderr, code := run(t, append([]string{"export", "--model", m}, c.args...)...)
		if code != 2 || !strings.Contains(stderr, c.flag+":") {
			t.Errorf("export %q: exit %d, %q; want 2 naming %s", c.args, code, stderr, c.flag)
		}
		if strings.Contains(stderr, "Hunter2secret") {
			t.Errorf("export %q prints the password: %s", c.args, stderr)
		}
	}
}

// TestExportToPostgres trains on a table of the test server and writes
// the embeddings back into it, as export --dir writes them.
func TestExportToPostgres(t *testing.T) {
	pgtest.Exec(t, `DROP TABLE IF EXISTS cmd_ratings`,
		`CREATE TABLE cmd_ratings AS SELECT 'u' || (g % 300) AS "user", 'c' || (g % 41) AS course, 1 + g % 5 AS rating FROM generate_series(1, 6000) g`)
	dir := t.TempDir()
	m := filepath.Join(dir, "m.recnet")
	if _, stderr, code := run(t, "train", "--data", pgtest.With(t, "table=cmd_ratings"), "--quiet", "--epochs", "2", "--out", m); code != 0 {
		t.Fatalf("train from PostgreSQL: exit %d: %s", code, stderr)
	}
	stdout, stderr, code := run(t, "export", "--model", m, "--to", pgtest.With(t, "table=cmd_items"), "--to-users", "cmd_users")
	if code != 0 {
		t.Fatalf("export --to: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "table cmd_items: 41 rows") || !strings.Contains(stdout, "table cmd_users: 300 rows") {
		t.Errorf("export --to says %q", stdout)
	}
	if _, stderr, code := run(t, "export", "--model", m, "--dir", dir); code != 0 {
		t.Fatalf("export --dir: %s", stderr)
	}
	csv, err := os.ReadFile(filepath.Join(dir, "item_embeddings.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(csv), "\n")
	first := strings.Split(lines[1], ",") // id, then the embedding
	got := pgtest.Exec(t, `SELECT array_to_string(embedding, ',') FROM cmd_items WHERE id = '`+first[0]+`'`)
	if want := strings.Join(first[1:], ","); got != want {
		t.Errorf("item %s: the table holds %s, the CSV file %s", first[0], got, want)
	}
	if n := pgtest.Exec(t, `SELECT count(*) FROM cmd_users WHERE bias IS NOT NULL AND array_length(embedding, 1) > 0`); n != "300" {
		t.Errorf("cmd_users: %s rows with a bias and an embedding, want 300", n)
	}
	// The table the data came from is not an export's: refused (exit 2,
	// naming --to), and left as it is.
	if _, stderr, code := run(t, "export", "--model", m, "--to", pgtest.With(t, "table=cmd_ratings")); code != 2 || !strings.Contains(stderr, "--to:") {
		t.Errorf("export --to over the ratings table: exit %d, %s; want 2 naming --to", code, stderr)
	}
	if n := pgtest.Exec(t, `SELECT count(*) FROM cmd_ratings`); n != "6000" {
		t.Errorf("cmd_ratings holds %s rows after a refused export, want 6000", n)
	}
}
