package eval

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

// RankingComparison is a model's top-k ranking beside the most-popular
// baseline's, on the same users and candidates.
type RankingComparison struct {
	Model   RankingResult `json:"model"`
	Popular RankingResult `json:"most_popular"`
}

// TieMargin is the relative difference in NDCG@K below which a model and
// the most-popular baseline are said to rank alike.
const TieMargin = 0.01

// Verdict compares the model's NDCG@K with the most-popular baseline's:
// "beats" or "loses to" when they differ by more than TieMargin of the
// baseline's, "ties with" otherwise.
func (c RankingComparison) Verdict() string {
	switch d := c.Model.NDCG - c.Popular.NDCG; {
	case d > TieMargin*c.Popular.NDCG:
		return "beats"
	case -d > TieMargin*c.Popular.NDCG:
		return "loses to"
	}
	return "ties with"
}

// BeatsPopular reports whether the model's NDCG@K is above the
// most-popular baseline's by more than TieMargin.
func (c RankingComparison) BeatsPopular() bool { return c.Verdict() == "beats" }

// CompareRanking ranks, for every user with a row in test, the items
// 0..items-1 the user has no row for in seen, with sc and with the
// most-popular baseline counted on train, and measures the top k (zero:
// DefaultK) against the test rows. Every test row is relevant whatever its
// rating: this is how a model of the implicit task is tested.
func CompareRanking(sc model.Scorer, train, seen, test dataset.Ratings, items, k int) RankingComparison {
	o := RankingOptions{K: k, Relevant: math.Inf(-1)}
	return RankingComparison{
		Model:   Ranking(sc, seen, test, items, o),
		Popular: Ranking(MostPopular(train, items), seen, test, items, o),
	}
}

// CompareRankingTest is CompareRanking on a split's test part: each test
// user's top k (DefaultK) among the items the user has no training or
// validation row for, against the test rows, most-popular counting those
// training and validation rows (the rows a saved model keeps as seen, so
// that `eval --protocol loo --model` counts the same). This is how `train`
// and `tune` test a model of the implicit task.
func CompareRankingTest(sc model.Scorer, s *dataset.Split) RankingComparison {
	seen := dataset.Concat(s.Train, s.Valid)
	return CompareRanking(sc, seen, seen, s.Test, s.Items.Len(), DefaultK)
}

// ColdLine says, in a sentence ending in a newline, how many cold users
// (test rows but no seen row) r left out of the ranking and why; it is
// empty when there are none. Cold users are left out of the model's and
// the most-popular baseline's figures alike.
func (r RankingResult) ColdLine() string {
	if r.Cold == 0 {
		return ""
	}
	return fmt.Sprintf("cold users left out of the model's and the baseline's ranking (no training or validation row: the model knows nothing of them): %d, with %d test rows\n",
		r.Cold, r.ColdRows)
}

// RankingMetrics are the measures of a RankingResult in their JSON form,
// with NaN (no user ranked) as null: the keys precision, recall, ndcg, hr,
// map and coverage, in every JSON output that holds a ranking.
type RankingMetrics struct {
	Precision model.Number `json:"precision"`
	Recall    model.Number `json:"recall"`
	NDCG      model.Number `json:"ndcg"`
	HitRate   model.Number `json:"hr"`
	MAP       model.Number `json:"map"`
	Coverage  model.Number `json:"coverage"`
}

// Metrics returns the measures of r in their JSON form.
func (r RankingResult) Metrics() RankingMetrics {
	return RankingMetrics{model.Number(r.Precision), model.Number(r.Recall), model.Number(r.NDCG),
		model.Number(r.HitRate), model.Number(r.MAP), model.Number(r.Coverage)}
}

// MarshalJSON encodes r with NaN as null: k, relevant, users, no_relevant,
// cold_users, cold_rows, the keys of RankingMetrics, and items.
func (r RankingResult) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		K          int          `json:"k"`
		Relevant   model.Number `json:"relevant"`
		Users      int          `json:"users"`
		NoRelevant int          `json:"no_relevant"`
		Cold       int          `json:"cold_users"`
		ColdRows   int          `json:"cold_rows"`
		RankingMetrics
		Items int `json:"items"`
	}{r.K, model.Number(r.Relevant), r.Users, r.NoRelevant, r.Cold, r.ColdRows, r.Metrics(), r.Items})
}
