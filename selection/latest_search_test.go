package selection_test

import (
	"context"
	"flag"
	"sync"
	"testing"
	"time"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/eval"
	"github.com/recnet/recnet/model"
	"github.com/recnet/recnet/selection"
	"github.com/recnet/recnet/train"
)

// searchReal says how the implicit defaults search holds out rows of the
// real table (it has times): "latest", folds over time (latestCV), which
// ask what the implicit task is for (what a learner takes next), or
// "random", the K folds of the generated tables (the earlier rule).
var searchReal = flag.String("search-real", "latest", "how the implicit defaults search holds out the real table's rows: latest or random")

// crossValidateSearch cross-validates grid on d for the implicit
// defaults search: over time (latestCV) for a table with times when
// -search-real is latest, else CrossValidateRanking's K folds (seed 42).
func crossValidateSearch(t *testing.T, d *dataset.Dataset, grid []model.Config) (selection.CVResult, error) {
	if d.Time != nil && *searchReal == "latest" {
		return latestCV(t, d, grid, *searchFolds), nil
	}
	return selection.CrossValidateRanking(context.Background(), d, grid, *searchFolds, 42)
}

// latestCV cross-validates grid on d over time: fold j (1..folds) is
// dataset.LeaveLatestOutBefore(d, j), each user's latest row before the j
// latest held out, so that no fold holds out a row eval --protocol loo
// tests on (each user's latest). Each setting is fitted and ranked as eval
// --protocol loo does: a kind that stops early stops on the validation
// rows (each user's row before the held-out one), one that does not trains
// on them too; each held-out row is ranked among the items its user has no
// training or validation row for, beside most-popular counted on the
// training rows. Two jobs run at a time.
func latestCV(t *testing.T, d *dataset.Dataset, grid []model.Config, folds int) selection.CVResult {
	start := time.Now()
	splits := make([]*dataset.Split, folds)
	for j := range splits {
		s, err := dataset.LeaveLatestOutBefore(d, j+1)
		if err != nil {
			t.Fatal(err)
		}
		splits[j] = s
	}
	res := selection.CVResult{Task: model.TaskImplicit, Data: d.Name, Rows: d.Len(), Folds: folds, Models: make([]selection.CVModel, len(grid))}
	pop := selection.CVModel{Name: "most popular", Folds: make([]selection.Fold, folds)}
	for k := range grid {
		res.Models[k].Folds = make([]selection.Fold, folds)
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for k, cfg := range grid {
		cfg.Task = model.TaskImplicit
		for j, s := range splits {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer func() { <-sem; wg.Done() }()
				c, f := latestFold(t, s, cfg)
				res.Models[k].Folds[j] = f
				if k == 0 {
					pop.Folds[j] = selection.Fold{NDCG: c.Popular.NDCG, HR: c.Popular.HitRate, Recall: c.Popular.Recall}
				}
			}()
		}
	}
	wg.Wait()
	for k := range res.Models {
		res.Models[k].NDCG = ndcgStat(res.Models[k].Folds)
	}
	pop.NDCG = ndcgStat(pop.Folds)
	res.Popular = &pop
	res.WallSeconds = time.Since(start).Seconds()
	return res
}

// latestFold fits cfg on one fold of latestCV and ranks its held-out rows.
func latestFold(t *testing.T, s *dataset.Split, cfg model.Config) (eval.RankingComparison, selection.Fold) {
	seen := dataset.Concat(s.Train, s.Valid)
	fit := s
	if !cfg.UsesValid() {
		fit = &dataset.Split{Name: s.Name, Users: s.Users, Items: s.Items, Min: s.Min, Max: s.Max, Unrated: s.Unrated, Train: seen}
	}
	start := time.Now()
	m, err := train.Fit(context.Background(), fit, cfg)
	if err != nil {
		t.Errorf("%s: %v", settingName(cfg), err)
		return eval.RankingComparison{}, selection.Fold{}
	}
	c := eval.CompareRanking(m.Net, s.Train, seen, s.Test, s.Items.Len(), eval.DefaultK)
	return c, selection.Fold{Ranked: true, NDCG: c.Model.NDCG, HR: c.Model.HitRate, Recall: c.Model.Recall,
		FitSeconds: time.Since(start).Seconds(), BestEpoch: m.BestEpoch, TrainRows: fit.Train.Len(), TestRows: s.Test.Len()}
}

// ndcgStat is the mean and spread of the folds' NDCG.
func ndcgStat(folds []selection.Fold) *selection.Stat {
	xs := make([]float64, len(folds))
	for k, f := range folds {
		xs[k] = f.NDCG
	}
	s := selection.MeanStd(xs)
	return &s
}
