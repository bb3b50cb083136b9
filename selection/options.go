package selection

import (
	"runtime"
	"time"

	"github.com/recnet/recnet/train"
)

// Option sets an option of CrossValidate or Tune; each option says which
// of them reads it, and the other ignores it.
type Option func(*options)

type options struct {
	workers       int
	valid         float64
	cvProgress    func(CVProgress)
	trials        int
	folds         int
	seed          uint64
	grid          bool
	budget        time.Duration
	trialProgress func(TuneProgress)
	fit           []train.Option
	latest        bool // WithLatestFolds
	skip          int
}

func newOptions(opts []Option) options {
	o := options{valid: 0.1, seed: 42}
	for _, f := range opts {
		f(&o)
	}
	if o.workers < 1 {
		o.workers = runtime.GOMAXPROCS(0)
	}
	return o
}

// WithWorkers runs up to n jobs at once, each on its own goroutine (a job
// is one train.Fit, which is single-threaded, and its test). n < 1, the
// default, means runtime.GOMAXPROCS(0). Results do not depend on n.
// CrossValidate and Tune.
func WithWorkers(n int) Option { return func(o *options) { o.workers = n } }

// WithValidShare sets the share of each training fold moved to a
// validation part for models that stop early (default 0.1). CrossValidate,
// and Tune when it scores by folds.
func WithValidShare(f float64) Option { return func(o *options) { o.valid = f } }

// WithLatestFolds cuts the folds of CrossValidate and CrossValidateRanking
// over time instead of shuffling the rows: fold j (1..k) is
// dataset.LeaveLatestOutBefore(d, skip+j-1), which holds out each user's
// latest row before the skip+j-1 latest ones (fold 1 with skip 0 holds out
// each user's latest, as eval --protocol loo does), validates on the row
// before it and trains on the earlier rows; the later rows are in no part.
// A model that stops early stops on those validation rows; one that does
// not (or a kind fitted in closed form) trains on them too, as eval
// --protocol loo trains it. skip > 0 keeps each user's skip latest rows out
// of every fold, for a search whose choice is tested on them afterwards.
// The data must have times (else dataset.ErrNoTime); WithValidShare does
// not apply, and the seed only seeds the training. CrossValidate and
// CrossValidateRanking.
// A negative skip is an error of the cross-validation. Tune ignores it.
func WithLatestFolds(skip int) Option {
	return func(o *options) { o.latest, o.skip = true, skip }
}

// WithCVProgress calls fn after each (model, fold) job of CrossValidate,
// in the order the jobs finish. fn runs on the goroutine that called
// CrossValidate, one call at a time.
func WithCVProgress(fn func(CVProgress)) Option { return func(o *options) { o.cvProgress = fn } }

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

// WithFitOptions passes opts to every train.Fit of CrossValidate and Tune,
// such as train.WithItemFeatures. Both read it.
func WithFitOptions(opts ...train.Option) Option {
	return func(o *options) { o.fit = append(o.fit, opts...) }
}
