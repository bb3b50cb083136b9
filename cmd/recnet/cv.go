package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/internal/quote"
	"github.com/recnet/recnet/model"
	"github.com/recnet/recnet/selection"
	"github.com/recnet/recnet/train"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// cvRun holds cv's flags.
type cvRun struct {
	src        sourceFlags
	kinds      string
	task       string
	preset     string
	folds      int
	holdout    string
	seed       uint64
	workers    int
	validShare float64
	features   string
	svdpp      bool
	asJSON     bool
	quiet      bool
}

func cvCmd() *cobra.Command {
	var r cvRun
	c := &cobra.Command{
		Use:   "cv",
		Short: "Cross-validate models on the same k folds (Surprise's cross_validate table)",
		Long: `Cv shuffles the ratings with --seed, cuts them into --folds folds and, for every
kind of --kinds, trains a model on all folds but one and tests on that one, so that each
model sees exactly the same folds. It prints Surprise's table per model (RMSE and
MAE per fold with their mean and standard deviation, fit and test time), then a
summary sorted by RMSE with the baselines beside the models.

Every model takes its kind's defaults; --preset (default or seed) applies to ` + model.DefaultKind + `.
Models that stop early (` + strings.Join(cvKinds(true), ", ") + `) validate on --valid-share of each training
fold (drawn from --seed, the same rows for every model) and train on the rest; the
others (` + strings.Join(cvKinds(false), ", ") + `) fit on the whole training folds; a ` + model.BlendKind + `, when named, fits its members on the rest
and its weights on the validation part. The (model, fold) jobs run
on --workers goroutines (default: all cores); fit and test times are per job.
A model whose training diverges on a fold (its loss becomes NaN or infinite) is
marked diverged there, in the table and the JSON, with NaN scores, and sorted last;
cv fails (exit 1) only when every job diverges.

With --task implicit cv cross-validates ranking instead: every row is an
interaction, whatever its rating (as the implicit task trains on them); the same
folds are cut, each model trains for the implicit task at its implicit defaults,
and each user of a held-out fold has every item it has no training row for ranked
(full ranking, as eval --protocol loo ranks). The table gives HR@10, NDCG@10 and
recall@10 per fold with their mean and standard deviation, beside most popular
(counted on each fold's training rows) on the same folds; the summary is sorted by
NDCG@10. --kinds then defaults to the kinds that learn the implicit task (` + strings.Join(implicitKinds(train.Kinds()), ", ") + `),
and kinds that learn only ratings are refused.

--holdout latest cuts the folds over time instead of shuffling the rows, for a table
with a time column: fold j holds out each user's latest row before the j-1 latest ones
(fold 1 each user's latest, as eval --protocol loo holds out), validates on the row before
it and trains on the earlier rows (the later rows are in no part). Models that stop early
stop on those validation rows (--valid-share does not apply); the others train on them too.
In fold j a user with j rows or fewer is held out nowhere (its rows before the j-1 latest
train), and one with j+1 rows has no validation row.

--svdpp sets the svdpp setting for every kind of --kinds that reads it, and is refused when
none does.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return r.run(cmd) },
	}
	f := c.Flags()
	r.src.register(f)
	f.StringVar(&r.kinds, "kinds", strings.Join(cvDefaultKinds(), ","), "comma-separated model kinds to evaluate, each once; kinds of the implicit task only ("+strings.Join(implicitOnly(), ", ")+") rank rather than rate, and are refused unless --task implicit (default then: "+strings.Join(implicitKinds(train.Kinds()), ",")+"); "+model.BlendKind+" (its default members, fitted again) only when named")
	f.StringVar(&r.task, "task", model.TaskRating, "rating (RMSE and MAE of predicted ratings) or implicit (HR@10, NDCG@10 and recall@10 of a full ranking, every row an interaction)")
	f.StringVar(&r.preset, "preset", "default", "starting settings of "+model.DefaultKind+": default (recnet's) or seed (the original lab); other kinds take their defaults (refused when --kinds has no "+model.DefaultKind+")")
	f.IntVar(&r.folds, "folds", 5, fmt.Sprintf("number of folds, 2 to %d", maxFolds))
	f.StringVar(&r.holdout, "holdout", "shuffled", "the rows each fold holds out: shuffled (the rows shuffled with --seed and cut into --folds parts) or latest (over time, by the table's time column: fold j holds out each user's latest row before the j-1 latest, and validates on the one before it; --seed then seeds the training only)")
	f.Uint64Var(&r.seed, "seed", 42, "seed of the fold shuffle, the validation rows and the training (with --holdout latest: the training only)"+seedRule)
	f.IntVar(&r.workers, "workers", 0, fmt.Sprintf("jobs run at once, 1 to %d (default: all cores)", maxWorkers))
	f.Float64Var(&r.validShare, "valid-share", 0.1, validShareUsage+", and above 0 (each fold's training stops early on it; refused when --kinds has only "+strings.Join(cvKinds(false), " and ")+", and with --holdout latest)")
	f.StringVar(&r.features, "item-features", "", itemFeaturesUsage)
	svdpp, _ := model.LookupSetting("svdpp")
	f.BoolVar(&r.svdpp, svdpp.Flag, false, settingUsage(svdpp))
	f.BoolVar(&r.asJSON, "json", false, "print the result as one JSON object instead of the table")
	f.BoolVarP(&r.quiet, "quiet", "q", false, "no progress on stderr")
	return c
}

// run checks the flags, loads the data, cross-validates and prints.
func (r *cvRun) run(cmd *cobra.Command) error {
	cfgs, err := r.check(cmd.Flags())
	if err != nil {
		return err
	}
	d, err := r.src.load(cmd.Context(), r.task)
	if err != nil {
		return err
	}
	if d.Len() < 2*r.folds {
		return badInput(fmt.Errorf("%s has %d rows: too few for %d folds", d.Name, d.Len(), r.folds))
	}
	feats, used, err := loadItemFeatures(cmd.Context(), r.features, d.Items)
	if err != nil {
		return err
	}
	if r.holdout == "latest" && d.Time == nil {
		return badInput(fmt.Errorf("--holdout latest: %s has no time column to order each user's rows by (--columns time=NAME names one)", d.Name))
	}
	opts := []selection.Option{selection.WithWorkers(r.workers), selection.WithValidShare(r.validShare)}
	folds := fmt.Sprintf("; %d folds, seed %d", r.folds, r.seed)
	if r.holdout == "latest" {
		opts = append(opts, selection.WithLatestFolds(0))
		folds = fmt.Sprintf("; %d folds over time (each user's latest rows), seed %d", r.folds, r.seed)
	}
	if feats != nil {
		opts = append(opts, selection.WithFitOptions(train.WithItemFeatures(feats)))
	}
	if !r.quiet {
		errw := cmd.ErrOrStderr()
		fmt.Fprint(errw, tableLines(d, folds))
		if used != nil {
			fmt.Fprint(errw, featuresLine(used))
		}
		opts = append(opts, selection.WithCVProgress(cvProgress(errw)))
	}
	cv := selection.CrossValidate
	if r.task == model.TaskImplicit {
		cv = selection.CrossValidateRanking
	}
	res, err := cv(cmd.Context(), d, cfgs, r.folds, r.seed, opts...)
	if r.holdout == "latest" && errors.Is(err, dataset.ErrTooFewRows) {
		return badInput(fmt.Errorf("--folds %d: %w", r.folds, err))
	}
	if err != nil {
		// CrossValidate marks a diverged fold and goes on: no
		// DivergedError reaches here, only too large, constant and
		// interrupted, classified as train's.
		return divergedHint(err, cmd.Flags(), cfgs[0], false)
	}
	if r.asJSON {
		e := json.NewEncoder(cmd.OutOrStdout())
		e.SetIndent("", "  ")
		return e.Encode(res)
	}
	return res.WriteTable(cmd.OutOrStdout())
}

// check refuses a flag out of its bounds or with no effect, before any
// data is read, and returns the models' configurations.
func (r *cvRun) check(fs *pflag.FlagSet) ([]model.Config, error) {
	if err := firstErr(intIn(fs, "workers", r.workers, 1, maxWorkers), seedSet(fs, r.seed),
		intIn(fs, "folds", r.folds, 2, maxFolds), checkValidShare(fs, r.validShare, false),
		r.src.check(fs)); err != nil {
		return nil, err
	}
	if err := oneOf("--task", r.task, model.Tasks...); err != nil {
		return nil, err
	}
	if err := oneOf("--holdout", r.holdout, "shuffled", "latest"); err != nil {
		return nil, err
	}
	if r.holdout == "latest" && fs.Changed("valid-share") {
		return nil, badInput(errors.New("--valid-share: does not apply to --holdout latest, whose folds validate on each user's row before the held-out one"))
	}
	kinds := r.kinds
	if r.task == model.TaskImplicit && !fs.Changed("kinds") {
		kinds = strings.Join(implicitKinds(train.Kinds()), ",")
	}
	cfgs, err := cvConfigs(kinds, r.preset, r.seed, r.task)
	if err != nil {
		return nil, badInput(err)
	}
	if err := r.svdppApply(cfgs); err != nil {
		return nil, err
	}
	var names []string
	for _, c := range cfgs {
		names = append(names, c.Kind)
		if r.features != "" && c.Kind != model.DefaultKind {
			return nil, badInput(fmt.Errorf("--item-features: %s does not train with item features (--kinds names it): give --kinds %s", c.Kind, model.DefaultKind))
		}
		if err := featuresApply(r.features, c); err != nil {
			return nil, err
		}
	}
	list := strings.Join(names, ", ")
	if fs.Changed("preset") && !slices.Contains(names, model.DefaultKind) {
		return nil, badInput(fmt.Errorf("--preset: applies to %s, which --kinds (%s) does not name", model.DefaultKind, list))
	}
	if fs.Changed("valid-share") && !slices.ContainsFunc(names, usesValid) {
		return nil, badInput(fmt.Errorf("--valid-share: applies to the models that stop early, and --kinds (%s) names only models fitted on the whole training folds", list))
	}
	return cfgs, nil
}

// svdppApply sets the svdpp setting, with --svdpp, in each of cfgs whose
// kind reads it, and refuses the flag when none does.
func (r *cvRun) svdppApply(cfgs []model.Config) error {
	if !r.svdpp {
		return nil
	}
	var why string
	for k := range cfgs {
		if why = cfgs[k].Unused("svdpp"); why == "" {
			cfgs[k].SVDpp = true
		}
	}
	if !slices.ContainsFunc(cfgs, func(c model.Config) bool { return c.SVDpp }) {
		return badInput(fmt.Errorf("--svdpp: does not apply: no kind of --kinds reads it (%s)", why))
	}
	return nil
}

// cvProgress returns the progress callback that prints each finished job
// on w.
func cvProgress(w io.Writer) func(selection.CVProgress) {
	return func(p selection.CVProgress) {
		if p.Score.Diverged {
			fmt.Fprintf(w, "[%d/%d] %s fold %d: diverged (see the table), fit %.2fs\n", p.Done, p.Total, p.Model, p.Fold, p.Score.FitSeconds)
			return
		}
		fmt.Fprintf(w, "[%d/%d] %s fold %d: RMSE %.4f, MAE %.4f, fit %.2fs\n",
			p.Done, p.Total, p.Model, p.Fold, p.Score.RMSE, p.Score.MAE, p.Score.FitSeconds)
	}
}

// cvConfigs returns the configuration of each kind named in kinds (the
// value of --kinds) for the task: the kind's defaults for it, the preset
// for dot (on the implicit task, the default preset is dot's implicit
// defaults), seeded with seed.
func cvConfigs(kinds, preset string, seed uint64, task string) ([]model.Config, error) {
	known := train.Kinds()
	p, err := model.Preset(preset)
	if err != nil {
		return nil, fmt.Errorf("--preset: %w", err)
	}
	var cfgs []model.Config
	for _, name := range strings.Split(kinds, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			return nil, fmt.Errorf("--kinds %s: an empty name in the list (known: %s)", quote.Short(kinds), strings.Join(known, ", "))
		}
		if !slices.Contains(known, name) {
			return nil, fmt.Errorf("--kinds: unknown kind %s (known: %s)", quote.Short(name), strings.Join(known, ", "))
		}
		if task == model.TaskRating && slices.Contains(implicitOnly(), name) {
			return nil, fmt.Errorf("--kinds: %s learns only the implicit task: it ranks items rather than rating them, which cv measures; use cv --task implicit, or eval --protocol loo --kind %s", name, name)
		}
		if task == model.TaskImplicit && !slices.Contains(implicitKinds(train.Kinds()), name) {
			return nil, fmt.Errorf("--kinds: %s learns only ratings, and --task implicit ranks interactions (kinds of that task: %s)", name, strings.Join(implicitKinds(train.Kinds()), ", "))
		}
		if slices.ContainsFunc(cfgs, func(c model.Config) bool { return c.Kind == name }) {
			return nil, fmt.Errorf("--kinds: %s named twice (each kind is evaluated once)", name)
		}
		c := model.Config{Kind: name, Training: model.Training{Task: task}}.WithDefaults()
		if name == p.Kind && (task == model.TaskRating || preset != "default") {
			c = p
			c.Task = task
		}
		c.Seed = seed
		cfgs = append(cfgs, c)
	}
	return cfgs, nil
}

// stopsEarly reports whether the kind name stops early (reads patience),
// on a validation part carved from each training fold.
func stopsEarly(name string) bool {
	k, ok := model.Lookup(name)
	return ok && k.ReadsSetting("patience")
}

// usesValid reports whether the kind name stops early or fits its
// weights (a blend: model.Kind.FitsValid) on a validation part carved
// from each training fold.
func usesValid(name string) bool {
	k, ok := model.Lookup(name)
	return stopsEarly(name) || ok && k.FitsValid
}

// cvDefaultKinds returns the kinds cv evaluates by default: the rating
// kinds but those fitted on a validation part as well (a blend fits its
// members again).
func cvDefaultKinds() []string {
	var out []string
	for _, name := range ratingKinds() {
		if k, ok := model.Lookup(name); ok && !k.FitsValid {
			out = append(out, name)
		}
	}
	return out
}

// implicitOnly reports the kinds train trains that learn only the implicit
// task (Kind.Fixed), from the kinds' declarations.
func implicitOnly() []string {
	var out []string
	for _, name := range train.Kinds() {
		if k, ok := model.Lookup(name); ok && k.Fixed["task"] == model.TaskImplicit {
			out = append(out, name)
		}
	}
	return out
}

// ratingKinds returns the kinds cv cross-validates: those train trains
// that can learn ratings.
func ratingKinds() []string {
	var out []string
	for _, name := range train.Kinds() {
		if !slices.Contains(implicitOnly(), name) {
			out = append(out, name)
		}
	}
	return out
}

// cvKinds returns the kinds cv cross-validates that stop early (early),
// or else those fitted on the whole training folds.
func cvKinds(early bool) []string { return earlyKinds(cvDefaultKinds(), early) }

// earlyKinds returns the kinds of names that stop early (early), or else
// those that do not.
func earlyKinds(names []string, early bool) []string {
	var out []string
	for _, name := range names {
		if stopsEarly(name) == early {
			out = append(out, name)
		}
	}
	return out
}
