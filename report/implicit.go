package report

import (
	"fmt"
	"io"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/eval"
	"github.com/recnet/recnet/model"
)

// Ranked is one recommender's top-k metrics on the test part.
type Ranked struct {
	HitRate   model.Number `json:"hr"`
	NDCG      model.Number `json:"ndcg"`
	Precision model.Number `json:"precision"`
	Recall    model.Number `json:"recall"`
	Coverage  model.Number `json:"coverage"`
}

// Ranking is the test of a model of the implicit task: every test rating is
// a relevant item, and each user's top-k among the items not seen in
// training or validation is measured beside the most-popular baseline.
type Ranking struct {
	K            int    `json:"k"`
	Users        int    `json:"users"`
	Model        Ranked `json:"model"`
	Popular      Ranked `json:"most_popular"`
	BeatsPopular bool   `json:"beats_popular"`
	Verdict      string `json:"verdict"` // "beats", "ties with" or "loses to" the most-popular baseline (eval.RankingComparison.Verdict)
}

// newRanking ranks for every test user with m and with the most-popular
// baseline, among the items the user has no training or validation row
// for; every test row is relevant.
func newRanking(m *model.Model, s *dataset.Split) *Ranking {
	seen := dataset.Concat(s.Train, s.Valid)
	c := eval.CompareRanking(m.Net, s.Train, seen, s.Test, s.Items.Len(), eval.DefaultK)
	conv := func(r eval.RankingResult) Ranked {
		return Ranked{model.Number(r.HitRate), model.Number(r.NDCG), model.Number(r.Precision), model.Number(r.Recall), model.Number(r.Coverage)}
	}
	return &Ranking{K: c.Model.K, Users: c.Model.Users, Model: conv(c.Model), Popular: conv(c.Popular),
		BeatsPopular: c.BeatsPopular(), Verdict: c.Verdict()}
}

// writeRanking writes the ranking test beside the most-popular baseline and
// a verdict.
func (r Result) writeRanking(w io.Writer) error {
	g := r.Ranking
	if g.Users == 0 {
		_, err := io.WriteString(w, "\nno test rows: the model was trained but not tested (give the split a test fraction or --test)\n")
		return err
	}
	row := func(label string, x Ranked) string {
		return fmt.Sprintf("%-22s %8.4f %8.4f %8.4f %8.4f %9.3f\n", label, x.HitRate, x.NDCG, x.Precision, x.Recall, x.Coverage)
	}
	out := fmt.Sprintf("\ntest ranking (%d users, top %d of the unseen items)\n%-22s %8s %8s %8s %8s %9s\n",
		g.Users, g.K, "", fmt.Sprintf("HR@%d", g.K), fmt.Sprintf("NDCG@%d", g.K), "P", "R", "coverage") +
		row("recnet "+r.Config.Model, g.Model) + row("most popular baseline", g.Popular)
	out += verdictLine(g.Verdict, g.K, float64(g.Model.NDCG), float64(g.Popular.NDCG))
	_, err := io.WriteString(w, out)
	return err
}

// verdictLine says in one sentence how a model ranks against the
// most-popular baseline.
func verdictLine(verdict string, k int, model, popular float64) string {
	switch verdict {
	case "beats":
		return fmt.Sprintf("The model beats the most-popular baseline: NDCG@%d %.4f vs %.4f.\n", k, model, popular)
	case "ties with":
		return fmt.Sprintf("The model ranks like the most-popular baseline (NDCG@%d %.4f vs %.4f, within %g%%): it learned nothing beyond popularity.\n", k, model, popular, 100*eval.TieMargin)
	}
	return fmt.Sprintf("The model does NOT beat the most-popular baseline: NDCG@%d %.4f vs %.4f; popularity alone ranks better.\n", k, model, popular)
}

// VerdictLine is verdictLine for a comparison, for the tune command.
func VerdictLine(c eval.RankingComparison) string {
	return verdictLine(c.Verdict(), c.Model.K, c.Model.NDCG, c.Popular.NDCG)
}
