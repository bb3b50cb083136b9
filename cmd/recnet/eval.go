package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/eval"
	"github.com/recnet/recnet/model"
	"github.com/recnet/recnet/report"
	"github.com/recnet/recnet/train"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// evalFlags are the flags of `recnet eval` besides the data and model ones.
type evalFlags struct {
	model, protocol string
	k, candidates   int
	relevant        float64
	asJSON, quiet   bool
}

// evalRun holds eval's flags: cfs is the set of train's model flags
// (--kind, --negatives, --dim, ...), which apply to --protocol ncf and loo.
type evalRun struct {
	df  dataFlags
	cf  configFlags
	ef  evalFlags
	cfs *pflag.FlagSet
}

func evalCmd() *cobra.Command {
	r := evalRun{cfs: pflag.NewFlagSet("model", pflag.ContinueOnError)}
	c := &cobra.Command{
		Use:   "eval --model M [--data F] | eval --protocol loo --model M [--data F | --test F] | eval --protocol ncf|loo [--data F] [model flags]",
		Short: "Evaluate a model: RMSE and MAE, top-k recommendation metrics, or the NCF protocol, beside baselines",
		Long: `Eval measures a saved model on the test part of a split: the one the data flags
build (the same --data, --split and --seed as train rebuild the same split) or
--train/--test files. Rows map raw ids through the model's id maps; test rows
whose user or item the model does not know are skipped and counted. A split
other than the model's (another --seed, --split or fractions) may put rows the
model was fitted on in the test part: those among the model's seen items (train
--seen) are left out of every figure and counted, and the seen items are not
ranked; a model that keeps no seen items is refused (exit 2) with a --seed other
than its own (it records no more of its split: give it the data flags it was
trained with).

It reports RMSE and MAE beside the global-mean and user+item-bias baselines
fitted on the training part, then recommends the -k best items to every user
with a test rating, among the items the user has no training or validation
rating for, and reports for the model and for a most-popular recommender
(items ranked by number of training ratings):

  P@k       hits / k
  R@k       hits / #relevant
  HR@k      1 if any hit, else 0
  NDCG@k    DCG / IDCG, binary relevance, discount 1/log2(i+1) at position i,
            IDCG over min(k, #relevant) positions
  MAP@k     mean of AP@k = sum over i<=k of P@i * rel_i / min(k, #relevant)
  coverage  share of the items found in at least one list

A test rating is relevant when it is at least --relevant (default 4 on the
original scale: the 4s and 5s of the 3/4/5 course ratings). A user whose test
ratings are all below it has nothing to find: it is left out of the averages
and the number of such users is printed. Equal scores rank by lower item id.

--protocol ncf follows Neural Collaborative Filtering (He et al. 2017): it
holds out one rating per user with at least two (and one more per user with
three, for early stopping; a kind that does not stop early, ` + strings.Join(slices.DeleteFunc(earlyKinds(train.Kinds(), false), usesValid), ", ") + `,
trains on it too): each user's latest by the table's time column, or
a random one drawn with --seed when the table has none (--columns time=none
drops it), and says which. Then it trains the model the model flags describe
(--kind, --dim, --epochs, ...; --negatives is the implicit task's negatives
per positive while training) on the rest, ranks each held-out item against
--candidates items the user never rated (99 by default, so 100 items are
ranked), drawn with --seed, and reports HR@k and NDCG@k for the model, for
most-popular and for a random ranking (10/100 = 0.1 for HR@10).

--protocol loo does what ncf does and also ranks each held-out item among ALL
the items its user has no training or validation rating for (Krichene and
Rendle 2020: sampled figures alone mislead), reporting HR@k, NDCG@k and
recall@k (equal to HR@k, with one held-out item per user) for the model and
most-popular, beside the sampled figures on the same held-out items. It
scores every user against every item: users x items score calls, about 6
million on ml-latest-small (610 x 9,724, a second for dot), 10 billion on
MovieLens-25M, where it is too slow for the neural kinds.

--protocol loo --model M ranks for a saved model instead: the held-out rows
are the test part of the data flags' split (the same --data, --split and
--seed as train rebuild it) or --train/--test files, or a --test file alone.
Each test interaction is relevant (--relevant does not apply) and is ranked
among all the items its user has no training interaction with: the model's
seen items (train --seen; a --test file alone needs them), or without them the
split's training and validation rows. It reports HR@k, NDCG@k and recall@k
for the model and for most-popular (items ranked by the number of those
interactions); there are no sampled figures (--candidates and the model flags
do not apply).`,

		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return r.run(cmd) },
	}
	r.register(c.Flags())
	return c
}

// register adds eval's flags to fs, with train's model flags (through
// r.cfs) for --protocol ncf.
func (r *evalRun) register(fs *pflag.FlagSet) {
	ef := &r.ef
	r.df.register(fs)
	fs.StringVar(&ef.model, "model", "model.recnet", "model file to evaluate (not with --protocol ncf, which trains its own; --protocol loo trains its own unless --model is given)")
	fs.StringVar(&ef.protocol, "protocol", "split", "split (the test part of the data flags' split), ncf (leave-one-out, the latest rating per user when the table has times, each held-out item ranked among sampled --candidates) or loo (ncf, and each held-out item ranked among all the items: full ranking)")
	fs.IntVarP(&ef.k, "k", "k", eval.DefaultK, fmt.Sprintf("length of each recommendation list, 1 to %d", maxK))
	fs.Float64Var(&ef.relevant, "relevant", eval.DefaultRelevant, "a test rating at or above this (original scale) is relevant, within the model's rating range (see summary); users with none are left out of the averages and counted (not with --protocol ncf or loo, where every held-out item is relevant)")
	fs.IntVar(&ef.candidates, "candidates", eval.DefaultCandidates, fmt.Sprintf("--protocol ncf|loo: items sampled per user among those the user never rated that the held-out item is ranked against, 1 to %d (%d: %d items ranked, as in He et al. 2017)",
		maxCandidates, eval.DefaultCandidates, eval.DefaultCandidates+1))
	fs.BoolVar(&ef.asJSON, "json", false, "print one JSON object to stdout instead of the report")
	fs.BoolVarP(&ef.quiet, "quiet", "q", false, "--protocol ncf|loo: no progress bar (there is none when stderr is not a terminal)")
	// The model flags of train apply to --protocol ncf and loo; they live in their
	// own set, sharing --seed, so that configFlags.config sees which were
	// set.
	r.cf.register(r.cfs)
	r.cfs.VisitAll(func(f *pflag.Flag) {
		f.Usage = "--protocol ncf|loo: " + f.Usage
		fs.AddFlag(f)
	})
	seed := fs.Lookup("seed")
	seed.Usage = "seed of the split shuffle (train's, to rebuild its split); with --protocol ncf and loo also of the leave-one-out pick (of a table without times), the training and the candidates" + seedRule
	r.cfs.AddFlag(seed)
}

// run checks the flags and evaluates by the --protocol.
func (r *evalRun) run(cmd *cobra.Command) error {
	fs := cmd.Flags()
	if err := firstErr(intIn(fs, "k", r.ef.k, 1, maxK), intIn(fs, "candidates", r.ef.candidates, 1, maxCandidates),
		finiteFlag(fs, "relevant", r.ef.relevant)); err != nil {
		return err
	}
	switch byItems, _, _ := parseItemsSplit(r.df.split); {
	case r.ef.protocol == "split" && byItems:
		cfg, err := r.cf.config(r.cfs, r.df.seed)
		if err != nil {
			return err // bad input
		}
		if err := firstErr(r.df.check(fs), kindTask("--task", cfg.Kind, cfg.Task), featuresApply(r.df.itemFeatures, cfg), r.candidatesOnly(fs)); err != nil {
			return err
		}
		return evalItems(cmd, &r.df, &r.ef, cfg)
	case r.ef.protocol != "split" && r.df.itemFeatures != "":
		return badInput(errors.New("--item-features: applies to eval with --split items (which trains a model with them); --protocol ncf and loo train without"))
	}
	switch r.ef.protocol {
	case "split":
		if r.df.itemFeatures != "" {
			return badInput(errors.New("--item-features: eval of a saved --model reads its features from the model file; give --split items to train and rank held-out items with them"))
		}
		if err := firstErr(r.ncfOnly(fs), r.df.check(fs)); err != nil {
			return err
		}
		return evalSplit(cmd, &r.df, &r.ef)
	case "loo":
		if fs.Changed("model") {
			if err := firstErr(r.looSavedOnly(fs), r.df.check(fs)); err != nil {
				return err
			}
			return evalLOOSaved(cmd, &r.df, &r.ef)
		}
		fallthrough
	case "ncf":
		cfg, err := r.cf.config(r.cfs, r.df.seed)
		if err != nil {
			return err // bad input
		}
		if fs.Changed("relevant") {
			return badInput(fmt.Errorf("--relevant: does not apply to --protocol %s, which holds out one rating a user and counts each held-out item relevant", r.ef.protocol))
		}
		if err := firstErr(r.df.check(fs), kindTask("--task", cfg.Kind, cfg.Task)); err != nil {
			return err
		}
		return evalNCF(cmd, &r.df, &r.ef, cfg)
	}
	return oneOf("--protocol", r.ef.protocol, "split", "ncf", "loo")
}

// ncfOnly refuses, for --protocol split, the flags the user set that
// apply to --protocol ncf and loo only: --candidates, and the model and training
// flags.
func (r *evalRun) ncfOnly(fs *pflag.FlagSet) error {
	return r.trainingOnly(fs, "only", "--protocol split ranks every item the user has no training or validation rating for",
		"--protocol split evaluates the saved --model as it is")
}

// trainingOnly refuses the flags the user set that apply only where eval
// trains its model (--protocol ncf and loo, where says when): --candidates,
// saying candidates instead, and the model and training flags, saying
// saved instead.
func (r *evalRun) trainingOnly(fs *pflag.FlagSet, where, candidates, saved string) error {
	if fs.Changed("candidates") {
		return badInput(fmt.Errorf("--candidates: applies to --protocol ncf and loo %s; %s", where, candidates))
	}
	var set []string
	r.cfs.VisitAll(func(f *pflag.Flag) {
		if f.Changed && f.Name != "seed" {
			set = append(set, "--"+f.Name)
		}
	})
	switch len(set) {
	case 0:
		return nil
	case 1:
		return badInput(fmt.Errorf("%s: applies to --protocol ncf and loo %s, which train its model; %s", set[0], where, saved))
	}
	return badInput(fmt.Errorf("%s: apply to --protocol ncf and loo %s, which train its model; %s", strings.Join(set, ", "), where, saved))
}

// candidatesOnly refuses --candidates where it does not apply: eval
// --split items, which ranks every held-out item.
func (r *evalRun) candidatesOnly(fs *pflag.FlagSet) error {
	if fs.Changed("candidates") {
		return badInput(errors.New("--candidates: applies to --protocol ncf and loo only; --split items ranks every held-out item"))
	}
	return nil
}

// evalSplitRun is what evalSplit measured, for its report.
type evalSplitRun struct {
	m        *model.Model
	data     report.Data
	tested   int // test rows the model knows
	sk       evalSkipped
	implicit bool
	lines    string // dataFlags.dataLines of the data
	acc      eval.Comparison
	rm, rp   eval.RankingResult
}

// evalSplit evaluates a saved model on the test part of the data flags'
// split.
func evalSplit(cmd *cobra.Command, df *dataFlags, ef *evalFlags) error {
	m, err := model.LoadContext(cmd.Context(), ef.model)
	if err != nil {
		return badInput(err)
	}
	if cmd.Flags().Changed("relevant") && !(ef.relevant >= m.Min && ef.relevant <= m.Max) {
		return badInput(fmt.Errorf("--relevant %g: outside the model's rating range %g to %g (no test rating could be relevant, or every one would)", ef.relevant, m.Min, m.Max))
	}
	if df.train == "" && m.Config.Seed != df.seed && !m.HasSeen() {
		return badInput(fmt.Errorf("--seed %d: the model was trained with seed %d and keeps no seen items (--seen=false) to leave out, so its training rows could be scored as test rows: give --seed %d and the split it was trained with", df.seed, m.Config.Seed, m.Config.Seed))
	}
	s, rows, dups, err := df.load(cmd.Context())
	if err != nil {
		return err
	}
	if err := tableErr(train.NeedRatings(s.Name, s.Unrated, m.Config.Task)); err != nil {
		return err
	}
	ms, sk, err := evalTestRows(m, s)
	if err != nil {
		return err
	}
	if sk.Trained = evalUntrained(m, ms); ms.Test.Len() == 0 {
		return badInput(fmt.Errorf("eval: every one of the %d test rows the model knows is a row it was fitted on (its seen items): the split is not the model's; give the data flags it was trained with (its seed: %d)", sk.Trained, m.Config.Seed))
	}
	// A model of the implicit task predicts interactions, not ratings: it
	// has no rating accuracy, and every test row is relevant unless
	// --relevant says otherwise.
	e := evalSplitRun{m: m, tested: ms.Test.Len(), sk: sk, implicit: m.Config.Implicit(),
		data: report.NewData(s, rows, dups), lines: df.dataLines(s, rows, s)}
	e.data.Split = df.splitUsed(s)
	if !e.implicit {
		e.acc = eval.Compare(m, ms, ms.Test)
	}
	relevant := ef.relevant
	if e.implicit && !cmd.Flags().Changed("relevant") {
		relevant = m.Min
	}
	// Both rankings leave out the split's training and validation rows
	// and the model's seen items; most-popular counts the rows the model
	// was fitted on, each once, as train and --protocol loo count it.
	fitted, _ := fittedRows(m, ms)
	seen := fitted
	if m.HasSeen() {
		seen = dataset.Concat(ms.Train, ms.Valid, fitted)
	}
	o := eval.RankingOptions{K: ef.k, Relevant: relevant}
	items := m.Items.Len()
	e.rm = eval.Ranking(m.Net, seen, ms.Test, items, o)
	e.rp = eval.Ranking(eval.MostPopular(fitted, items), seen, ms.Test, items, o)
	if ef.asJSON {
		return e.writeJSON(cmd.OutOrStdout(), ef)
	}
	e.write(cmd.OutOrStdout(), df, ef)
	return nil
}

// writeJSON prints the evaluation as one JSON object.
func (e *evalSplitRun) writeJSON(out io.Writer, ef *evalFlags) error {
	var accJSON *evalAccuracyJSON
	if !e.implicit {
		accJSON = &evalAccuracyJSON{
			Model: evalAccJSON(e.acc.Model), GlobalMean: evalAccJSON(e.acc.GlobalMean), Bias: evalAccJSON(e.acc.Bias),
			BeatsBias: e.acc.BeatsBias(),
		}
	}
	rm := e.rm
	return evalWriteJSON(out, evalSplitJSON{
		Protocol: "split", Data: e.data, Model: evalModelJSON{ef.model, e.m.Config.Kind},
		Skipped:  e.sk,
		Accuracy: accJSON,
		Ranking: evalRankingJSON{
			K: rm.K, Relevant: rm.Relevant, Users: rm.Users, NoRelevant: rm.NoRelevant, Cold: rm.Cold, ColdRows: rm.ColdRows, Items: rm.Items,
			RankedItems: "items the user has no training or validation rating for",
			Model:       rm.Metrics(), MostPopular: e.rp.Metrics(),
		},
	})
}

// write prints the evaluation's report.
func (e *evalSplitRun) write(out io.Writer, df *dataFlags, ef *evalFlags) {
	m, sk := e.m, e.sk
	fmt.Fprint(out, e.lines)
	fmt.Fprintf(out, "model %s: %s, %d users, %d items\n", ef.model, m.Config.Kind, m.Users.Len(), m.Items.Len())
	if sk.Trained > 0 {
		fmt.Fprintf(out, "test rows the model was fitted on (its seen items: the split is not the model's), left out: %d\n", sk.Trained)
	}
	switch {
	case sk.TestRows == 0 && e.rm.Cold == 0:
		fmt.Fprintf(out, "test rows: %d, all known to the model\n", e.tested)
	case sk.TestRows == 0:
		fmt.Fprintf(out, "test rows: %d, all known to the model by id, %d of them of cold users (no training or validation row)\n", e.tested, e.rm.ColdRows)
	default:
		fmt.Fprintf(out, "test rows: %d evaluated, %d skipped (unknown to the model: %d by user, %d by item)\n",
			e.tested, sk.TestRows, sk.UnknownUser, sk.UnknownItem)
	}
	if sk.OtherRows > 0 {
		fmt.Fprintf(out, "train/validation rows unknown to the model, left out of the baselines and candidates: %d\n", sk.OtherRows)
	}
	if e.implicit {
		fmt.Fprintf(out, "\nthe model was trained for the implicit task (it predicts interactions): no rating accuracy; every test row is relevant\n")
	} else {
		fmt.Fprintf(out, "\n%-22s %10s %10s\n", fmt.Sprintf("accuracy (%d rows)", e.acc.Model.N), "RMSE", "MAE")
		for _, r := range []struct {
			name string
			a    model.Accuracy
		}{{"recnet " + m.Config.Kind, e.acc.Model}, {"global mean baseline", e.acc.GlobalMean}, {"user+item bias", e.acc.Bias}} {
			fmt.Fprintf(out, "%-22s %10.4f %10.4f\n", r.name, r.a.RMSE, r.a.MAE)
		}
	}
	rm := e.rm
	fmt.Fprintf(out, "\ntop-%d recommendations among the items each user has no training or validation rating for\n", rm.K)
	fmt.Fprintf(out, "relevant: test rating >= %g; %d users ranked, %d with no relevant test rating left out of the averages\n",
		rm.Relevant, rm.Users, rm.NoRelevant)
	fmt.Fprint(out, rm.ColdLine())
	k := fmt.Sprint(rm.K)
	fmt.Fprintf(out, "%-22s %9s %9s %9s %9s %9s %9s\n", "", "P@"+k, "R@"+k, "NDCG@"+k, "HR@"+k, "MAP@"+k, "coverage")
	for _, r := range []struct {
		name string
		r    eval.RankingResult
	}{{"recnet " + m.Config.Kind, rm}, {"most popular", e.rp}} {
		fmt.Fprintf(out, "%-22s %9.4f %9.4f %9.4f %9.4f %9.4f %9.4f\n", r.name,
			r.r.Precision, r.r.Recall, r.r.NDCG, r.r.HitRate, r.r.MAP, r.r.Coverage)
	}
}

// evalTestRows returns s in m's ids (evalRemap) and what was dropped,
// refusing a split without test rows or none that m knows.
func evalTestRows(m *model.Model, s *dataset.Split) (*dataset.Split, evalSkipped, error) {
	if s.Test.Len() == 0 {
		return nil, evalSkipped{}, badInput(errors.New("eval: the split has no test rows: give it a test fraction or --test"))
	}
	ms, sk := evalRemap(m, s)
	if ms.Test.Len() == 0 {
		return nil, evalSkipped{}, badInput(fmt.Errorf("eval: none of the %d test rows has a user and an item the model knows", s.Test.Len()))
	}
	return ms, sk, nil
}

// remap returns s with every row's ids mapped through the model's id maps
// (by raw id) and the rows the model does not know dropped, and what it
// dropped.
func evalRemap(m *model.Model, s *dataset.Split) (*dataset.Split, evalSkipped) {
	idx := func(from, to *dataset.IDMap) []int32 {
		out := make([]int32, from.Len())
		for k, raw := range from.IDs() {
			out[k] = -1
			if i, ok := to.Inner(raw); ok {
				out[k] = i
			}
		}
		return out
	}
	us, is := idx(s.Users, m.Users), idx(s.Items, m.Items)
	var sk evalSkipped
	part := func(r dataset.Ratings, test bool) dataset.Ratings {
		var out dataset.Ratings
		for k, v := range r.Value {
			u, i := us[r.User[k]], is[r.Item[k]]
			switch {
			case u >= 0 && i >= 0:
				out.Append(u, i, v)
				continue
			case !test:
				sk.OtherRows++
			case u < 0:
				sk.TestRows++
				sk.UnknownUser++
			default:
				sk.TestRows++
				sk.UnknownItem++
			}
		}
		return out
	}
	return &dataset.Split{
		Name: s.Name, Users: m.Users, Items: m.Items, Min: m.Min, Max: m.Max,
		Train: part(s.Train, false), Valid: part(s.Valid, false), Test: part(s.Test, true),
	}, sk
}

// evalNCF trains a model of cfg's kind on a leave-one-out split of the data
// and runs the NCF protocol on it: the table of steps is the body.
func evalNCF(cmd *cobra.Command, df *dataFlags, ef *evalFlags, cfg model.Config) error {
	if err := ncfApplies(cmd.Flags(), df); err != nil {
		return err
	}
	lines := reportLines(cmd, ef.asJSON, ef.quiet)
	d, s, latest, err := ncfSplit(cmd.Context(), df, cfg.Task, lines)
	if err != nil {
		return err
	}
	fmt.Fprintln(lines, describe(cfg))
	fit := s
	if !usesValid(cfg.Kind) {
		// As cv: a kind that does not stop early trains on the
		// validation rows too.
		fit = &dataset.Split{Name: s.Name, Users: s.Users, Items: s.Items, Min: s.Min, Max: s.Max, Unrated: s.Unrated,
			Train: dataset.Concat(s.Train, s.Valid)}
		fmt.Fprintf(lines, "%s does not stop early: it trains on the training and validation rows (%d)\n", cfg.Kind, fit.Train.Len())
	}
	start := time.Now()
	m, err := train.Fit(cmd.Context(), fit, cfg, train.WithProgress(progress(lines, ef.quiet, cfg.Epochs)))
	if err != nil {
		return divergedHint(err, cmd.Flags(), cfg, false)
	}
	if err := neverImproved(m, cmd.Flags(), false); err != nil {
		return err
	}
	e := evalNCFRun{m: m, secs: time.Since(start).Seconds(), seed: df.seed, latest: latest,
		data: report.NewData(s, d.Len(), d.Duplicates)}
	o := eval.NCFOptions{Candidates: ef.candidates, K: ef.k, Seed: df.seed}
	e.rm = eval.NCF(m.Net, s, o)
	e.rp = eval.NCF(eval.MostPopular(s.Train, s.Items.Len()), s, o)
	if ef.protocol == "loo" {
		c := eval.CompareRanking(m.Net, s.Train, dataset.Concat(s.Train, s.Valid), s.Test, s.Items.Len(), ef.k)
		e.full = &c
	}
	if ef.asJSON {
		return evalWriteJSON(cmd.OutOrStdout(), e.json())
	}
	e.write(cmd.OutOrStdout())
	return nil
}

// ncfApplies refuses the model file and the split flags, which --protocol
// ncf does not read.
func ncfApplies(fs *pflag.FlagSet, df *dataFlags) error {
	switch {
	case fs.Changed("model"):
		return badInput(errors.New("--protocol ncf trains its own model on a leave-one-out split: choose its kind with --kind, not a file with --model (--protocol loo takes one)"))
	case df.train != "" || df.valid != "" || df.test != "" || fs.Changed("split"):
		return badInput(errors.New("--protocol ncf and loo make their own leave-one-out split of --data: --split, --train, --valid and --test do not apply"))
	}
	return nil
}

// ncfSplit reads the table of the source flags, refusing one task cannot
// learn from, holds out one rating per user, its latest when the table has
// times (dataset.LeaveLatestOut, latest true) and a random one otherwise
// (dataset.LeaveOneOut), and says so on lines.
func ncfSplit(ctx context.Context, df *dataFlags, task string, lines io.Writer) (d *dataset.Dataset, s *dataset.Split, latest bool, err error) {
	d, err = df.sourceFlags.load(ctx, task)
	if err != nil {
		return nil, nil, false, err
	}
	latest = d.Time != nil
	if latest {
		s, err = dataset.LeaveLatestOut(d)
	} else {
		s, err = dataset.LeaveOneOut(d, df.seed)
	}
	if err != nil {
		return nil, nil, false, badInput(err)
	}
	fmt.Fprint(lines, tableLines(d, ""))
	if latest {
		fmt.Fprintf(lines, "leave-latest-out: %d train, %d validation, %d test (each user's latest rating by time, of users with at least 2; --columns time=none for a random one)\n",
			s.Train.Len(), s.Valid.Len(), s.Test.Len())
	} else {
		fmt.Fprintf(lines, "leave-one-out (seed %d): %d train, %d validation, %d test (one random rating per user with at least 2: no time column was read)\n",
			df.seed, s.Train.Len(), s.Valid.Len(), s.Test.Len())
	}
	return d, s, latest, nil
}

// holdout names the rating held out per user: "latest" or "random".
func holdout(latest bool) string {
	if latest {
		return "latest"
	}
	return "random"
}

// evalNCFRun is what evalNCF measured, for its report.
type evalNCFRun struct {
	m      *model.Model
	data   report.Data
	secs   float64
	seed   uint64
	latest bool // the held-out ratings are the latest, not random ones
	rm, rp eval.NCFResult
	full   *eval.RankingComparison // --protocol loo: the full ranking
}

// negatives returns the negatives per positive the model was trained
// with: those of the implicit task, 0 for the rating task and for a kind
// that samples none (ials, ease: every cell without an interaction is
// one).
func (e *evalNCFRun) negatives() int {
	if c := e.m.Config.WithDefaults(); c.Implicit() && c.Unused("negatives") == "" {
		return c.Negatives
	}
	return 0
}

// json returns the evaluation's JSON object.
func (e *evalNCFRun) json() evalNCFJSON {
	rm, rp := e.rm, e.rp
	protocol := "ncf"
	var full *evalFullJSON
	if e.full != nil {
		protocol = "loo"
		f := fullJSON(*e.full, "items the user has no training or validation rating for")
		full = &f
	}
	return evalNCFJSON{
		Protocol: protocol, Holdout: holdout(e.latest), Data: e.data, Full: full,
		Config: e.m.Config, BestEpoch: e.m.BestEpoch, TrainSeconds: model.Number(e.secs),
		NCF: evalNCFResultJSON{
			K: rm.K, Candidates: rm.Candidates, Negatives: e.negatives(), Seed: e.seed, Cases: rm.Cases, Short: rm.Short,
			Model:       evalHRJSON{model.Number(rm.HR), model.Number(rm.NDCG)},
			MostPopular: evalHRJSON{model.Number(rp.HR), model.Number(rp.NDCG)},
			Random:      evalHRJSON{model.Number(rm.RandomHR), model.Number(rm.RandomNDCG)},
		},
	}
}

// write prints the evaluation's report: the candidates each held-out item
// was ranked against and the negatives the model was trained with, each
// under its flag's name, then HR@k and NDCG@k beside the baselines.
func (e *evalNCFRun) write(out io.Writer) {
	rm, rp := e.rm, e.rp
	fmt.Fprintf(out, "trained in %.2fs; best epoch %d\n", e.secs, e.m.BestEpoch)
	held := "each user's latest, by time"
	if !e.latest {
		held = "a random one per user"
	}
	if f := e.full; f != nil {
		fmt.Fprintf(out, "\nfull ranking: each of %s (%s) ranked among all %d items but its user's training and validation ones\n",
			plural(f.Model.Users, "held-out rating"), held, f.Model.Items)
		writeFull(out, e.m.Config.Kind, *f)
	}
	fmt.Fprintf(out, "\nNCF protocol: each of %s (%s) ranked against %s, items its user never rated (--candidates %d, seed %d)\n",
		plural(rm.Cases, "held-out rating"), held, plural(rm.Candidates, "candidate"), rm.Candidates, e.seed)
	if rm.Short > 0 {
		fmt.Fprintf(out, "users with fewer than %s, ranked against all of them: %d\n", plural(rm.Candidates, "unrated item"), rm.Short)
	}
	if n := e.negatives(); n > 0 {
		fmt.Fprintf(out, "training: %s per positive (--negatives %d)\n", plural(n, "negative"), n)
	} else if c := e.m.Config.WithDefaults(); c.Implicit() {
		fmt.Fprintf(out, "training: on every user-item cell, those without an interaction as negatives (%s samples none)\n", c.Kind)
	} else {
		fmt.Fprintln(out, "training: on the ratings, no sampled negatives (--task rating)")
	}
	k := fmt.Sprint(rm.K)
	fmt.Fprintf(out, "%-22s %9s %9s\n", "", "HR@"+k, "NDCG@"+k)
	fmt.Fprintf(out, "%-22s %9.4f %9.4f\n", "recnet "+e.m.Config.Kind, rm.HR, rm.NDCG)
	fmt.Fprintf(out, "%-22s %9.4f %9.4f\n", "most popular", rp.HR, rp.NDCG)
	fmt.Fprintf(out, "%-22s %9.4f %9.4f\n", "random (expected)", rm.RandomHR, rm.RandomNDCG)
}

// writeFull prints the table of a full ranking c: HR@k, NDCG@k and R@k of
// the model of kind kind and of most-popular.
func writeFull(out io.Writer, kind string, c eval.RankingComparison) {
	fmt.Fprint(out, c.Model.ColdLine())
	k := fmt.Sprint(c.Model.K)
	fmt.Fprintf(out, "%-22s %9s %9s %9s\n", "", "HR@"+k, "NDCG@"+k, "R@"+k)
	for _, r := range []struct {
		name string
		r    eval.RankingResult
	}{{"recnet " + kind, c.Model}, {"most popular", c.Popular}} {
		fmt.Fprintf(out, "%-22s %9.4f %9.4f %9.4f\n", r.name, r.r.HitRate, r.r.NDCG, r.r.Recall)
	}
}

// skipped counts the rows eval left out because the model does not know
// their user or item.
type evalSkipped struct {
	TestRows    int `json:"test_rows"`
	UnknownUser int `json:"unknown_user"` // test rows whose user is unknown
	UnknownItem int `json:"unknown_item"` // test rows whose user is known and item unknown
	OtherRows   int `json:"train_valid_rows"`
	// Trained counts the test rows left out as rows the model was fitted
	// on (its seen items), which a split other than its own puts there.
	Trained int `json:"trained_rows"`
}

// evalUntrained drops from ms's test rows those among the items the model
// m was fitted on (its seen items, in m's ids like ms) and returns how
// many it dropped; a model that keeps no seen items drops none.
func evalUntrained(m *model.Model, ms *dataset.Split) int {
	if !m.HasSeen() {
		return 0
	}
	var out dataset.Ratings
	t := ms.Test
	for k, v := range t.Value {
		items, _ := m.SeenItems(t.User[k])
		if _, found := slices.BinarySearch(items, t.Item[k]); !found {
			out.Append(t.User[k], t.Item[k], v)
		}
	}
	n := t.Len() - out.Len()
	ms.Test = out
	return n
}

// The JSON objects of eval. Numbers that may be NaN (no row, no user
// ranked) are model.Number, encoded as null then.

type evalModelJSON struct {
	Path string `json:"path"`
	Kind string `json:"kind"`
}

type evalAccuracy struct {
	N    int          `json:"n"`
	RMSE model.Number `json:"rmse"`
	MAE  model.Number `json:"mae"`
}

func evalAccJSON(a model.Accuracy) evalAccuracy {
	return evalAccuracy{a.N, model.Number(a.RMSE), model.Number(a.MAE)}
}

type evalAccuracyJSON struct {
	Model      evalAccuracy `json:"model"`
	GlobalMean evalAccuracy `json:"global_mean"`
	Bias       evalAccuracy `json:"bias"`
	BeatsBias  bool         `json:"beats_bias"`
}

type evalRankingJSON struct {
	K           int                 `json:"k"`
	Relevant    float64             `json:"relevant"`
	Users       int                 `json:"users"`
	NoRelevant  int                 `json:"no_relevant"`
	Cold        int                 `json:"cold_users"` // test users with no training or validation row, left out
	ColdRows    int                 `json:"cold_rows"`  // their test rows
	Items       int                 `json:"items"`
	RankedItems string              `json:"ranked_items"` // which items each list is drawn from
	Model       eval.RankingMetrics `json:"model"`
	MostPopular eval.RankingMetrics `json:"most_popular"`
}

type evalSplitJSON struct {
	Protocol string            `json:"protocol"`
	Data     report.Data       `json:"data"`
	Model    evalModelJSON     `json:"model"`
	Skipped  evalSkipped       `json:"skipped"`
	Accuracy *evalAccuracyJSON `json:"accuracy,omitempty"` // not for a model of the implicit task
	Ranking  evalRankingJSON   `json:"ranking"`
}

type evalHRJSON struct {
	HR   model.Number `json:"hr"`
	NDCG model.Number `json:"ndcg"`
}

type evalNCFResultJSON struct {
	K          int `json:"k"`
	Candidates int `json:"candidates"` // items a held-out item is ranked against
	// Negatives is the training negatives per positive (0: the rating
	// task, which samples none).
	Negatives   int        `json:"negatives"`
	Seed        uint64     `json:"seed"`
	Cases       int        `json:"cases"`
	Short       int        `json:"short"`
	Model       evalHRJSON `json:"model"`
	MostPopular evalHRJSON `json:"most_popular"`
	Random      evalHRJSON `json:"random"`
}

// evalFullMetrics are the measures of the full ranking of one held-out
// item per user.
type evalFullMetrics struct {
	HR     model.Number `json:"hr"`
	NDCG   model.Number `json:"ndcg"`
	Recall model.Number `json:"recall"`
}

func evalFull(r eval.RankingResult) evalFullMetrics {
	return evalFullMetrics{model.Number(r.HitRate), model.Number(r.NDCG), model.Number(r.Recall)}
}

// fullJSON returns the JSON object of the full ranking c, whose lists
// are drawn from ranked.
func fullJSON(c eval.RankingComparison, ranked string) evalFullJSON {
	return evalFullJSON{K: c.Model.K, Users: c.Model.Users, Cold: c.Model.Cold, ColdRows: c.Model.ColdRows, Items: c.Model.Items, RankedItems: ranked,
		Model: evalFull(c.Model), MostPopular: evalFull(c.Popular)}
}

type evalFullJSON struct {
	K           int             `json:"k"`
	Users       int             `json:"users"`
	Cold        int             `json:"cold_users"` // test users with no seen row, left out
	ColdRows    int             `json:"cold_rows"`  // their test rows
	Items       int             `json:"items"`
	RankedItems string          `json:"ranked_items"`
	Model       evalFullMetrics `json:"model"`
	MostPopular evalFullMetrics `json:"most_popular"`
}

type evalNCFJSON struct {
	Protocol string `json:"protocol"`
	// Holdout is "latest" (each user's latest rating, by time) or
	// "random" (a seeded random one, for a table without times).
	Holdout      string            `json:"holdout"`
	Full         *evalFullJSON     `json:"full_ranking,omitempty"` // --protocol loo
	Data         report.Data       `json:"data"`
	Config       model.Config      `json:"config"`
	BestEpoch    int               `json:"best_epoch"`
	TrainSeconds model.Number      `json:"train_seconds"`
	NCF          evalNCFResultJSON `json:"ncf"`
}

func evalWriteJSON(w io.Writer, v any) error {
	e := json.NewEncoder(w)
	e.SetIndent("", "  ")
	return e.Encode(v)
}
