package selection

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/eval"
	"github.com/recnet/recnet/model"
	"github.com/recnet/recnet/train"
)

// TuneProgress reports one finished trial. A trial that finishes while an
// earlier one is still running is reported, but is not counted if the
// search then stops before the earlier one finishes (TuneResult.Dropped).
type TuneProgress struct {
	Trial   Trial
	Done    int // trials finished so far, this one included
	Planned int // trials in the search's sequence
}

// Trial is one configuration tried by Tune.
type Trial struct {
	Index  int          `json:"index"` // 0-based place in the search's sequence
	Config model.Config `json:"config"`
	// Score is the RMSE (original scale) the search minimises: on the
	// validation rows, or the mean over the folds' test rows. For the
	// implicit task it is 1 - NDCG@10 on the validation rows.
	Score      float64   `json:"score"`
	FoldScores []float64 `json:"fold_scores,omitempty"` // per fold when scoring by folds
	BestEpochs []int     `json:"best_epochs"`           // per fit (one when scoring on validation)
	Seconds    float64   `json:"seconds"`               // wall time of the trial
	// Diverged is set when training blew up (a train.DivergedError, in a
	// fold or on the validation part): the trial scores +Inf.
	Diverged bool `json:"diverged,omitempty"`
}

// TuneResult is a finished search.
type TuneResult struct {
	Kind    string `json:"kind"`
	Search  string `json:"search"`  // "random" or "grid"
	Scoring string `json:"scoring"` // "validation" or "k-fold" with k
	Seed    uint64 `json:"seed"`
	Workers int    `json:"workers"`
	Planned int    `json:"planned"` // configurations in the sequence
	// Trials are the counted trials, in sequence order: always the first
	// len(Trials) of the sequence (see Tune).
	Trials []Trial `json:"trials"`
	// Best is the counted trial with the lowest score (the earlier on a
	// tie).
	Best Trial `json:"best"`
	// Test is the best configuration refitted on the split's training rows
	// (early stopping on its validation rows) and tested on its test rows,
	// which the search never saw, beside the baselines.
	Test eval.Comparison `json:"test"`
	// Ranking replaces Test for a model of the implicit task: its top-k
	// ranking of the test rows beside the most-popular baseline's.
	Ranking *eval.RankingComparison `json:"ranking,omitempty"`
	// Model is that refitted model.
	Model *model.Model `json:"-"`
	// Stopped is set when the budget or ctx ended the search before every
	// planned trial ran. Cancelled counts the trials that were running then;
	// Dropped those that had finished after an earlier trial that did not.
	// Neither is counted.
	Stopped   bool `json:"stopped"`
	Cancelled int  `json:"cancelled"`
	Dropped   int  `json:"dropped"`
	// SearchSeconds is the search's wall time, FinalSeconds the refit's and
	// test's.
	SearchSeconds float64 `json:"search_seconds"`
	FinalSeconds  float64 `json:"final_seconds"`
}

// Tune searches space for the configuration with the lowest RMSE, then
// refits it and tests it on s.Test, rows the search never scored or trained
// on. Each trial trains space.Base with the trial's settings (seeded by
// Base.Seed, so a trial is deterministic) on s.Train, stopping early on
// s.Valid, and scores RMSE on s.Valid; with WithFolds(k) it instead scores
// the mean test RMSE of k-fold cross-validation over s.Train and s.Valid
// together (as CrossValidate, the validation part carved from each training
// fold), and s.Test stays held out.
//
// The sequence of configurations is the space's grid (WithGrid) or a
// random sample drawn from WithSeed; trials run on WithWorkers goroutines,
// taken in sequence order. When ctx ends or the budget (WithBudget) runs
// out, running trials are cancelled and the search keeps the trials before
// the first one that did not finish, so that the counted trials are always
// a prefix of the sequence: a search is reproducible from its seed, and the
// same number of counted trials gives the same best trial and scores. When
// the budget ran out and at least one trial counts, Tune refits the best so
// far and returns it with no error. When ctx ended (an interruption), Tune
// returns the trials counted and their best, without a refit or a Model,
// and an error wrapping ctx's error, also when ctx ends during the refit.
func Tune(ctx context.Context, s *dataset.Split, space Space, opts ...Option) (TuneResult, error) {
	o := newOptions(opts)
	res := TuneResult{Kind: space.Base.Kind, Search: "random", Scoring: "validation", Seed: o.seed, Workers: o.workers}
	if o.grid {
		res.Search = "grid"
	}
	cfgs, err := o.sequence(space)
	if err != nil {
		return res, err
	}
	res.Planned = len(cfgs)
	score, err := scorer(s, o, space.Base.Implicit())
	if err != nil {
		return res, err
	}
	if o.folds >= 2 {
		res.Scoring = fmt.Sprintf("%d-fold", o.folds)
	}
	if err := search(ctx, &res, cfgs, score, space, o); err != nil {
		return res, err
	}
	if err := ctx.Err(); err != nil {
		return res, interrupted(res, err)
	}
	if res.Best.Diverged {
		return res, fmt.Errorf("selection: every one of the %d trials diverged: %s", len(res.Trials), train.DivergedReason)
	}
	err = refit(ctx, s, &res, o.fit...)
	return res, err
}

// sequence returns the configurations a search of space tries, in order:
// the first WithTrials of its grid (WithGrid), or WithTrials (default 20)
// drawn at random from WithSeed. It refuses one that cannot train.
func (o options) sequence(space Space) ([]model.Config, error) {
	var cfgs []model.Config
	var err error
	if o.grid {
		cfgs, err = space.Grid()
		if err == nil && o.trials > 0 && o.trials < len(cfgs) {
			cfgs = cfgs[:o.trials]
		}
	} else {
		n := o.trials
		if n <= 0 {
			n = 20
		}
		cfgs, err = space.Sample(o.seed, n)
	}
	if err != nil {
		return nil, err
	}
	for k, c := range cfgs {
		if err := c.Validate(); err != nil {
			return nil, fmt.Errorf("selection: trial %d (%s): %w", k+1, space.Describe(c), err)
		}
	}
	return cfgs, nil
}

// search runs the trials of cfgs on the worker pool, scoring each with
// score, until all have run or the budget or ctx ends, and sets res's
// counted Trials and their Best, Stopped, Cancelled, Dropped and
// SearchSeconds (see Tune). It returns the first trial's error, or an
// error when no trial counts.
func search(ctx context.Context, res *TuneResult, cfgs []model.Config, score scoreFunc, space Space, o options) error {
	start := time.Now()
	sctx, cancel := context.WithCancel(ctx) // cancelled on a trial's error
	defer cancel()
	if o.budget > 0 {
		var stop context.CancelFunc
		sctx, stop = context.WithTimeout(sctx, o.budget)
		defer stop()
	}
	type done struct {
		trial Trial
		err   error
	}
	finished := make([]*Trial, len(cfgs))
	var fail error
	n := 0
	runJobs(sctx, o.workers, len(cfgs), func(ctx context.Context, k int) done {
		t, err := score(ctx, k, cfgs[k])
		return done{t, err}
	}, func(r done) {
		switch {
		case r.err != nil && sctx.Err() != nil:
			res.Cancelled++
		case r.err != nil:
			if fail == nil {
				fail = fmt.Errorf("selection: trial %d (%s): %w", r.trial.Index+1, space.Describe(r.trial.Config), r.err)
				cancel()
			}
		default:
			n++
			finished[r.trial.Index] = &r.trial
			if o.trialProgress != nil && fail == nil {
				o.trialProgress(TuneProgress{Trial: r.trial, Done: n, Planned: len(cfgs)})
			}
		}
	})
	res.SearchSeconds = time.Since(start).Seconds()
	if fail != nil {
		return fail
	}
	for _, t := range finished {
		if t == nil {
			break
		}
		res.Trials = append(res.Trials, *t)
	}
	res.Dropped = n - len(res.Trials)
	res.Stopped = len(res.Trials) < len(cfgs)
	if len(res.Trials) == 0 {
		return fmt.Errorf("selection: the search stopped before any trial finished: %w", context.Cause(sctx))
	}
	res.Best = res.Trials[0]
	for _, t := range res.Trials[1:] {
		if cmpScore(t.Score, res.Best.Score) < 0 {
			res.Best = t
		}
	}
	return nil
}

// refit fits res's best configuration on s.Train, stopping early on
// s.Valid, and tests it on s.Test beside the baselines (ranks it beside
// the most-popular one, for the implicit task), setting res's Model, Test
// or Ranking, and FinalSeconds.
func refit(ctx context.Context, s *dataset.Split, res *TuneResult, opts ...train.Option) error {
	start := time.Now()
	m, err := train.Fit(ctx, s, res.Best.Config, opts...)
	if err != nil && ctx.Err() != nil {
		return interrupted(*res, ctx.Err())
	}
	if err != nil {
		return fmt.Errorf("selection: refitting the best configuration: %w", err)
	}
	res.Model = m
	if m.Config.Implicit() {
		rc := eval.CompareRankingTest(m.Net, s)
		res.Ranking = &rc
	} else {
		res.Test = eval.Compare(m, s, s.Test)
	}
	res.FinalSeconds = time.Since(start).Seconds()
	return nil
}

// interrupted returns the error of a search whose ctx ended (an
// interruption, not the budget): it wraps err and says what was counted.
func interrupted(res TuneResult, err error) error {
	return fmt.Errorf("selection: the search was interrupted after %d of %d trials, before the final refit (best so far: trial %d): %w",
		len(res.Trials), res.Planned, res.Best.Index+1, err)
}

// scoreFunc runs trial k of configuration cfg.
type scoreFunc func(ctx context.Context, k int, cfg model.Config) (Trial, error)

// fitFunc runs fit j of a trial of cfg: it returns its score and best
// epoch.
type fitFunc func(ctx context.Context, j int, cfg model.Config) (score float64, bestEpoch int, err error)

// scorer returns how a trial is scored on s: on its validation rows, or by
// folds of its training and validation rows, the mean of its fits' scores.
// Neither ever reads s.Test.
func scorer(s *dataset.Split, o options, implicit bool) (scoreFunc, error) {
	fits, fit, err := fitter(s, o, implicit)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, k int, cfg model.Config) (Trial, error) {
		start := time.Now()
		t := Trial{Index: k, Config: cfg}
		var sum float64
		for j := range fits {
			score, epoch, err := fit(ctx, j, cfg)
			if err == nil {
				err = ctx.Err() // finished after the search stopped: not counted
			}
			if isDiverged(err) {
				return t.diverged(start), nil
			}
			if err != nil {
				return t, err
			}
			if o.folds >= 2 {
				t.FoldScores = append(t.FoldScores, score)
			}
			t.BestEpochs = append(t.BestEpochs, epoch)
			sum += score
		}
		t.Score = sum / float64(fits)
		t.Seconds = time.Since(start).Seconds()
		return t, nil
	}, nil
}

// fitter returns the fits a trial makes on s and how each is made: one on
// the training rows scored on the validation rows (RMSE, or implicitScore
// for the implicit task), or one per fold of the training and validation
// rows scored by its test RMSE.
func fitter(s *dataset.Split, o options, implicit bool) (int, fitFunc, error) {
	if o.folds < 2 {
		if s.Valid.Len() == 0 {
			return 0, nil, errors.New("selection: scoring on validation rows needs a split with some (or score by folds)")
		}
		fit := &dataset.Split{Name: s.Name, Users: s.Users, Items: s.Items, Min: s.Min, Max: s.Max, Train: s.Train, Valid: s.Valid}
		return 1, func(ctx context.Context, _ int, cfg model.Config) (float64, int, error) {
			m, err := train.Fit(ctx, fit, cfg, o.fit...)
			switch {
			case err != nil:
				return 0, 0, err
			case cfg.Implicit():
				return implicitScore(m, fit), m.BestEpoch, nil
			}
			return m.Test(fit.Valid).RMSE, m.BestEpoch, nil
		}, nil
	}
	if implicit {
		return 0, nil, errors.New("selection: the implicit task is tuned on validation rows; folds do not apply")
	}
	parts, err := tuneFolds(s, o.folds, o.seed)
	if err != nil {
		return 0, nil, err
	}
	return len(parts), func(ctx context.Context, j int, cfg model.Config) (float64, int, error) {
		f, err := fitFold(ctx, &parts[j], cfg, o.valid, foldSeed(o.seed, j), testRating, o.fit...)
		return f.fold.RMSE, f.fold.BestEpoch, err
	}, nil
}

// implicitScore is the score Tune minimises for a model of the implicit
// task: 1 - NDCG@eval.DefaultK on the validation rows, ranking the items
// not seen in training.
func implicitScore(m *model.Model, s *dataset.Split) float64 {
	r := eval.Ranking(m.Net, s.Train, s.Valid, s.Items.Len(), eval.RankingOptions{K: eval.DefaultK, Relevant: math.Inf(-1)})
	return 1 - r.NDCG
}

// tuneFolds cuts s.Train and s.Valid together into k folds on s's scale.
func tuneFolds(s *dataset.Split, k int, seed uint64) ([]foldParts, error) {
	d := &dataset.Dataset{Name: s.Name + " (train+valid)", Users: s.Users, Items: s.Items}
	for _, r := range []dataset.Ratings{s.Train, s.Valid} {
		d.User = append(d.User, r.User...)
		d.Item = append(d.Item, r.Item...)
		d.Value = append(d.Value, r.Value...)
	}
	splits, err := dataset.KFold(d, k, seed)
	if err != nil {
		return nil, fmt.Errorf("selection: %w", err)
	}
	parts := make([]foldParts, k)
	for j, f := range splits {
		f.Min, f.Max = s.Min, s.Max
		parts[j] = foldParts{full: f}
	}
	return parts, nil
}

// isDiverged reports whether err is a fit's train.DivergedError.
func isDiverged(err error) bool {
	var de *train.DivergedError
	return errors.As(err, &de)
}

// diverged returns t marked as diverged, scored +Inf, timed from start.
func (t Trial) diverged(start time.Time) Trial {
	t.Diverged, t.Score = true, math.Inf(1)
	t.Seconds = time.Since(start).Seconds()
	return t
}

// MarshalJSON encodes t with NaN and infinities as null.
func (t Trial) MarshalJSON() ([]byte, error) {
	folds := make([]model.Number, len(t.FoldScores))
	for k, x := range t.FoldScores {
		folds[k] = model.Number(x)
	}
	return json.Marshal(struct {
		Index      int            `json:"index"`
		Config     model.Config   `json:"config"`
		Score      model.Number   `json:"score"`
		FoldScores []model.Number `json:"fold_scores,omitempty"`
		BestEpochs []int          `json:"best_epochs"`
		Seconds    model.Number   `json:"seconds"`
		Diverged   bool           `json:"diverged,omitempty"`
	}{t.Index, t.Config, model.Number(t.Score), folds, t.BestEpochs, model.Number(t.Seconds), t.Diverged})
}

// MarshalJSON encodes r with NaN as null.
func (r TuneResult) MarshalJSON() ([]byte, error) {
	type plain TuneResult // without this method
	acc := func(a model.Accuracy) any {
		return struct {
			N          int          `json:"n"`
			RMSE       model.Number `json:"rmse"`
			MAE        model.Number `json:"mae"`
			MSEScaled  model.Number `json:"mse_scaled"`
			RMSEScaled model.Number `json:"rmse_scaled"`
		}{a.N, model.Number(a.RMSE), model.Number(a.MAE), model.Number(a.MSEScaled), model.Number(a.RMSEScaled)}
	}
	type test struct {
		Model      any `json:"model"`
		GlobalMean any `json:"global_mean"`
		Bias       any `json:"bias"`
	}
	return json.Marshal(struct {
		plain
		Test test `json:"test"`
	}{plain(r), test{acc(r.Test.Model), acc(r.Test.GlobalMean), acc(r.Test.Bias)}})
}
