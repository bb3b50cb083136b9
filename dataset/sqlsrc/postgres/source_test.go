package postgres

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/internal/pgtest"
)

func load(t *testing.T, params string) (*dataset.Dataset, error) {
	t.Helper()
	return dataset.Load(context.Background(), pgtest.With(t, params), dataset.Options{})
}

func TestLoadGenerated(t *testing.T) {
	pgtest.Exec(t, `DROP TABLE IF EXISTS gen`,
		`CREATE TABLE gen AS SELECT (g % 97) AS "userId", (g % 89)::int4 AS "movieId", ((g % 9) / 2.0 + 0.5)::real AS rating, (1600000000 + g)::int8 AS timestamp FROM generate_series(1, 5000) g`)
	d, err := load(t, "table=gen")
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != 5000 || d.Users.Len() != 97 || d.Items.Len() != 89 {
		t.Fatalf("%d rows, %d users, %d items; want 5000, 97, 89", d.Len(), d.Users.Len(), d.Items.Len())
	}
	// Row k (0-based) is g = k+1: user (k+1)%97, rating ((k+1)%9)/2+0.5, time 1600000000+k+1.
	for _, k := range []int{0, 1, 4998, 4999} {
		g := k + 1
		u, i := d.Users.Raw(d.User[k]), d.Items.Raw(d.Item[k])
		if want := strconv.Itoa(g % 97); u != want {
			t.Errorf("row %d: user %q, want %q", k, u, want)
		}
		if want := strconv.Itoa(g % 89); i != want {
			t.Errorf("row %d: item %q, want %q", k, i, want)
		}
		if want := float32(g%9)/2 + 0.5; d.Value[k] != want {
			t.Errorf("row %d: rating %v, want %v", k, d.Value[k], want)
		}
		if want := int64(1600000000 + g); d.Time[k] != want {
			t.Errorf("row %d: time %d, want %d", k, d.Time[k], want)
		}
	}
}

// TestLoadTypes reads ids, ratings and times of the types PostgreSQL
// tables hold.
func TestLoadTypes(t *testing.T) {
	pgtest.Exec(t, `DROP TABLE IF EXISTS types`,
		`CREATE TABLE types (learner text, course char(6), score numeric(3,1), at timestamptz, f4 real, u uuid, d date, big int8, sm int2, ts timestamp, vc varchar(20), f8 float8)`,
		`INSERT INTO types VALUES ('ann', 'c1', 4.5, '2024-01-02 03:04:05.9+00', 1.5, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '1999-12-31', -7, 3, '1969-12-31 23:59:59.5', 'x y', 0.25)`)
	for _, c := range []struct {
		query, user, item string
		rating            float32
		time              int64
	}{
		{`SELECT learner, course, score, at AS time FROM types`, "ann", "c1", 4.5, 1704164645},
		{`SELECT u AS "user", big AS item, f4 AS rating, d AS time FROM types`, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "-7", 1.5, 946598400},
		{`SELECT vc AS "user", f4 AS item, sm AS rating, ts AS time FROM types`, "x y", "1.5", 3, -1},
		{`SELECT f8 AS "user", score AS item, f8 AS rating, f4 AS time FROM types`, "0.25", "4.5", 0.25, 1},
		{`SELECT learner, course, score, '2024-01-02'::text AS timestamp FROM types`, "ann", "c1", 4.5, 1704153600},
	} {
		d, err := load(t, queryParam(c.query))
		if err != nil {
			t.Errorf("%s: %v", c.query, err)
			continue
		}
		if d.Len() != 1 {
			t.Errorf("%s: %d rows", c.query, d.Len())
			continue
		}
		u, i := d.Users.Raw(d.User[0]), d.Items.Raw(d.Item[0])
		if u != c.user || i != c.item || d.Value[0] != c.rating || d.Time == nil || d.Time[0] != c.time {
			t.Errorf("%s: got %q %q %v %v, want %q %q %v %d", c.query, u, i, d.Value[0], d.Time, c.user, c.item, c.rating, c.time)
		}
	}
}

func TestLoadInteractions(t *testing.T) {
	pgtest.Exec(t, `DROP TABLE IF EXISTS clicks`, `CREATE TABLE clicks (user_id int4, item_id text)`,
		`INSERT INTO clicks VALUES (1, 'a'), (1, 'b'), (2, 'a')`)
	d, err := load(t, "table=clicks")
	if err != nil {
		t.Fatal(err)
	}
	if !d.Unrated || d.Len() != 3 || d.Value[2] != 1 {
		t.Errorf("unrated %v, %d rows, rating %v; want an interaction table of 3 rows rated 1", d.Unrated, d.Len(), d.Value)
	}
}

// TestBadRows checks that a bad value stops the load with an error naming
// its row and column.
func TestBadRows(t *testing.T) {
	pgtest.Exec(t, `DROP TABLE IF EXISTS bad`,
		`CREATE TABLE bad (n int, "user" text, item int, rating real, ts timestamptz, r text)`,
		`INSERT INTO bad VALUES (1, 'a', 1, 4, now(), '4'), (2, NULL, 2, 3, now(), '3'), (3, '', 3, 'NaN', 'infinity', 'four'), (4, 'b', NULL, NULL, NULL, 'Infinity')`)
	for _, c := range []struct {
		query, field, msg string
		row               int
	}{
		{`SELECT "user", item, rating FROM bad ORDER BY n`, "user", "NULL", 2},
		{`SELECT "user", item, rating FROM bad WHERE n <> 2 ORDER BY n`, "user", "empty id", 2},
		{`SELECT coalesce("user", 'x') AS "user", item, rating FROM bad WHERE n <> 3 ORDER BY n`, "item", "NULL", 3},
		{`SELECT 'u' AS "user", n AS item, rating FROM bad ORDER BY n`, "rating", "", 3},
		{`SELECT 'u' AS "user", n AS item, r AS rating FROM bad ORDER BY n`, "rating", "four", 3},
		{`SELECT 'u' AS "user", n AS item, 1 AS rating, ts AS time FROM bad ORDER BY n`, "time", "infinite", 3},
		{`SELECT 'u' AS "user", n AS item, 1 AS rating, ts AS time FROM bad WHERE n <> 3 ORDER BY n`, "time", "NULL", 3},
	} {
		_, err := load(t, queryParam(c.query))
		var pe *dataset.ParseError
		if !errors.As(err, &pe) {
			t.Errorf("%s: error %v, want a *dataset.ParseError", c.query, err)
			continue
		}
		if pe.Row != c.row || pe.Field != c.field || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: row %d field %q (%v), want row %d field %q saying %q", c.query, pe.Row, pe.Field, err, c.row, c.field, c.msg)
		}
	}
}

// TestReadOnly checks that a query cannot write: the server refuses the
// write in the READ ONLY transaction (or CheckSelect refuses a second
// statement), and the table is unchanged.
func TestReadOnly(t *testing.T) {
	pgtest.Exec(t, `DROP TABLE IF EXISTS ro`, `DROP SEQUENCE IF EXISTS ro_seq`,
		`CREATE TABLE ro (u int, i int, r real)`, `INSERT INTO ro VALUES (1, 1, 5)`, `CREATE SEQUENCE ro_seq`)
	for _, q := range []string{
		`WITH x AS (INSERT INTO ro VALUES (2, 2, 1) RETURNING *) SELECT * FROM x`,
		`WITH x AS (DELETE FROM ro RETURNING *) SELECT * FROM x`,
		`SELECT u, i, nextval('ro_seq')::real AS r FROM ro`,
		`SELECT * FROM ro FOR UPDATE`,
		`SELECT * FROM ro; DELETE FROM ro`,
	} {
		if _, err := load(t, queryParam(q)); err == nil {
			t.Errorf("%s: no error", q)
		}
	}
	d, err := load(t, "table=ro")
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != 1 || d.Value[0] != 5 {
		t.Errorf("ro holds %d rows (%v) after the refused writes, want the one it had", d.Len(), d.Value)
	}
	if n := pgtest.Exec(t, `SELECT nextval('ro_seq')`); n != "1" {
		t.Errorf("a refused query took a value of the sequence: nextval gives %s, want 1", n)
	}
	d, err = load(t, queryParam(`SELECT 'u' AS "user", current_setting('transaction_read_only') AS item, 1 AS rating`))
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Items.Raw(0); got != "on" {
		t.Errorf("transaction_read_only is %q in the source's transaction, want on", got)
	}
}

// TestURLs checks the URL rules that need no server.
func TestURLs(t *testing.T) {
	for _, c := range []struct{ src, msg string }{
		{"postgres://h/db?table=a&query=SELECT%201", "not both"},
		{"postgres://h/db?table=a%20b", "plain identifier"},
		{"postgres://h/db?query=DELETE%20FROM%20r", "one SELECT"},
		{"postgres://h/db?query=SELECT%201#x", "fragment"},
		{"postgres://h/db?table=r&sslmode=bogus", "sslmode"},
	} {
		_, err := dataset.Load(context.Background(), c.src, dataset.Options{})
		if err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: %v, want an error saying %q", c.src, err, c.msg)
		}
	}
}

// TestPasswordNotPrinted checks that a password in the URL does not
// appear in an error.
func TestPasswordNotPrinted(t *testing.T) {
	for _, src := range []string{
		"postgres://ann:Hunter2secret@127.0.0.1:1/db?connect_timeout=2&sslmode=disable",
		"postgresql://127.0.0.1:1/db?user=ann&password=Hunter2secret&sslmode=disable&connect_timeout=2",
		"postgres://ann:Hunter2secret@127.0.0.1:notaport/db",
		"postgres://ann:Hunter2secret@127.0.0.1:1/db?sslmode=bogus",
		"postgres://ann:Hunter2secret@[::1/db",
	} {
		_, err := dataset.Load(context.Background(), src, dataset.Options{})
		if err == nil {
			t.Errorf("%s: no error", src)
			continue
		}
		if strings.Contains(err.Error(), "Hunter2secret") {
			t.Errorf("the error prints the password: %v", err)
		}
	}
}

// queryParam returns "query=" and q escaped.
func queryParam(q string) string {
	return "query=" + strings.ReplaceAll(url.QueryEscape(q), "+", "%20")
}
