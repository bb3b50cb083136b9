package selection

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
	"github.com/recnet/recnet/train"
)

// CVProgress reports one finished cross-validation job.
type CVProgress struct {
	Model       string // the model's name in the result
	Fold        int    // 1-based
	Done, Total int    // jobs finished so far and in all
	Score       Fold
}

// Stat is the mean and the standard deviation of a measure over folds.
// Std is the population standard deviation (numpy's std, as Surprise
// reports it).
type Stat struct {
	Mean float64 `json:"mean"`
	Std  float64 `json:"std"`
}

// MeanStd returns the mean and the population standard deviation of xs;
// NaN, NaN when xs is empty.
func MeanStd(xs []float64) Stat {
	if len(xs) == 0 {
		return Stat{math.NaN(), math.NaN()}
	}
	var s float64
	for _, x := range xs {
		s += x
	}
	mean := s / float64(len(xs))
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	return Stat{mean, math.Sqrt(ss / float64(len(xs)))}
}

// Fold is one model's result on one fold.
type Fold struct {
	RMSE float64 `json:"rmse"` // on the test fold, original scale
	MAE  float64 `json:"mae"`
	// FitSeconds and TestSeconds are the wall time of this job's fit and
	// test; other jobs may have run at the same time on other cores.
	FitSeconds  float64 `json:"fit_seconds"`
	TestSeconds float64 `json:"test_seconds"`
	TrainRows   int     `json:"train_rows"`
	ValidRows   int     `json:"valid_rows"` // rows carved for early stopping; 0 if none
	TestRows    int     `json:"test_rows"`
	BestEpoch   int     `json:"best_epoch"` // 0 for a model fitted in closed form
	// Diverged is set when training blew up on this fold (a
	// train.DivergedError): RMSE and MAE are NaN.
	Diverged bool `json:"diverged,omitempty"`
	// Ranked is set on the implicit task (CrossValidateRanking), whose
	// folds hold HR, NDCG and Recall at eval.DefaultK instead of RMSE and
	// MAE (NaN).
	Ranked           bool `json:"-"`
	HR, NDCG, Recall float64
}

// CVModel is one model's cross-validation result.
type CVModel struct {
	// Name is the model kind, with "#2", "#3"... added when several
	// configurations of one kind are evaluated.
	Name   string       `json:"name"`
	Config model.Config `json:"config"`
	// EarlyStopping is set when the model stopped early on a validation
	// part carved out of each training fold (and so trained on the rest).
	EarlyStopping bool   `json:"early_stopping"`
	Folds         []Fold `json:"folds"`
	// DivergedFolds are the folds (1-based) on which training diverged;
	// the means over folds are then NaN.
	DivergedFolds []int `json:"diverged_folds,omitempty"`
	// The mean and standard deviation of each measure over the folds.
	RMSE        Stat `json:"rmse"`
	MAE         Stat `json:"mae"`
	FitSeconds  Stat `json:"fit_seconds"`
	TestSeconds Stat `json:"test_seconds"`
	// HR, NDCG and Recall are set on the implicit task
	// (CrossValidateRanking), where RMSE and MAE are NaN.
	HR     *Stat `json:"hr,omitempty"`
	NDCG   *Stat `json:"ndcg,omitempty"`
	Recall *Stat `json:"recall,omitempty"`
}

// summarize sets m's statistics from its folds.
func (m *CVModel) summarize() {
	col := func(f func(Fold) float64) Stat {
		xs := make([]float64, len(m.Folds))
		for k, x := range m.Folds {
			xs[k] = f(x)
		}
		return MeanStd(xs)
	}
	m.RMSE = col(func(f Fold) float64 { return f.RMSE })
	m.MAE = col(func(f Fold) float64 { return f.MAE })
	m.FitSeconds = col(func(f Fold) float64 { return f.FitSeconds })
	m.TestSeconds = col(func(f Fold) float64 { return f.TestSeconds })
	if len(m.Folds) > 0 && m.Folds[0].Ranked {
		hr, ndcg, recall := col(func(f Fold) float64 { return f.HR }), col(func(f Fold) float64 { return f.NDCG }), col(func(f Fold) float64 { return f.Recall })
		m.HR, m.NDCG, m.Recall = &hr, &ndcg, &recall
	}
	m.DivergedFolds = nil
	for j, f := range m.Folds {
		if f.Diverged {
			m.DivergedFolds = append(m.DivergedFolds, j+1)
		}
	}
}

// CVResult is a cross-validation of several models on the same folds.
// Its JSON form (encoding/json) has the keys data, rows, folds, seed,
// valid_share, workers, wall_seconds and models[] with name, config,
// early_stopping, folds[] (rmse, mae, fit_seconds, test_seconds,
// train_rows, valid_rows, test_rows, best_epoch) and rmse, mae,
// fit_seconds, test_seconds as {mean, std}; NaN and infinite numbers are
// null.
type CVResult struct {
	// Task is the task cross-validated: model.TaskRating (CrossValidate)
	// or model.TaskImplicit (CrossValidateRanking).
	Task  string `json:"task"`
	Data  string `json:"data"`
	Rows  int    `json:"rows"`
	Folds int    `json:"folds"`
	Seed  uint64 `json:"seed"`
	// Holdout says how the folds were cut: "shuffled" (shuffled rows,
	// dataset.KFold) or "latest" (over time, WithLatestFolds, skipping
	// each user's Skip latest rows).
	Holdout    string  `json:"holdout"`
	Skip       int     `json:"skip,omitempty"`
	ValidShare float64 `json:"valid_share"` // 0 with Holdout "latest"
	Workers    int     `json:"workers"`
	// WallSeconds is the wall time of the whole run.
	WallSeconds float64   `json:"wall_seconds"`
	Models      []CVModel `json:"models"`
	// Popular is the most-popular baseline on the same folds, on the
	// implicit task.
	Popular *CVModel `json:"most_popular,omitempty"`
}

// CrossValidate evaluates every configuration on the same k folds of d
// (dataset.KFold with seed): each model is fitted on the training folds
// and tested on the held-out fold, giving RMSE and MAE on the original
// scale per fold. A configuration whose Patience is positive stops early
// on a validation part: a share (WithValidShare, default 0.1) of the
// training folds, drawn from seed, the same rows for every such model; it
// trains on the rest. A blend (model.Kind.FitsValid) fits its weights on
// that part. A kind fitted in closed form (it keeps no training
// history, as mean and bias) cannot stop early and is fitted on the whole
// training folds. WithLatestFolds cuts folds over time instead, each with
// its validation rows. Zero fields of a configuration take its kind's
// defaults.
//
// A fold on which a model's training diverges (a train.DivergedError) is
// marked Diverged, with NaN RMSE and MAE, and the run goes on; when every
// job diverges, CrossValidate fails saying so.
//
// The (model, fold) jobs run on WithWorkers goroutines; results are placed
// by model and fold, so they do not depend on the scheduling. The first
// other error (or ctx's end) stops every job and is returned.
func CrossValidate(ctx context.Context, d *dataset.Dataset, cfgs []model.Config, folds int, seed uint64, opts ...Option) (CVResult, error) {
	res, _, err := crossValidate(ctx, d, cfgs, folds, seed, model.TaskRating, testRating, opts)
	return res, err
}

// crossValidate cuts d into folds with seed and fits and tests every
// configuration on them for the task, as CrossValidate documents; it
// returns the folds too, for a baseline on the same ones (a caller that
// adds one sets WallSeconds again).
func crossValidate(ctx context.Context, d *dataset.Dataset, cfgs []model.Config, folds int, seed uint64, task string, test foldTest, opts []Option) (CVResult, []*dataset.Split, error) {
	o := newOptions(opts)
	start := time.Now()
	if len(cfgs) == 0 {
		return CVResult{}, nil, fmt.Errorf("selection: no model to cross-validate")
	}
	splits, err := cutFolds(d, folds, seed, o)
	if err != nil {
		return CVResult{}, nil, fmt.Errorf("selection: %w", err)
	}
	res := CVResult{Task: task, Data: d.Name, Rows: d.Len(), Folds: folds, Seed: seed, Holdout: "shuffled", ValidShare: o.valid, Workers: o.workers}
	if o.latest {
		res.Holdout, res.Skip, res.ValidShare = "latest", o.skip, 0
	}
	if res.Models, err = newModels(cfgs, folds, task); err != nil {
		return CVResult{}, nil, err
	}
	if err := runFolds(ctx, &res, splits, o, test); err != nil {
		return CVResult{}, nil, err
	}
	for k := range res.Models {
		res.Models[k].summarize()
	}
	res.WallSeconds = time.Since(start).Seconds()
	return res, splits, nil
}

// cutFolds returns d's folds: dataset.KFold's with seed, or the folds
// over time of WithLatestFolds.
func cutFolds(d *dataset.Dataset, folds int, seed uint64, o options) ([]*dataset.Split, error) {
	if !o.latest {
		return dataset.KFold(d, folds, seed)
	}
	if folds < 2 || o.skip < 0 {
		return nil, fmt.Errorf("folds over time: %d folds skipping %d rows a user, want at least 2 folds and 0 rows", folds, o.skip)
	}
	splits := make([]*dataset.Split, folds)
	for j := range splits {
		s, err := dataset.LeaveLatestOutBefore(d, o.skip+j)
		if err != nil {
			return nil, fmt.Errorf("fold %d: %w", j+1, err)
		}
		splits[j] = s
	}
	return splits, nil
}

// runFolds fits and tests every model of res on every fold of splits on
// the worker pool, setting the models' Folds and EarlyStopping (see
// CrossValidate). It returns the first job's error other than a
// divergence, or an error when the jobs stopped early or all diverged.
func runFolds(ctx context.Context, res *CVResult, splits []*dataset.Split, o options, test foldTest) error {
	folds := len(splits)
	full := make([]model.Config, len(res.Models)) // read by the workers
	for k, m := range res.Models {
		full[k] = m.Config
	}
	parts := make([]foldParts, folds)
	for j, s := range splits {
		parts[j] = foldParts{full: s, timed: o.latest}
	}
	type done struct {
		m, f  int
		fold  Fold
		early bool
		err   error
	}
	jobs := len(res.Models) * folds // job k is model k/folds on fold k%folds
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var first error
	n, diverged := 0, 0
	runJobs(ctx, o.workers, jobs, func(ctx context.Context, k int) done {
		m, f := k/folds, k%folds
		fit, err := fitFold(ctx, &parts[f], full[m], o.valid, foldSeed(res.Seed, f), test, o.fit...)
		return done{m: m, f: f, fold: fit.fold, early: fit.early, err: err}
	}, func(r done) {
		if isDiverged(r.err) {
			r.err = nil
			diverged++
		}
		if r.err != nil {
			if first == nil {
				first = fmt.Errorf("selection: %s fold %d: %w", res.Models[r.m].Name, r.f+1, r.err)
				cancel()
			}
			return
		}
		n++
		m := &res.Models[r.m]
		m.Folds[r.f] = r.fold
		m.EarlyStopping = r.early
		if o.cvProgress != nil && first == nil {
			o.cvProgress(CVProgress{Model: m.Name, Fold: r.f + 1, Done: n, Total: jobs, Score: r.fold})
		}
	})
	switch {
	case first != nil:
		return first
	case n < jobs:
		return fmt.Errorf("selection: cross-validation stopped after %d of %d jobs: %w", n, jobs, context.Cause(ctx))
	case diverged == jobs:
		return fmt.Errorf("selection: training diverged on every fold of every model: %s", train.DivergedReason)
	}
	return nil
}

// newModels returns the results to fill of cfgs for the task, each with
// its kind's defaults (for the implicit task, a configuration that names
// no task is set to it) and named by its kind, "#2", "#3"... added when a
// kind comes again; or the error of the first that cannot be
// cross-validated.
func newModels(cfgs []model.Config, folds int, task string) ([]CVModel, error) {
	models := make([]CVModel, len(cfgs))
	count := map[string]int{}
	for k, c := range cfgs {
		if k, ok := model.Lookup(c.Kind); ok && k.Fixed["task"] != "" && k.Fixed["task"] != task {
			return nil, fmt.Errorf("selection: cross-validation of the %s task, and %s learns only the %s task", task, c.Kind, k.Fixed["task"])
		}
		if task == model.TaskImplicit && c.Task == "" {
			c.Task = task
		}
		c = c.WithDefaults()
		if err := c.Validate(); err != nil {
			return nil, fmt.Errorf("selection: %w", err)
		}
		if c.Implicit() != (task == model.TaskImplicit) {
			return nil, fmt.Errorf("selection: cross-validation of the %s task, and %s is trained for the %s task: cross-validate it with that task", task, c.Kind, c.Task)
		}
		count[c.Kind]++
		name := c.Kind
		if n := count[c.Kind]; n > 1 {
			name = fmt.Sprintf("%s#%d", c.Kind, n)
		}
		models[k] = CVModel{Name: name, Config: c, Folds: make([]Fold, folds)}
	}
	return models, nil
}

// foldSeed returns the seed of the validation rows carved from fold j's
// training part.
func foldSeed(seed uint64, j int) uint64 { return seed ^ (0x9e3779b97f4a7c15 * uint64(j+1)) }

// foldParts holds a fold's split and, made once on first use, the other
// form of it: for a shuffled fold the same split with a validation part
// carved from its training rows; for a fold over time (timed), which has
// its validation rows, the same split with them moved into training.
type foldParts struct {
	full  *dataset.Split
	timed bool
	once  sync.Once
	other *dataset.Split
	err   error
}

// split returns the fold's split for a model that stops early on a
// validation part (valid) or for one that does not.
func (p *foldParts) split(valid bool, share float64, seed uint64) (*dataset.Split, error) {
	if valid == p.timed {
		return p.full, nil
	}
	p.once.Do(func() {
		if !p.timed {
			p.other, p.err = dataset.CarveValid(p.full, share, seed)
			return
		}
		s := *p.full
		s.Train, s.Valid = dataset.Concat(p.full.Train, p.full.Valid), dataset.Ratings{}
		p.other = &s
	})
	return p.other, p.err
}

// foldFit is a model fitted and tested on one fold.
type foldFit struct {
	model *model.Model
	fold  Fold
	early bool // it stopped early on the carved validation part
}

// A foldTest tests a model fitted on s's training rows (and stopped
// early on its validation rows, if any) on s's test rows.
type foldTest func(m *model.Model, s *dataset.Split) Fold

// testRating is the foldTest of the rating task: RMSE and MAE on the
// original scale.
func testRating(m *model.Model, s *dataset.Split) Fold {
	acc := m.Test(s.Test)
	return Fold{RMSE: acc.RMSE, MAE: acc.MAE}
}

// fitFold fits cfg on the fold (with a carved validation part when cfg
// stops early, see CrossValidate) and tests it on the fold's test rows.
func fitFold(ctx context.Context, p *foldParts, cfg model.Config, share float64, seed uint64, test foldTest, opts ...train.Option) (foldFit, error) {
	early := cfg.UsesValid()
	s, err := p.split(early, share, seed)
	if err != nil {
		return foldFit{}, err
	}
	start := time.Now()
	m, err := train.Fit(ctx, s, cfg, opts...)
	if isDiverged(err) {
		return foldFit{fold: Fold{
			RMSE: math.NaN(), MAE: math.NaN(), HR: math.NaN(), NDCG: math.NaN(), Recall: math.NaN(), Ranked: cfg.Implicit(), FitSeconds: time.Since(start).Seconds(),
			TrainRows: s.Train.Len(), ValidRows: s.Valid.Len(), TestRows: s.Test.Len(), Diverged: true,
		}, early: early}, err
	}
	if err != nil {
		return foldFit{}, err
	}
	if early && len(m.History) == 0 && cfg.Patience > 0 {
		// Fitted in closed form: it ignored the validation rows, so fit it
		// on all the training rows.
		if s, err = p.split(false, share, seed); err != nil {
			return foldFit{}, err
		}
		early = false
		start = time.Now()
		if m, err = train.Fit(ctx, s, cfg, opts...); err != nil {
			return foldFit{}, err
		}
	}
	fit := time.Since(start).Seconds()
	start = time.Now()
	f := test(m, s)
	f.FitSeconds, f.TestSeconds = fit, time.Since(start).Seconds()
	f.TrainRows, f.ValidRows, f.TestRows, f.BestEpoch = s.Train.Len(), s.Valid.Len(), s.Test.Len(), m.BestEpoch
	return foldFit{model: m, fold: f, early: early}, nil
}

// MarshalJSON encodes s with NaN as null.
func (s Stat) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Mean model.Number `json:"mean"`
		Std  model.Number `json:"std"`
	}{model.Number(s.Mean), model.Number(s.Std)})
}

// MarshalJSON encodes f with NaN as null: rmse and mae on the rating
// task, hr, ndcg and recall on the implicit task.
func (f Fold) MarshalJSON() ([]byte, error) {
	type times struct {
		FitSeconds  model.Number `json:"fit_seconds"`
		TestSeconds model.Number `json:"test_seconds"`
		TrainRows   int          `json:"train_rows"`
		ValidRows   int          `json:"valid_rows"`
		TestRows    int          `json:"test_rows"`
		BestEpoch   int          `json:"best_epoch"`
		Diverged    bool         `json:"diverged,omitempty"`
	}
	t := times{model.Number(f.FitSeconds), model.Number(f.TestSeconds), f.TrainRows, f.ValidRows, f.TestRows, f.BestEpoch, f.Diverged}
	if f.Ranked {
		return json.Marshal(struct {
			HR     model.Number `json:"hr"`
			NDCG   model.Number `json:"ndcg"`
			Recall model.Number `json:"recall"`
			times
		}{model.Number(f.HR), model.Number(f.NDCG), model.Number(f.Recall), t})
	}
	return json.Marshal(struct {
		RMSE model.Number `json:"rmse"`
		MAE  model.Number `json:"mae"`
		times
	}{model.Number(f.RMSE), model.Number(f.MAE), t})
}

// WriteTable writes r as Surprise's cross_validate(verbose=True) does: a
// block per model with RMSE, MAE, fit and test time per fold and their
// mean and standard deviation, then a summary with one row per model,
// sorted by mean RMSE, and the wall time.
func (r CVResult) WriteTable(w io.Writer) error {
	if r.Task == model.TaskImplicit {
		return r.writeRankingTable(w)
	}
	b := &bytes.Buffer{}
	for _, m := range r.Models {
		fmt.Fprintf(b, "Evaluating RMSE, MAE of algorithm %s on %d split(s).\n", m.Name, len(m.Folds))
		if m.EarlyStopping {
			b.WriteString(r.earlyLine())
		}
		b.WriteString("\n")
		writeFoldRows(b, m, []foldColumn{
			{"RMSE (testset)", 4, func(f Fold) float64 { return f.RMSE }, m.RMSE},
			{"MAE (testset)", 4, func(f Fold) float64 { return f.MAE }, m.MAE},
			{"Fit time", 2, func(f Fold) float64 { return f.FitSeconds }, m.FitSeconds},
			{"Test time", 2, func(f Fold) float64 { return f.TestSeconds }, m.TestSeconds},
		})
		writeDiverged(b, m, "RMSE and MAE")
		b.WriteString("\n")
	}
	fmt.Fprintf(b, "Summary: %d-fold cross-validation of %s (%d rows, seed %d%s), by mean test RMSE (± population std over folds)\n\n",
		r.Folds, r.Data, r.Rows, r.Seed, r.foldsSays())
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "model\tRMSE\tMAE\tfit s\ttest s")
	for _, m := range r.byRMSE() {
		name := m.Name
		if len(m.DivergedFolds) > 0 {
			name += " (diverged)"
		}
		fmt.Fprintf(tw, "%s\t%.4f ± %.4f\t%.4f ± %.4f\t%.2f\t%.2f\n", name, m.RMSE.Mean, m.RMSE.Std, m.MAE.Mean, m.MAE.Std, m.FitSeconds.Mean, m.TestSeconds.Mean)
	}
	tw.Flush()
	writeWall(b, r)
	_, err := w.Write(b.Bytes())
	return err
}

// earlyLine says, under a model's name, where it stopped early.
func (r CVResult) earlyLine() string {
	if r.Holdout == "latest" {
		return "(early stopping on each user's row before the held-out one; trained on the earlier rows)\n"
	}
	return fmt.Sprintf("(early stopping on a validation part of %.12g%% of each training fold, the same rows for every model; trained on the rest)\n", 100*r.ValidShare)
}

// foldsSays describes folds over time for the summary line, after the
// seed; it is empty for shuffled folds.
func (r CVResult) foldsSays() string {
	if r.Holdout != "latest" {
		return ""
	}
	if r.Skip > 0 {
		return fmt.Sprintf("; folds over time, each user's %d latest rows left out: fold j holds out each user's latest row before j-1 more", r.Skip)
	}
	return "; folds over time: fold j holds out each user's latest row before the j-1 latest"
}

// A foldColumn is one measure of a model's block in a table: a row of
// its value per fold, then its mean and standard deviation.
type foldColumn struct {
	name string
	prec int
	get  func(Fold) float64
	stat Stat
}

// writeFoldRows writes the header of m's folds and a row per column.
func writeFoldRows(b *bytes.Buffer, m CVModel, cols []foldColumn) {
	head := fmt.Sprintf("%-18s", "")
	for j := range m.Folds {
		head += fmt.Sprintf("%-8s", fmt.Sprintf("Fold %d", j+1))
	}
	b.WriteString(head + "Mean    Std\n")
	for _, c := range cols {
		line := fmt.Sprintf("%-18s", c.name)
		for _, f := range m.Folds {
			line += fmt.Sprintf("%-8.*f", c.prec, c.get(f))
		}
		for _, x := range []float64{c.stat.Mean, c.stat.Std} {
			line += fmt.Sprintf("%-8.*f", c.prec, x)
		}
		b.WriteString(strings.TrimRight(line, " ") + "\n")
	}
}

// writeDiverged says on which folds m diverged, if any, and that its
// measures are NaN there.
func writeDiverged(b *bytes.Buffer, m CVModel, measures string) {
	if d := m.DivergedFolds; len(d) > 0 {
		folds := strings.Trim(strings.Join(strings.Fields(fmt.Sprint(d)), ", "), "[]")
		fmt.Fprintf(b, "diverged on folds %s (%s are NaN there): %s\n", folds, measures, train.DivergedReason)
	}
}

// writeWall writes the wall time line that ends a table.
func writeWall(b *bytes.Buffer, r CVResult) {
	workers := fmt.Sprintf("%d workers", r.Workers)
	if r.Workers == 1 {
		workers = "1 worker"
	}
	jobs := "jobs"
	if r.Workers == 1 {
		jobs = "job"
	}
	fmt.Fprintf(b, "\nwall time %.2fs with %s (fit and test times are per job; up to %d %s ran at once)\n", r.WallSeconds, workers, r.Workers, jobs)
}

// byRMSE returns the models sorted by mean RMSE (NaN last), ties in input
// order.
func (r CVResult) byRMSE() []CVModel {
	out := slices.Clone(r.Models)
	slices.SortStableFunc(out, func(a, b CVModel) int { return cmpScore(a.RMSE.Mean, b.RMSE.Mean) })
	return out
}

// cmpScore orders two scores, lower first, NaN after every number.
func cmpScore(a, b float64) int {
	an, bn := math.IsNaN(a), math.IsNaN(b)
	switch {
	case an && bn:
		return 0
	case an:
		return 1
	case bn:
		return -1
	}
	return cmp.Compare(a, b)
}
