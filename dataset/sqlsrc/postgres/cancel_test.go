package postgres

import (
	"context"
	"errors"
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/internal/pgtest"
)

// TestCancel checks that cancelling the context stops a query that is
// being streamed, and that closing the rows early does not read the rest
// (a set-returning function in the select list streams its rows; in FROM
// it would first make them all).
func TestCancel(t *testing.T) {
	src := pgtest.With(t, queryParam(`SELECT g AS "user", g AS item, 1 AS rating FROM (SELECT generate_series(1, 100000000) AS g) s`))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rs, err := Open(ctx, src, dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	n := 0
	for rs.Next() {
		if n++; n == 1000 {
			cancel()
		}
	}
	if err := rs.Err(); !errors.Is(err, context.Canceled) {
		t.Errorf("after a cancel at row 1000 (%d rows read): %v, want context.Canceled", n, err)
	}

	rs, err = Open(context.Background(), src, dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for k := 0; k < 10 && rs.Next(); k++ {
	}
	if err := rs.Close(); err != nil {
		t.Errorf("closing after 10 rows: %v", err)
	}
}
