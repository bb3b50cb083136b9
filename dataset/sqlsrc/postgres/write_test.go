package postgres

import (
	"context"
	"errors"
	"github.com/recnet/recnet/internal/pgtest"
	"strings"
	"testing"
)

func TestWriteEmbeddings(t *testing.T) {
	ctx := context.Background()
	pgtest.Exec(t, `DROP TABLE IF EXISTS emb_items`, `DROP TABLE IF EXISTS emb_users`,
		`CREATE TABLE emb_items (old int)`, `INSERT INTO emb_items VALUES (1)`)
	target, err := ParseTarget(pgtest.With(t, "table=emb_items"))
	if err != nil {
		t.Fatal(err)
	}
	items := Embeddings{Table: target.Table, IDs: []string{"a", "tab\there", `back\slash`, "ünï"}, Bias: []float32{0.5, -1, 0, 3e-7},
		Dim: 2, Data: []float32{1, 2, 0.1, -0.25, 1e-30, 3.4e38, 0, 0}}
	users := Embeddings{Table: "emb_users", IDs: []string{"7"}, Dim: 2, Data: []float32{0.125, 8}}
	// A table of the name that an export did not write is left as it is.
	err = WriteEmbeddings(ctx, target, items, users)
	if !errors.Is(err, ErrNotExport) || !strings.Contains(err.Error(), `other columns ("old integer")`) {
		t.Fatalf("over a table of other columns: %v, want a refusal naming them", err)
	}
	if got := pgtest.Exec(t, `SELECT string_agg(old::text, ',') FROM emb_items`); got != "1" {
		t.Fatalf("the refused write changed emb_items: %s", got)
	}
	// A table of the name in another schema on the search path is not
	// the one replaced, nor dropped.
	pgtest.Exec(t, `DROP TABLE emb_items`, `DROP SCHEMA IF EXISTS other CASCADE`, `CREATE SCHEMA other`, `CREATE TABLE other.emb_items (keep int)`)
	defer pgtest.Exec(t, `DROP SCHEMA other CASCADE`)
	onPath, err := ParseTarget(pgtest.With(t, "table=emb_items&search_path=public,other"))
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteEmbeddings(ctx, onPath, items, users); err != nil {
		t.Fatal(err)
	}
	if got := pgtest.Exec(t, `SELECT count(*) FROM information_schema.columns WHERE table_schema = 'other' AND table_name = 'emb_items' AND column_name = 'keep'`); got != "1" {
		t.Errorf("other.emb_items was changed or dropped")
	}
	// A previous export is replaced.
	if err := WriteEmbeddings(ctx, target, items, users); err != nil {
		t.Fatalf("over a previous export: %v", err)
	}
	got := pgtest.Exec(t, `SELECT string_agg(id || '|' || bias || '|' || embedding::text, ';' ORDER BY id) FROM emb_items`)
	want := `a|0.5|{1,2};back\slash|0|{1e-30,3.4e+38};tab` + "\there" + `|-1|{0.1,-0.25};ünï|3e-07|{0,0}`
	if got != want {
		t.Errorf("emb_items holds\n%s\nwant\n%s", got, want)
	}
	if got := pgtest.Exec(t, `SELECT id || '|' || coalesce(bias::text, 'NULL') || '|' || embedding::text FROM emb_users`); got != "7|NULL|{0.125,8}" {
		t.Errorf("emb_users holds %s", got)
	}
	if got := pgtest.Exec(t, `SELECT count(*) FROM pg_indexes WHERE tablename = 'emb_items' AND indexdef LIKE '%UNIQUE%(id)'`); got != "1" {
		t.Errorf("emb_items has %s unique index on id, want 1", got)
	}

	// A failed write (a repeated id in the second table) leaves both tables as they were.
	items.Data[0] = 99
	bad := Embeddings{Table: "emb_users", IDs: []string{"x", "x"}, Dim: 2, Data: make([]float32, 4)}
	if err := WriteEmbeddings(ctx, target, items, bad); err == nil {
		t.Fatal("a repeated id: no error")
	}
	if got := pgtest.Exec(t, `SELECT embedding[1] FROM emb_items WHERE id = 'a'`); got != "1" {
		t.Errorf("a failed write changed emb_items: embedding[1] of a is %s, want 1", got)
	}
	if got := pgtest.Exec(t, `SELECT count(*) FROM emb_users`); got != "1" {
		t.Errorf("a failed write changed emb_users: %s rows, want 1", got)
	}
	if got := pgtest.Exec(t, `SELECT count(*) FROM pg_tables WHERE tablename LIKE 'recnet_new_%'`); got != "0" {
		t.Errorf("%s temporary tables left", got)
	}
}

func TestWriteRefuses(t *testing.T) {
	for _, c := range []struct{ dst, msg string }{
		{"postgres://h/db?query=SELECT%201", "query= reads"},
		{"postgres://h/db?table=a-b", "plain identifier"},
		{"postgres://h/db?table=" + strings.Repeat("x", 64), "63 bytes"},
		{"mysql://h/db?table=a", "not postgres"},
		{"postgres://h/db?table=", "empty table="},
		{"postgres://h/db?table=t&default_transaction_read_only=off", "recnet's to set"},
	} {
		if _, err := ParseTarget(c.dst); err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: %v, want an error saying %q", c.dst, err, c.msg)
		}
	}
	target, err := ParseTarget("postgres://127.0.0.1:1/db")
	if err != nil || target.Table != DefaultEmbeddingTable {
		t.Errorf("no table=: %q, %v; want %s", target.Table, err, DefaultEmbeddingTable)
	}
	for _, e := range []Embeddings{
		{Table: "t", IDs: []string{"a\x00b"}, Dim: 1, Data: []float32{1}},
		{Table: "t", IDs: []string{"\xff"}, Dim: 1, Data: []float32{1}},
		{Table: "t", IDs: []string{"a"}, Dim: 2, Data: []float32{1}},
		{Table: "t", IDs: []string{"a"}, Bias: []float32{1, 2}, Dim: 1, Data: []float32{1}},
	} {
		if err := WriteEmbeddings(context.Background(), target, e); err == nil || strings.Contains(err.Error(), "connect") {
			t.Errorf("%+v: %v, want a refusal before connecting", e, err)
		}
	}
}
