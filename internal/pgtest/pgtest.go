// Package pgtest gives tests the PostgreSQL server they run against: the
// one RECNET_PG_URL names (.ci/pg.sh starts a throwaway cluster and sets
// it). Without it a test is skipped, or fails when CI=true.
package pgtest

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// URL returns the URL of the test server, skipping t without one, or
// failing it under CI=true.
func URL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("RECNET_PG_URL")
	if u == "" {
		msg := "no PostgreSQL server: set RECNET_PG_URL, or run the tests through .ci/pg.sh, which starts a throwaway cluster (e.g. .ci/pg.sh go test ./dataset/sqlsrc/postgres/)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return u
}

// With returns the server URL with the parameters p ("table=t") added.
func With(t testing.TB, p string) string {
	u := URL(t)
	if strings.Contains(u, "?") {
		return u + "&" + p
	}
	return u + "?" + p
}

// Exec runs the statements sql on the test server, with write rights, and
// returns the text of the first value the last one returns ("" for
// none).
func Exec(t testing.TB, sql ...string) string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgconn.Connect(ctx, URL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var v string
	for _, s := range sql {
		res, err := conn.Exec(ctx, s).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		v = ""
		if len(res) > 0 && len(res[0].Rows) > 0 && len(res[0].Rows[0]) > 0 {
			v = string(res[0].Rows[0][0])
		}
	}
	return v
}
