package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
	"github.com/recnet/recnet/report"
	"github.com/recnet/recnet/selection"
	"github.com/recnet/recnet/train"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// tuneRun holds tune's flags.
type tuneRun struct {
	df         dataFlags
	kind       string
	task       string
	negatives  int
	budget     time.Duration
	trials     int
	grid       bool
	folds      int
	workers    int
	validShare float64
	out        string
	asJSON     bool
	feats      *dataset.Features // --item-features, read by load
}

func tuneCmd() *cobra.Command {
	var r tuneRun
	c := &cobra.Command{
		Use:   "tune",
		Short: "Search model settings by random search or grid, then test the best on unseen rows",
		Long: `Tune splits the ratings as train does (--split, --seed) and searches the settings of
--kind: random search (--trials draws, default 20) or a fixed grid (--grid). Each
trial trains on the training part (with early stopping on the validation part for
the kinds that stop early: ` + strings.Join(earlyKinds(model.Tunable(), true), ", ") + `) and is scored by
validation RMSE, or, with --folds K, by the mean RMSE of K-fold cross-validation
over the training and validation parts. With --task implicit
(` + strings.Join(implicitKinds(model.Tunable()), ", ") + `) each trial is scored by 1 - NDCG@10 of its
ranking of the validation rows, and the best is tested by ranking beside the most-popular
baseline; the kinds that sample negatives draw them too (negatives below), unless
--negatives is given, which every trial then uses. A kind of the implicit task only is
searched for that task without --task. Every trial is printed as it finishes. The best
configuration is then refitted on the training part (early stopping on the validation
part where the kind stops early) and tested on the test part, which the search never
saw; --out saves that model.

Search spaces, as each kind declares it (the rating task's on ratings scaled to [0,1]):
` + spacesHelp() + `

--budget stops the search cleanly at a wall-clock limit: running trials are cancelled
and not counted, and the search keeps the trials before the first unfinished one, so
that the same --seed and the same number of counted trials give the same best
configuration and scores. Trials run on --workers goroutines (default: all cores).`,

		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return r.run(cmd) },
	}
	r.df.register(c.Flags())
	f := c.Flags()
	f.StringVar(&r.kind, "kind", model.DefaultKind, "model kind to tune: "+strings.Join(model.Tunable(), ", "))
	f.StringVar(&r.task, "task", model.TaskRating, "rating (scored by RMSE) or implicit ("+strings.Join(implicitKinds(model.Tunable()), ", ")+": trained on interactions, scored by 1 - NDCG@10 on the validation part)")
	negatives, _ := model.LookupSetting("negatives")
	f.IntVar(&r.negatives, "negatives", model.DefaultNegatives, settingUsage(negatives))
	f.DurationVar(&r.budget, "budget", 0, "wall-clock limit of the search, above 0, e.g. 10m (default: none)")
	f.IntVar(&r.trials, "trials", 0, fmt.Sprintf("most trials, 1 to %d (default: 20 for random search, the whole grid with --grid)", maxTrials))
	f.BoolVar(&r.grid, "grid", false, "search the kind's fixed grid instead of drawing at random")
	f.IntVar(&r.folds, "folds", 0, fmt.Sprintf("score by K-fold cross-validation (K 2 to %d) on the training and validation parts (0: on the validation part)", maxFolds))
	f.IntVar(&r.workers, "workers", 0, fmt.Sprintf("trials run at once, 1 to %d (default: all cores)", maxWorkers))
	f.Float64Var(&r.validShare, "valid-share", 0.1, "share held out for early stopping, above 0 and below 1: with --folds, of each training fold; with --train/--test and no --valid, of the training file (the validation part trials are scored on)")
	f.StringVar(&r.out, "out", "", "save the best configuration's refitted model to this file"+outputRule)
	f.BoolVar(&r.asJSON, "json", false, "print the result as one JSON object (trial lines go to stderr)")
	return c
}

// run checks the flags, loads the data, searches, saves the best model
// (--out) and prints the result: the table of steps is the body.
func (r *tuneRun) run(cmd *cobra.Command) error {
	space, metric, err := r.check(cmd.Flags())
	if err != nil {
		return err
	}
	lines := reportLines(cmd, r.asJSON, false)
	s, err := r.load(cmd.Context(), lines)
	if err != nil {
		return err
	}
	r.header(lines, s, metric)
	res, err := selection.Tune(cmd.Context(), s, space, r.options(lines, space, metric)...)
	if err != nil {
		return r.failed(lines, res, space, metric, err)
	}
	if r.out != "" {
		if err := res.Model.Save(r.out); err != nil {
			return outputErr("out", err)
		}
	}
	if r.asJSON {
		return evalWriteJSON(cmd.OutOrStdout(), res)
	}
	writeTune(lines, res, space, s.Test.Len())
	r.df.writeHeldOut(lines, res.Model, s, r.feats)
	if r.out != "" {
		fmt.Fprintf(lines, "model saved: %s\n", r.out)
	}
	return nil
}

// load reads the split the data flags give, refuses one the task cannot
// learn from, carves a validation part (--valid-share, without --folds)
// and says what it read on lines.
func (r *tuneRun) load(ctx context.Context, lines io.Writer) (*dataset.Split, error) {
	s, rows, _, err := r.df.load(ctx)
	if err != nil {
		return nil, err
	}
	if err := learnable(s.Name, s.Unrated, r.task, s.Train); err != nil {
		return nil, err
	}
	loaded := s
	carved := ""
	if r.folds == 0 {
		if s, carved, err = carveValid(s, &r.df, r.validShare); err != nil {
			return nil, err
		}
	}
	fmt.Fprint(lines, r.df.dataLines(loaded, rows, s))
	fmt.Fprint(lines, carved)
	feats, said, err := r.df.loadFeatures(ctx, s)
	if err != nil {
		return nil, err
	}
	fmt.Fprint(lines, said)
	r.feats = feats
	return s, nil
}

// failed returns the error of a search that did not end: an interruption,
// after printing the best trial so far, or a refusal of the data (too
// large, constant: exit 2) or a divergence.
func (r *tuneRun) failed(lines io.Writer, res selection.TuneResult, space selection.Space, metric string, err error) error {
	if !errors.Is(err, context.Canceled) {
		return divergedHint(err, nil, space.Base, true)
	}
	if len(res.Trials) > 0 {
		fmt.Fprintf(lines, "\ninterrupted after %d of %d trials; best so far: trial %d, %s %.4f\n  %s\n",
			len(res.Trials), res.Planned, res.Best.Index+1, res.Scoring+" "+metric, res.Best.Score, space.Describe(res.Best.Config))
	}
	return fmt.Errorf("tune: %s (%s counted; the best configuration was not refitted)", interrupted, plural(len(res.Trials), "trial"))
}

// check refuses a flag out of its bounds and returns the search space
// and the name of the score trials are ranked by.
func (r *tuneRun) check(fs *pflag.FlagSet) (selection.Space, string, error) {
	if d, ok := model.Defaults(r.kind); ok && d.Task != "" && !fs.Changed("task") {
		r.task = d.Task // a kind's declared task is its default (ials, ease)
	}
	if err := firstErr(nonEmpty(fs, "kind", r.kind), nonEmpty(fs, "task", r.task),
		intIn(fs, "trials", r.trials, 1, maxTrials), durationPositive(fs, "budget", r.budget),
		intIn(fs, "workers", r.workers, 1, maxWorkers), intIn(fs, "negatives", r.negatives, 1, model.MaxNegatives),
		r.df.check(fs), tunable(r.kind), kindTask("--task", r.kind, r.task), featuresApply(r.df.itemFeatures, model.Config{Kind: r.kind}), r.df.heldNeedFeatures("tune"),
		validShareApplies(fs, &r.df, r.validShare, false, r.folds != 0, "with --folds (of each training fold)")); err != nil {
		return selection.Space{}, "", err
	}
	if fs.Changed("task") {
		if err := oneOf("--task", r.task, model.Tasks...); err != nil {
			return selection.Space{}, "", err
		}
	}
	if fs.Changed("negatives") && r.task != model.TaskImplicit {
		return selection.Space{}, "", badInput(errors.New("--negatives: applies with --task implicit only (negatives are sampled for the implicit task)"))
	}
	space, err := selection.TaskSpace(r.kind, r.task)
	if err != nil {
		return space, "", badInput(fmt.Errorf("--kind: %w", err))
	}
	space.Base.Seed = r.df.seed
	if fs.Changed("negatives") {
		if why := space.Base.Unused("negatives"); why != "" {
			return space, "", badInput(fmt.Errorf("--negatives: %s does not read it: %s", r.kind, why))
		}
		// The negatives given are every trial's: none are drawn.
		space.Base.Negatives = r.negatives
		space.Ranges = slices.DeleteFunc(space.Ranges, func(p model.Range) bool { return p.Name == "negatives" })
	}
	if r.df.itemFeatures != "" {
		// Dot does not train svdpp with item features (featuresApply).
		space.Ranges = slices.DeleteFunc(space.Ranges, func(p model.Range) bool { return p.Name == "svdpp" })
	}
	if err := space.Base.Validate(); err != nil {
		return space, "", badInput(err)
	}
	metric := "RMSE"
	if space.Base.Implicit() {
		metric = "1-NDCG@10"
		if r.folds != 0 {
			return space, "", badInput(fmt.Errorf("--task implicit is tuned on the validation part; --folds does not apply"))
		}
	}
	err = firstErr(intInOrZero(fs, "folds", r.folds, 2, maxFolds, "score on the validation part"),
		checkOutput("out", r.out, r.df.inputs()...))
	return space, metric, err
}

// tunable refuses a --kind that has no search space: an unknown one, or
// one fitted without training settings, naming the kinds tune searches.
func tunable(kind string) error {
	k, ok := model.Lookup(kind)
	if !ok || k.Space != nil {
		return oneOf("--kind", kind, model.Tunable()...)
	}
	why := "nothing to search"
	if !k.Trained() {
		why = "it is fitted without training settings"
	}
	return badInput(fmt.Errorf("--kind %s: has no search space (%s); tunable kinds: %s", kind, why, strings.Join(model.Tunable(), ", ")))
}

// implicitKinds returns those of the kinds names that train the implicit
// task (the others read the task as rating only: model.Kind.Fixed).
func implicitKinds(names []string) []string {
	var out []string
	for _, name := range names {
		if (model.Config{Kind: name, Training: model.Training{Task: model.TaskImplicit}}).Unused("task") == "" {
			out = append(out, name)
		}
	}
	return out
}

// header says what the search does and how it scores.
func (r *tuneRun) header(lines io.Writer, s *dataset.Split, metric string) {
	scoring := fmt.Sprintf("validation %s on %d rows", metric, s.Valid.Len())
	if r.folds >= 2 {
		scoring = fmt.Sprintf("mean RMSE of %d-fold cross-validation on %d training+validation rows", r.folds, s.Train.Len()+s.Valid.Len())
	}
	search := "random search"
	if r.grid {
		search = "grid"
	}
	fmt.Fprintf(lines, "tuning %s: %s, seed %d, scored by %s\n", r.kind, search, r.df.seed, scoring)
	if r.budget > 0 {
		fmt.Fprintf(lines, "budget %s\n", r.budget)
	}
}

// options returns the search's options, with a progress callback that
// prints each trial on lines and marks each new best.
func (r *tuneRun) options(lines io.Writer, space selection.Space, metric string) []selection.Option {
	best := math.Inf(1)
	opts := []selection.Option{
		selection.WithTrials(r.trials), selection.WithFolds(r.folds), selection.WithSeed(r.df.seed), selection.WithBudget(r.budget),
		selection.WithWorkers(r.workers), selection.WithValidShare(r.validShare),
		selection.WithTuneProgress(func(p selection.TuneProgress) {
			t := p.Trial
			mark := ""
			if t.Score < best {
				best, mark = t.Score, "  *"
			}
			if t.Diverged {
				mark = "  diverged" // the search's error says what it is
			}
			fmt.Fprintf(lines, "trial %3d/%d  %s %.4f  %6.2fs  %s  (best epoch %s)%s\n", t.Index+1, p.Planned, metric,
				t.Score, t.Seconds, space.Describe(t.Config), epochs(t.BestEpochs), mark)
		}),
	}
	if r.grid {
		opts = append(opts, selection.WithGrid())
	}
	if r.feats != nil {
		opts = append(opts, selection.WithFitOptions(train.WithItemFeatures(r.feats)))
	}
	return opts
}

// epochs formats the best epoch of each fit.
func epochs(es []int) string {
	parts := make([]string, len(es))
	for k, e := range es {
		parts[k] = fmt.Sprint(e)
	}
	return strings.Join(parts, ",")
}

// writeTune prints the end of a search: what was counted, the best trial
// and its test accuracy beside the baselines.
func writeTune(w io.Writer, r selection.TuneResult, space selection.Space, testRows int) {
	fmt.Fprintf(w, "\nsearched %d of %s in %.2fs wall time on %s; refit and test %.2fs\n",
		len(r.Trials), plural(r.Planned, "trial"), r.SearchSeconds, plural(r.Workers, "worker"), r.FinalSeconds)
	if r.Stopped {
		fmt.Fprintf(w, "stopped early by the --budget: %d running trials cancelled, %d finished after an unfinished one; neither is counted\n",
			r.Cancelled, r.Dropped)
	}
	b := r.Best
	metric := "RMSE"
	if r.Ranking != nil {
		metric = "1-NDCG@10"
	}
	fmt.Fprintf(w, "best: trial %d, %s %s %.4f\n  %s\n", b.Index+1, r.Scoring, metric, b.Score, space.Describe(b.Config))
	if testRows == 0 {
		fmt.Fprintln(w, "no test rows: the best configuration was not tested")
		return
	}
	if g := r.Ranking; g != nil {
		fmt.Fprintf(w, "\ntest ranking (%d users; their test rows, which the search never saw, among the top %d of their unseen items)\n", g.Model.Users, g.Model.K)
		fmt.Fprint(w, g.Model.ColdLine())
		tw := tabwriter.NewWriter(w, 0, 0, 3, ' ', 0)
		fmt.Fprintln(tw, "\tHR@10\tNDCG@10")
		fmt.Fprintf(tw, "tuned %s\t%.4f\t%.4f\n", r.Kind, g.Model.HitRate, g.Model.NDCG)
		fmt.Fprintf(tw, "most popular baseline\t%.4f\t%.4f\n", g.Popular.HitRate, g.Popular.NDCG)
		tw.Flush()
		fmt.Fprint(w, strings.Replace(report.VerdictLine(*g), "The model", "The tuned model", 1))
		return
	}
	fmt.Fprintf(w, "\ntest (%d rows the search never saw)\n", testRows)
	tw := tabwriter.NewWriter(w, 0, 0, 3, ' ', 0)
	fmt.Fprintln(tw, "\tRMSE\tMAE")
	fmt.Fprintf(tw, "tuned %s\t%.4f\t%.4f\n", r.Kind, r.Test.Model.RMSE, r.Test.Model.MAE)
	fmt.Fprintf(tw, "global mean baseline\t%.4f\t%.4f\n", r.Test.GlobalMean.RMSE, r.Test.GlobalMean.MAE)
	fmt.Fprintf(tw, "user+item bias\t%.4f\t%.4f\n", r.Test.Bias.RMSE, r.Test.Bias.MAE)
	tw.Flush()
	if r.Test.BeatsBias() {
		fmt.Fprintf(w, "The tuned model beats the bias baseline: test RMSE %.4f vs %.4f.\n", r.Test.Model.RMSE, r.Test.Bias.RMSE)
	} else {
		fmt.Fprintf(w, "The tuned model does not beat the bias baseline: test RMSE %.4f vs %.4f.\n", r.Test.Model.RMSE, r.Test.Bias.RMSE)
	}
}

// spacesHelp describes the search space of every tunable kind, from the
// kinds' declarations: the ranges (each of a setting the kind reads for
// one task only saying which: taskOnly), the epochs (unless a range draws
// them) and patience the search trains with when the kind reads them, and
// the grid.
func spacesHelp() string {
	var b strings.Builder
	for _, name := range model.Tunable() {
		k, _ := model.Lookup(name)
		base := k.SearchBase.WithDefaults()
		var parts, grid []string
		for _, r := range k.Space {
			parts = append(parts, r.String()+taskOnly(base, r.Name))
			if g := r.GridString(); g != "" {
				grid = append(grid, g)
			}
		}
		var training []string
		if k.Trained() && !slices.ContainsFunc(k.Space, func(r model.Range) bool { return r.Name == "epochs" }) {
			training = append(training, "up to "+plural(base.Epochs, "epoch"))
		}
		if k.ReadsSetting("patience") {
			training = append(training, fmt.Sprintf("patience %d", base.Patience))
		}
		if len(training) > 0 {
			parts = append(parts, strings.Join(training, ", "))
		}
		b.WriteString(wrapHelp(fmt.Sprintf("  %-6s", name+" "), strings.Join(parts, ", ")+"."))
		if len(grid) > 0 {
			b.WriteString(wrapHelp("        ", "Grid: "+strings.Join(grid, " x ")+"."))
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// taskOnly returns " (--task implicit)" or " (rating task)" for a setting
// (named as its flag) that a kind, with the settings base, reads for that
// task only; "" otherwise.
func taskOnly(base model.Config, setting string) string {
	st, _ := model.LookupSetting(setting)
	read := map[string]bool{}
	for _, task := range model.Tasks {
		c := base
		c.Task = task
		read[task] = c.Unused(st.Name) == ""
	}
	switch {
	case read[model.TaskImplicit] && !read[model.TaskRating]:
		return " (--task implicit)"
	case read[model.TaskRating] && !read[model.TaskImplicit]:
		return " (rating task)"
	}
	return ""
}

// wrapHelp writes text after the first line's prefix, wrapped at 88
// columns, its other lines indented as deep as the prefix.
func wrapHelp(prefix, text string) string {
	var b strings.Builder
	line := prefix
	for _, w := range strings.Fields(text) {
		if len(line)+1+len(w) > 88 && strings.TrimSpace(line) != "" && len(line) > len(prefix) {
			b.WriteString(line + "\n")
			line = strings.Repeat(" ", len(prefix))
		}
		if len(line) > len(prefix) {
			line += " "
		}
		line += w
	}
	return b.String() + line + "\n"
}
