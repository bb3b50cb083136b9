package report

import (
	"fmt"
	"io"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/eval"
	"github.com/recnet/recnet/model"
)

// Ranking is the test of a model of the implicit task: every test rating is
// a relevant item, and each user's top-k among the items not seen in
// training or validation is measured beside the most-popular baseline
// (eval.CompareRankingTest).
type Ranking struct {
	eval.RankingComparison
	BeatsPopular bool   `json:"beats_popular"`
	Verdict      string `json:"verdict"` // "beats", "ties with" or "loses to" the most-popular baseline
}

// newRanking ranks for every test user of s with m and with the
// most-popular baseline.
func newRanking(m *model.Model, s *dataset.Split) *Ranking {
	c := eval.CompareRankingTest(m.Net, s)
	return &Ranking{RankingComparison: c, BeatsPopular: c.BeatsPopular(), Verdict: c.Verdict()}
}

// writeRanking writes the ranking test beside the most-popular baseline and
// a verdict.
func (r Result) writeRanking(w io.Writer) error {
	g := r.Ranking
	k := g.Model.K
	if g.Model.Users == 0 && g.Model.NoRelevant == 0 && g.Model.Cold == 0 {
		_, err := io.WriteString(w, "\nno test rows: the model was trained but not tested (give the split a test fraction or --test)\n")
		return err
	}
	if g.Model.Users == 0 && g.Model.NoRelevant == 0 {
		_, err := io.WriteString(w, "\nno test user to rank: every one is cold\n"+g.Model.ColdLine())
		return err
	}
	row := func(label string, x eval.RankingResult) string {
		return fmt.Sprintf("%-22s %8.4f %8.4f %8.4f %8.4f %9.3f\n", label, x.HitRate, x.NDCG, x.Precision, x.Recall, x.Coverage)
	}
	out := fmt.Sprintf("\ntest ranking (%d users, top %d of the unseen items)\n%s%-22s %8s %8s %8s %8s %9s\n",
		g.Model.Users, k, g.Model.ColdLine(), "", fmt.Sprintf("HR@%d", k), fmt.Sprintf("NDCG@%d", k), "P", "R", "coverage") +
		row("recnet "+r.Config.Kind, g.Model) + row("most popular baseline", g.Popular) +
		VerdictLine(g.RankingComparison)
	_, err := io.WriteString(w, out)
	return err
}

// VerdictLine says in one sentence how the model of c ranks against the
// most-popular baseline.
func VerdictLine(c eval.RankingComparison) string {
	k, model, popular := c.Model.K, c.Model.NDCG, c.Popular.NDCG
	switch c.Verdict() {
	case "beats":
		return fmt.Sprintf("The model beats the most-popular baseline: NDCG@%d %.4f vs %.4f.\n", k, model, popular)
	case "ties with":
		return fmt.Sprintf("The model ranks like the most-popular baseline (NDCG@%d %.4f vs %.4f, within %g%%): it learned nothing beyond popularity.\n", k, model, popular, 100*eval.TieMargin)
	}
	return fmt.Sprintf("The model does NOT beat the most-popular baseline: NDCG@%d %.4f vs %.4f; popularity alone ranks better.\n", k, model, popular)
}
