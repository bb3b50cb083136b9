package selection_test

import (
	"context"
	"flag"
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
	"github.com/recnet/recnet/selection"
)

// searchReal says how the implicit defaults search holds out rows of the
// real table (it has times): "latest", folds over time, which ask what the
// implicit task is for (what a learner takes next), or "shuffled", the K
// folds of the generated tables (the earlier rule).
var searchReal = flag.String("search-real", "latest", "how the implicit defaults search holds out the real table's rows: latest or shuffled")

// crossValidateSearch cross-validates grid on d for the implicit
// defaults search (3 folds, seed 42): over time for a table with times
// when -search-real is latest, each user's latest row left out of every
// fold (selection.WithLatestFolds(1)) so that the search never holds out
// a row eval --protocol loo tests its choice on; else shuffled folds.
func crossValidateSearch(t *testing.T, d *dataset.Dataset, grid []model.Config) (selection.CVResult, error) {
	if *searchReal != "latest" && *searchReal != "shuffled" {
		t.Fatalf("-search-real %q: want latest or shuffled", *searchReal)
	}
	var opts []selection.Option
	if d.Time != nil && *searchReal == "latest" {
		opts = append(opts, selection.WithLatestFolds(1))
	}
	return selection.CrossValidateRanking(context.Background(), d, grid, *searchFolds, 42, opts...)
}
