package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
	"github.com/recnet/recnet/report"
	"github.com/recnet/recnet/train"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"
)

// trainRun holds train's flags.
type trainRun struct {
	df       dataFlags
	cf       configFlags
	out      string
	plotPath string
	pretrain string
	asJSON   bool
	quiet    bool
	vshare   float64
	seen     bool
}

func trainCmd() *cobra.Command {
	var r trainRun
	c := &cobra.Command{
		Use:   "train",
		Short: "Train a model and test it beside the global-mean and bias baselines",
		Long: `Train reads ratings (the built-in course ratings unless --data is given), splits
them, trains a model of --kind (dot, RecommenderNet, unless it says another)
with a Keras-like line per epoch and a progress
bar on stderr (when stderr is a terminal), then reports test MSE and RMSE on the training scale and RMSE
and MAE on the original scale, each beside the baselines.

A model flag that the chosen --kind, --task, --optimizer or --init does not
read is refused (exit 2). A run whose loss stops being finite, or whose
epochs never beat the initial weights on the validation part, exits 1 and
saves nothing (--out and --plot are left as they were).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return r.run(cmd) },
	}
	fs := c.Flags()
	r.df.register(fs)
	r.cf.register(fs)
	fs.StringVar(&r.out, "out", "", "save the trained model to this file"+outputRule)
	fs.StringVar(&r.plotPath, "plot", "", "write the train vs validation loss curve to this PNG, not the file of --out"+outputRule)
	fs.StringVar(&r.pretrain, "pretrained", "", "neumf: start from a trained dot and a trained mlp model file, as DOT,MLP (same data, split and --seed; the embedding size, the hidden layers and every weight come from them: --dim, --layers, --init and --init-std are refused)")
	fs.BoolVar(&r.asJSON, "json", false, "print one JSON object to stdout instead of the report")
	fs.BoolVarP(&r.quiet, "quiet", "q", false, "no progress bar (there is none when stderr is not a terminal)")
	fs.BoolVar(&r.seen, "seen", true, seenUsage())
	fs.Float64Var(&r.vshare, "valid-share", 0.1, validShareUsage+"; 0 for none (every epoch then runs blind)")
	return c
}

// run checks the flags, loads the data, trains, reports and saves.
func (r *trainRun) run(cmd *cobra.Command) error {
	fs := cmd.Flags()
	cfg, err := r.cf.config(fs, r.df.seed)
	if err != nil {
		return err // bad input
	}
	err = firstErr(pretrainedApplies(fs, r.pretrain, cfg.Kind), featuresApply(r.df.itemFeatures, cfg), r.df.heldNeedFeatures("train"), validShareApplies(fs, &r.df, r.vshare, true, false, ""), r.df.check(fs), r.seenApplies(fs, cfg.Kind),
		checkOutputs(append(r.df.inputs(), pretrainedInputs(r.pretrain)...), "out", r.out, "plot", r.plotPath))
	if err != nil {
		return err
	}
	noStop, err := noValidation(fs, &r.df, r.vshare, cfg)
	if err != nil {
		return err
	}
	lines := reportLines(cmd, r.asJSON, r.quiet)
	fmt.Fprint(lines, noStop)
	s, rows, dups, err := r.load(cmd, lines, cfg.Task)
	if err != nil {
		return err
	}
	feats, said, err := r.df.loadFeatures(cmd.Context(), s)
	if err != nil {
		return err
	}
	fmt.Fprint(lines, said)
	var pre train.Option
	if r.pretrain != "" {
		if pre, err = pretrained(cmd.Context(), r.pretrain, &cfg); err != nil {
			return err
		}
	}
	fmt.Fprint(lines, autoSchedule(fs, &cfg, s.Train.Len()))
	fmt.Fprintln(lines, describe(cfg))
	opts := []train.Option{train.WithProgress(progress(lines, r.quiet, cfg.Epochs))}
	if pre != nil {
		opts = append(opts, pre)
	}
	if !r.seen {
		opts = append(opts, train.WithoutSeen())
	}
	if feats != nil {
		opts = append(opts, train.WithItemFeatures(feats))
	}
	start := time.Now()
	m, err := train.Fit(cmd.Context(), s, cfg, opts...)
	if err != nil {
		return divergedHint(err, fs, cfg, true)
	}
	took := time.Since(start)
	res := report.New(m, s, rows, dups)
	if len(m.History) == 0 {
		res.TrainSeconds = took.Seconds() // fitted in closed form: no epochs to sum
	}
	res.Data = r.df.dataJSON(s, rows, dups, m)
	failed := neverImproved(m, fs, true)
	if failed == nil {
		if err := r.save(m); err != nil {
			return err
		}
	}
	if err := r.report(cmd, lines, m, res, took, failed == nil); err != nil {
		return err
	}
	r.df.writeHeldOut(lines, m, s, feats)
	return failed
}

// reportLines returns where the human report of train, tune and eval
// --protocol ncf goes: stdout, or stderr with --json, or nowhere with
// --json --quiet.
func reportLines(cmd *cobra.Command, asJSON, quiet bool) io.Writer {
	switch {
	case asJSON && quiet:
		return io.Discard
	case asJSON:
		return cmd.ErrOrStderr()
	}
	return cmd.OutOrStdout()
}

// load reads the split the data flags give, carves a validation part
// (--valid-share) and says what it read on lines.
func (r *trainRun) load(cmd *cobra.Command, lines io.Writer, task string) (*dataset.Split, int, int, error) {
	s, rows, dups, err := r.df.load(cmd.Context())
	if err != nil {
		return nil, 0, 0, err
	}
	if err := learnable(s.Name, s.Unrated, task, s.Train); err != nil {
		return nil, 0, 0, err
	}
	loaded := s
	s, carved, err := carveValid(s, &r.df, r.vshare)
	if err != nil {
		return nil, 0, 0, err
	}
	fmt.Fprint(lines, r.df.dataLines(loaded, rows, s))
	if dups > 0 {
		fmt.Fprintf(lines, "%d duplicate (user,item) rows: the last rating of each pair was kept\n", dups)
	}
	fmt.Fprint(lines, carved)
	return s, rows, dups, nil
}

// save writes the loss curve (--plot) and the model (--out).
func (r *trainRun) save(m *model.Model) error {
	if r.plotPath != "" {
		if err := report.Plot(r.plotPath, m.History, m.Config); err != nil {
			return outputErr("plot", err)
		}
	}
	if r.out != "" {
		if err := m.Save(r.out); err != nil {
			return outputErr("out", err)
		}
	}
	return nil
}

// report prints the JSON object, or the timing, the test report and what
// was saved.
func (r *trainRun) report(cmd *cobra.Command, lines io.Writer, m *model.Model, res report.Result, took time.Duration, saved bool) error {
	if r.asJSON {
		if r.out != "" && saved {
			kept := m.HasSeen()
			res.SeenKept = &kept
		}
		return res.WriteJSON(cmd.OutOrStdout())
	}
	if len(m.History) > 0 {
		fmt.Fprintf(lines, "trained in %.2fs (%.3fs per epoch, validation excluded); best epoch %d\n",
			took.Seconds(), res.TrainSeconds/float64(len(m.History)), m.BestEpoch)
	} else {
		fmt.Fprintf(lines, "fitted in %.2fs\n", took.Seconds())
	}
	if f := m.Features; f != nil {
		fmt.Fprintf(lines, "new items (no interaction in the training rows: scored by their features alone): %d\n", len(f.New))
	}
	if err := res.WriteTest(lines); err != nil {
		return err
	}
	if r.plotPath != "" && saved {
		fmt.Fprintf(lines, "loss curve: %s\n", r.plotPath)
	}
	if r.out != "" && saved {
		fmt.Fprintf(lines, "model saved: %s\n", r.out)
		if !m.HasSeen() {
			fmt.Fprintf(lines, "seen items not kept (%s): recommend cannot leave out the items a user rated\n", r.noSeenReason())
		}
	}
	return nil
}

// seenUsage is the help of --seen (train, blend).
func seenUsage() string {
	var keep []string
	for _, name := range model.Kinds() {
		if k, _ := model.Lookup(name); k.KeepsUserItems {
			keep = append(keep, name)
		}
	}
	return fmt.Sprintf("keep each user's training and validation items in the model (about 4 bytes a rating; at most %d items), so that recommend leaves them out; --seen=false leaves them out of the file, for very large tables (refused for %s, whose file keeps them to score from)", model.MaxSeenItems, strings.Join(keep, ", "))
}

// seenApplies refuses --seen without --out: it says what the saved file
// keeps, and with no file it would do nothing; and --seen=false for a kind
// whose file keeps each user's items to score from (ease).
func (r *trainRun) seenApplies(fs *pflag.FlagSet, kind string) error {
	if fs.Changed("seen") && r.out == "" {
		return badInput(errors.New("--seen: says what the model file of --out keeps; there is no --out"))
	}
	if k, ok := model.Lookup(kind); ok && k.KeepsUserItems && !r.seen {
		return badInput(fmt.Errorf("--seen=false: %s scores each user from the user's items, which its file keeps, so they cannot be left out of it (and recommend leaves them out of the lists)", kind))
	}
	return nil
}

// noSeenReason says why a model keeps no seen items.
func (r *trainRun) noSeenReason() string {
	if !r.seen {
		return "--seen=false"
	}
	return fmt.Sprintf("more than %d items", model.MaxSeenItems)
}

// carveValid returns s with a share of its training rows moved to a
// validation part, drawn from --seed, when the data flags give --train and
// --test without --valid (dataset.CarveValid, as cv does for each fold),
// and the line that says so. share 0 keeps s as it is.
func carveValid(s *dataset.Split, df *dataFlags, share float64) (*dataset.Split, string, error) {
	if df.train == "" || df.valid != "" || share == 0 {
		return s, "", nil
	}
	c, err := dataset.CarveValid(s, share, df.seed)
	if err != nil {
		return nil, "", badInput(fmt.Errorf("--valid-share %g: %w", share, err))
	}
	return c, fmt.Sprintf("validation: %.12g%% of the training rows of %s (%d rows, seed %d) held out for early stopping (--valid-share)\n",
		100*share, df.train, c.Valid.Len(), df.seed), nil
}

// progress returns a callback that draws a progress bar per epoch on stderr
// and prints each epoch's line to w.
//
// There is no bar when stderr is not a terminal: its frames would fill a
// log with carriage returns, and the epoch lines say enough.
func progress(w io.Writer, quiet bool, epochs int) func(train.Progress) {
	quiet = quiet || !term.IsTerminal(int(os.Stderr.Fd()))
	var bar *progressbar.ProgressBar
	return func(p train.Progress) {
		if !quiet {
			if bar == nil {
				bar = progressbar.NewOptions(p.Batches, progressbar.OptionSetWriter(os.Stderr),
					progressbar.OptionSetDescription(fmt.Sprintf("Epoch %d/%d", p.Epoch, epochs)),
					progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionClearOnFinish(),
					progressbar.OptionShowCount())
			}
			bar.Set(p.Batch)
		}
		if p.End != nil {
			if bar != nil {
				bar.Finish()
				bar = nil
			}
			fmt.Fprintln(w, report.EpochLine(*p.End, epochs))
		}
	}
}

// describe returns one line with the settings that matter for cfg's
// kind, as its declaration describes them.
//
// It always names the task: a kind's description says "implicit task"
// when it learns one, and the rating task is said here.
func describe(c model.Config) string {
	c = c.WithDefaults()
	d := c.Describe()
	switch {
	case !c.Implicit():
		d += ", rating task"
	case !strings.Contains(d, "implicit task"):
		d += ", implicit task"
	}
	return "model " + c.Kind + ": " + d
}

// pretrainedInputs returns the files --pretrained names as inputs.
func pretrainedInputs(list string) []input {
	var ins []input
	for _, f := range pretrainedFiles(list) {
		ins = append(ins, input{"pretrained", f})
	}
	return ins
}

// pretrainedFiles returns the model files --pretrained names, each
// trimmed of spaces: the files pretrained loads and outputs are checked
// against.
func pretrainedFiles(list string) []string {
	if list == "" {
		return nil
	}
	files := strings.Split(list, ",")
	for k, f := range files {
		files[k] = strings.TrimSpace(f)
	}
	return files
}

// pretrainedSet are the flags --pretrained leaves without effect, each
// with why: the neumf takes its embedding size and hidden layers from the
// files, and every weight.
var pretrainedSet = []struct{ flag, why string }{
	{"dim", "the embedding size is the files'"},
	{"layers", "the hidden layers are the mlp file's"},
	{"init", "every weight is copied from the files"},
	{"init-std", "every weight is copied from the files"},
	{"activation", "the output activation is the files'"},
}

// pretrainedApplies refuses a --pretrained (list) for a kind it does not
// start, and the flags it leaves without effect (pretrainedSet), before
// any data is read.
func pretrainedApplies(fs *pflag.FlagSet, list, kind string) error {
	if list == "" {
		return nil
	}
	if kind != train.PretrainedKind {
		return badInput(fmt.Errorf("--pretrained starts a %s; the model is %s", train.PretrainedKind, kind))
	}
	for _, p := range pretrainedSet {
		if fs.Changed(p.flag) {
			return badInput(fmt.Errorf("--%s: does not apply with --pretrained: %s", p.flag, p.why))
		}
	}
	return nil
}

// pretrained loads the dot and mlp model files of --pretrained.
//
// It sets cfg's embedding size and hidden layers to theirs, which the neumf
// takes.
func pretrained(ctx context.Context, list string, cfg *model.Config) (train.Option, error) {
	files := pretrainedFiles(list)
	if len(files) != 2 {
		return nil, badInput(fmt.Errorf("--pretrained %q: want two model files, DOT,MLP", list))
	}
	var dot, mlp *model.Model
	for _, f := range files {
		m, err := model.LoadContext(ctx, f)
		if err != nil {
			return nil, badInput(err)
		}
		switch m.Net.(type) {
		case *model.Dot:
			dot = m
		case *model.MLP:
			mlp = m
		default:
			return nil, badInput(fmt.Errorf("--pretrained: %s holds a model of kind %s, want dot or mlp", f, m.Net.Kind()))
		}
	}
	if dot == nil || mlp == nil {
		return nil, badInput(fmt.Errorf("--pretrained %q: want one dot and one mlp model", list))
	}
	cfg.Dim, cfg.Layers = dot.Config.Dim, mlp.Config.Layers
	return train.WithPretrained(dot, mlp), nil
}
