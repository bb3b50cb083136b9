package eval

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
	"github.com/recnet/recnet/train"
)

// WithTrials caps the number of trials: a random search draws n
// configurations (default 20), a grid search runs the first n of its grid
// (default all of it). Tune.
func WithTrials(n int) Option { return func(o *options) { o.trials = n } }

// WithFolds scores each trial by k-fold cross-validation (the mean test
// RMSE over the folds) on the split's training and validation rows, instead
// of by RMSE on its validation rows; k < 2, the default, scores on the
// validation rows. Tune.
func WithFolds(k int) Option { return func(o *options) { o.folds = k } }

// WithSeed seeds the random search and the folds (default 42). Tune.
func WithSeed(seed uint64) Option { return func(o *options) { o.seed = seed } }

// WithGrid searches the space's grid instead of drawing at random. Tune.
func WithGrid() Option { return func(o *options) { o.grid = true } }

// WithBudget stops the search after d of wall time, as a deadline on ctx
// would (d <= 0, the default: no budget). Tune.
func WithBudget(d time.Duration) Option { return func(o *options) { o.budget = d } }

// WithTuneProgress calls fn as each trial finishes, in the order they
// finish. fn runs on the goroutine that called Tune, one call at a time.
// Tune.
func WithTuneProgress(fn func(TuneProgress)) Option {
	return func(o *options) { o.trialProgress = fn }
}

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
	Kind    string `json:"model"`
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
	Test Comparison `json:"test"`
	// Ranking replaces Test for a model of the implicit task: its top-k
	// ranking of the test rows beside the most-popular baseline's.
	Ranking *RankingComparison `json:"ranking,omitempty"`
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
	var cfgs []model.Config
	var err error
	if o.grid {
		res.Search = "grid"
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
		return res, err
	}
	for k, c := range cfgs {
		if err := c.Validate(); err != nil {
			return res, fmt.Errorf("eval: trial %d (%s): %w", k+1, space.Describe(c), err)
		}
	}
	res.Planned = len(cfgs)
	score, err := scorer(s, o, space.Base.Implicit())
	if err != nil {
		return res, err
	}
	if o.folds >= 2 {
		res.Scoring = fmt.Sprintf("%d-fold", o.folds)
	}

	start := time.Now()
	sctx, cancel := context.WithCancel(ctx)
	if o.budget > 0 {
		sctx, cancel = context.WithTimeout(ctx, o.budget)
	}
	defer cancel()
	type done struct {
		trial Trial
		err   error
	}
	next := make(chan int)
	results := make(chan done)
	var wg sync.WaitGroup
	for range min(o.workers, len(cfgs)) {
		wg.Go(func() {
			for k := range next {
				t, err := score(sctx, k, cfgs[k])
				results <- done{t, err}
			}
		})
	}
	go func() {
		defer close(next)
		for k := range cfgs {
			if sctx.Err() != nil {
				return
			}
			select {
			case next <- k:
			case <-sctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()
	finished := make([]*Trial, len(cfgs))
	var fail error
	n := 0
	for r := range results {
		switch {
		case r.err != nil && sctx.Err() != nil:
			res.Cancelled++
		case r.err != nil:
			if fail == nil {
				fail = fmt.Errorf("eval: trial %d (%s): %w", r.trial.Index+1, space.Describe(r.trial.Config), r.err)
				cancel()
			}
		default:
			n++
			finished[r.trial.Index] = &r.trial
			if o.trialProgress != nil && fail == nil {
				o.trialProgress(TuneProgress{Trial: r.trial, Done: n, Planned: len(cfgs)})
			}
		}
	}
	res.SearchSeconds = time.Since(start).Seconds()
	if fail != nil {
		return res, fail
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
		return res, fmt.Errorf("eval: the search stopped before any trial finished: %w", context.Cause(sctx))
	}
	res.Best = res.Trials[0]
	for _, t := range res.Trials[1:] {
		if cmpScore(t.Score, res.Best.Score) < 0 {
			res.Best = t
		}
	}
	if err := ctx.Err(); err != nil {
		return res, interrupted(res, err)
	}
	if res.Best.Diverged {
		return res, fmt.Errorf("eval: every one of the %d trials diverged: %s", len(res.Trials), train.DivergedReason)
	}

	start = time.Now()
	m, err := train.Fit(ctx, s, res.Best.Config)
	if err != nil && ctx.Err() != nil {
		return res, interrupted(res, ctx.Err())
	}
	if err != nil {
		return res, fmt.Errorf("eval: refitting the best configuration: %w", err)
	}
	res.Model = m
	if m.Config.Implicit() {
		rc := CompareRankingTest(m.Net, s)
		res.Ranking = &rc
	} else {
		res.Test = Compare(m, s, s.Test)
	}
	res.FinalSeconds = time.Since(start).Seconds()
	return res, nil
}

// interrupted returns the error of a search whose ctx ended (an
// interruption, not the budget): it wraps err and says what was counted.
func interrupted(res TuneResult, err error) error {
	return fmt.Errorf("eval: the search was interrupted after %d of %d trials, before the final refit (best so far: trial %d): %w",
		len(res.Trials), res.Planned, res.Best.Index+1, err)
}

// scoreFunc runs trial k of configuration cfg.
type scoreFunc func(ctx context.Context, k int, cfg model.Config) (Trial, error)

// scorer returns how a trial is scored on s: on its validation rows, or by
// folds of its training and validation rows. Neither ever reads s.Test.
func scorer(s *dataset.Split, o options, implicit bool) (scoreFunc, error) {
	if o.folds < 2 {
		if s.Valid.Len() == 0 {
			return nil, errors.New("eval: scoring on validation rows needs a split with some (or score by folds)")
		}
		fit := &dataset.Split{Name: s.Name, Users: s.Users, Items: s.Items, Min: s.Min, Max: s.Max, Train: s.Train, Valid: s.Valid}
		return func(ctx context.Context, k int, cfg model.Config) (Trial, error) {
			start := time.Now()
			t := Trial{Index: k, Config: cfg}
			m, err := train.Fit(ctx, fit, cfg)
			if err == nil {
				err = ctx.Err() // finished after the search stopped: not counted
			}
			if isDiverged(err) {
				return t.diverged(start), nil
			}
			if err != nil {
				return t, err
			}
			t.Score = m.Test(fit.Valid).RMSE
			if cfg.Implicit() {
				t.Score = implicitScore(m, fit)
			}
			t.BestEpochs = []int{m.BestEpoch}
			t.Seconds = time.Since(start).Seconds()
			return t, nil
		}, nil
	}
	if implicit {
		return nil, errors.New("eval: the implicit task is tuned on validation rows; folds do not apply")
	}
	parts, err := tuneFolds(s, o.folds, o.seed)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, k int, cfg model.Config) (Trial, error) {
		start := time.Now()
		t := Trial{Index: k, Config: cfg}
		var sum float64
		for j := range parts {
			f, err := fitFold(ctx, &parts[j], cfg, o.valid, foldSeed(o.seed, j))
			if err == nil {
				err = ctx.Err() // finished after the search stopped: not counted
			}
			if isDiverged(err) {
				return t.diverged(start), nil
			}
			if err != nil {
				return t, err
			}
			t.FoldScores = append(t.FoldScores, f.fold.RMSE)
			t.BestEpochs = append(t.BestEpochs, f.fold.BestEpoch)
			sum += f.fold.RMSE
		}
		t.Score = sum / float64(len(parts))
		t.Seconds = time.Since(start).Seconds()
		return t, nil
	}, nil
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
		return nil, fmt.Errorf("eval: %w", err)
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
	folds := make([]Number, len(t.FoldScores))
	for k, x := range t.FoldScores {
		folds[k] = Number(x)
	}
	return json.Marshal(struct {
		Index      int          `json:"index"`
		Config     model.Config `json:"config"`
		Score      Number       `json:"score"`
		FoldScores []Number     `json:"fold_scores,omitempty"`
		BestEpochs []int        `json:"best_epochs"`
		Seconds    Number       `json:"seconds"`
		Diverged   bool         `json:"diverged,omitempty"`
	}{t.Index, t.Config, Number(t.Score), folds, t.BestEpochs, Number(t.Seconds), t.Diverged})
}

// MarshalJSON encodes r with NaN as null.
func (r TuneResult) MarshalJSON() ([]byte, error) {
	type plain TuneResult // without this method
	acc := func(a model.Accuracy) any {
		return struct {
			N          int    `json:"n"`
			RMSE       Number `json:"rmse"`
			MAE        Number `json:"mae"`
			MSEScaled  Number `json:"mse_scaled"`
			RMSEScaled Number `json:"rmse_scaled"`
		}{a.N, Number(a.RMSE), Number(a.MAE), Number(a.MSEScaled), Number(a.RMSEScaled)}
	}
	return json.Marshal(struct {
		plain
		Test any `json:"test"`
	}{plain(r), map[string]any{"model": acc(r.Test.Model), "global_mean": acc(r.Test.GlobalMean), "bias": acc(r.Test.Bias)}})
}
