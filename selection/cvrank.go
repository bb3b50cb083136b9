package selection

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/eval"
	"github.com/recnet/recnet/model"
)

// CrossValidateRanking is CrossValidate for the implicit task: every row of
// d is an interaction, whatever its rating (as the implicit task trains on
// them). The rows are shuffled with seed and cut into k folds
// (dataset.KFold, the same folds as CrossValidate's; WithLatestFolds cuts
// them over time); each model is fitted
// on the training folds (stopping early on a carved validation part as
// CrossValidate says) and, for each user with a row in the held-out fold,
// ranks every item the user has no training row for (full ranking, as
// eval's leave-one-out protocol ranks). A fold reports HR, NDCG and recall
// at eval.DefaultK (eval.Ranking, every test row relevant); RMSE and MAE
// are NaN. The most-popular baseline, counted on each fold's training rows,
// is ranked on the same folds (CVResult.Popular).
//
// A configuration that names no task is trained for the implicit task; one
// of a kind that learns only ratings (mf, nmf, mean, bias) is refused.
func CrossValidateRanking(ctx context.Context, d *dataset.Dataset, cfgs []model.Config, folds int, seed uint64, opts ...Option) (CVResult, error) {
	start := time.Now()
	res, splits, err := crossValidate(ctx, d, cfgs, folds, seed, model.TaskImplicit,
		func(m *model.Model, s *dataset.Split) Fold { return testRanking(m.Net, s) }, opts)
	if err != nil {
		return CVResult{}, err
	}
	pop := CVModel{Name: "most popular", Folds: make([]Fold, folds)}
	for j, s := range splits {
		t := time.Now()
		f := testRanking(eval.MostPopular(s.Train, s.Items.Len()), s)
		f.TestSeconds = time.Since(t).Seconds()
		f.TrainRows, f.TestRows = s.Train.Len(), s.Test.Len()
		pop.Folds[j] = f
	}
	pop.summarize()
	res.Popular = &pop
	res.WallSeconds = time.Since(start).Seconds()
	return res, nil
}

// testRanking is the foldTest of the implicit task: each test user's top
// eval.DefaultK among the items the user has no training or validation
// row for, every test row relevant.
func testRanking(sc model.Scorer, s *dataset.Split) Fold {
	r := eval.Ranking(sc, dataset.Concat(s.Train, s.Valid), s.Test, s.Items.Len(),
		eval.RankingOptions{K: eval.DefaultK, Relevant: math.Inf(-1)})
	return Fold{RMSE: math.NaN(), MAE: math.NaN(), Ranked: true, HR: r.HitRate, NDCG: r.NDCG, Recall: r.Recall}
}

// writeRankingTable writes r (of the implicit task) as WriteTable writes
// a rating cross-validation: a block per model, most popular last, then
// a summary by mean NDCG@K, best first, with most popular beside.
func (r CVResult) writeRankingTable(w io.Writer) error {
	b := &bytes.Buffer{}
	k := eval.DefaultK
	models := append(slices.Clone(r.Models), *r.Popular)
	for _, m := range models {
		fmt.Fprintf(b, "Evaluating HR@%d, NDCG@%d, recall@%d of %s on %d split(s), full ranking.\n", k, k, k, m.Name, len(m.Folds))
		if m.EarlyStopping {
			b.WriteString(r.earlyLine())
		}
		b.WriteString("\n")
		writeFoldRows(b, m, []foldColumn{
			{fmt.Sprintf("HR@%d", k), 4, func(f Fold) float64 { return f.HR }, *m.HR},
			{fmt.Sprintf("NDCG@%d", k), 4, func(f Fold) float64 { return f.NDCG }, *m.NDCG},
			{fmt.Sprintf("Recall@%d", k), 4, func(f Fold) float64 { return f.Recall }, *m.Recall},
			{"Fit time", 2, func(f Fold) float64 { return f.FitSeconds }, m.FitSeconds},
			{"Test time", 2, func(f Fold) float64 { return f.TestSeconds }, m.TestSeconds},
		})
		writeDiverged(b, m, "HR, NDCG and recall")
		b.WriteString("\n")
	}
	fmt.Fprintf(b, "Summary: %d-fold cross-validation of %s (%d rows, every row an interaction, seed %d%s), full ranking, by mean NDCG@%d (± population std over folds)\n\n",
		r.Folds, r.Data, r.Rows, r.Seed, r.foldsSays(), k)
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "model\tHR@%d\tNDCG@%d\tRecall@%d\tvs most popular\tfit s\ttest s\n", k, k, k)
	slices.SortStableFunc(models, byNDCG)
	for _, m := range models {
		name, vs := m.Name, "-"
		if len(m.DivergedFolds) > 0 {
			name += " (diverged)"
		}
		if m.Name != r.Popular.Name {
			vs = fmt.Sprintf("%+.0f%%", 100*(m.NDCG.Mean/r.Popular.NDCG.Mean-1))
		}
		fmt.Fprintf(tw, "%s\t%.4f ± %.4f\t%.4f ± %.4f\t%.4f ± %.4f\t%s\t%.2f\t%.2f\n", name, m.HR.Mean, m.HR.Std,
			m.NDCG.Mean, m.NDCG.Std, m.Recall.Mean, m.Recall.Std, vs, m.FitSeconds.Mean, m.TestSeconds.Mean)
	}
	tw.Flush()
	writeWall(b, r)
	_, err := w.Write(b.Bytes())
	return err
}

// byNDCG orders two models by mean NDCG, higher first, NaN last.
func byNDCG(a, b CVModel) int { return cmpScore(-a.NDCG.Mean, -b.NDCG.Mean) }
