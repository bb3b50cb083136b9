package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
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

// configFlags holds the model and training flags; only the flags a user
// sets override the preset.
type configFlags struct {
	preset     string
	cfg        model.Config
	activation string
	scale      bool
}

// register adds the kind flag and a flag for every setting of
// model.SettingList (but the seed, which the data flags' --seed gives),
// with its help and bounds from there and its default from the default
// preset; --scale is the setting no_scale turned around.
func (f *configFlags) register(fs *pflag.FlagSet) {
	d := model.Presets["default"]
	// What the preset leaves to the kind or the task, as it then is.
	d.Layers, d.Task, d.Negatives, d.Threads = model.DefaultLayers, model.TaskRating, model.DefaultNegatives, 1
	fs.StringVar(&f.preset, "preset", "default", "starting settings: default (recnet's, measured) or seed (the original lab)")
	fs.StringVar(&f.cfg.Kind, "kind", d.Kind, kindHelp())
	for _, s := range model.SettingList() {
		switch p := s.Field(&f.cfg).(type) {
		case *int:
			fs.IntVar(p, s.Flag, *s.Field(&d).(*int), s.Help)
		case *float64:
			fs.Float64Var(p, s.Flag, *s.Field(&d).(*float64), s.Help)
		case *string:
			fs.StringVar(p, s.Flag, *s.Field(&d).(*string), s.Help)
		case *model.Activation:
			fs.StringVar(&f.activation, s.Flag, string(d.Activation), s.Help)
		case *bool: // no_scale
			fs.BoolVar(&f.scale, "scale", true, "min-max scale ratings to [0,1] for training")
		}
	}
}

// kindHelp describes --kind from the kinds' declarations.
func kindHelp() string {
	var parts []string
	for _, name := range model.Kinds() {
		k, _ := model.Lookup(name)
		parts = append(parts, name+" ("+k.Doc+")")
	}
	return "model kind: " + strings.Join(parts, ", ")
}

// check refuses a flag the user set to a value that model.Config would
// replace by its default (zero, empty) or that is out of its bounds.
func (f *configFlags) check(fs *pflag.FlagSet) error {
	v := f.cfg
	err := firstErr(
		nonEmpty(fs, "preset", f.preset), nonEmpty(fs, "kind", v.Kind), nonEmpty(fs, "activation", f.activation),
		nonEmpty(fs, "layers", v.Layers), nonEmpty(fs, "task", v.Task), nonEmpty(fs, "init", v.Init),
		nonEmpty(fs, "optimizer", v.Optimizer),
		intIn(fs, "dim", v.Dim, 1, model.MaxDim), intIn(fs, "batch", v.Batch, 1, model.MaxBatch),
		intIn(fs, "epochs", v.Epochs, 1, model.MaxEpochs), intIn(fs, "threads", v.Threads, 1, model.MaxThreads),
		intIn(fs, "negatives", v.Negatives, 1, model.MaxNegatives),
		floatsIn(fs),
	)
	switch {
	case err != nil:
		return err
	case fs.Changed("patience") && v.Patience == 0:
		return badInput(errors.New("--patience 0: must be at least 1, or negative for no early stopping"))
	}
	if fs.Changed("layers") {
		if _, err := model.ParseLayers(v.Layers); err != nil {
			return badInput(fmt.Errorf("--%w", err)) // "--layers VALUE: what is wrong"
		}
	}
	// The names, each checked here once (model.Config.Validate checks them
	// again for the library, without the flags' names).
	changed := func(name string, err error) error {
		if fs.Changed(name) {
			return err
		}
		return nil
	}
	return firstErr(
		changed("kind", oneOf("--kind", v.Kind, model.Kinds()...)),
		changed("optimizer", oneOf("--optimizer", v.Optimizer, model.Optimizers...)),
		changed("init", oneOf("--init", v.Init, model.Inits...)),
		changed("task", oneOf("--task", v.Task, model.Tasks...)),
		changed("activation", oneOf("--activation", f.activation, model.Activations...)),
	)
}

// config returns the preset with every flag the user set applied. A flag
// set to a value the model would replace by its default is refused.
func (f *configFlags) config(fs *pflag.FlagSet, seed uint64) (model.Config, error) {
	if err := firstErr(f.check(fs), seedSet(fs, seed)); err != nil {
		return model.Config{}, err
	}
	c, err := model.Preset(f.preset)
	if err != nil {
		return c, fmt.Errorf("--preset: %w", err)
	}
	if fs.Changed("kind") && !fs.Changed("preset") {
		// Presets are RecommenderNet's; another kind starts from its own
		// defaults.
		c = model.Config{Kind: f.cfg.Kind, Training: model.Training{Seed: c.Seed}}.WithDefaults()
	}
	if fs.Changed("kind") {
		c.Kind = f.cfg.Kind
	}
	for _, st := range model.SettingList() {
		if err := f.apply(fs, &c, st); err != nil {
			return c, err
		}
	}
	if fs.Changed("optimizer") && !fs.Changed("lr") && c.Optimizer == "adagrad" {
		c.LR = model.AdaGradLR
	}
	if fs.Changed("seed") {
		c.Seed = seed
	}
	if err := unusedFlag(fs, c); err != nil {
		return c, err
	}
	return c, c.Validate()
}

// apply copies the setting st from the flags to c when the user set its
// flag; a zero penalty or beta1 is none (model.Setting.Set).
func (f *configFlags) apply(fs *pflag.FlagSet, c *model.Config, st model.Setting) error {
	switch {
	case st.Name == "no_scale":
		if fs.Changed("scale") {
			c.NoScale = !f.scale
		}
	case st.Name == "seed" || !fs.Changed(st.Flag):
	case st.Name == "activation":
		c.Activation = model.Activation(f.activation)
	default:
		if err := st.Set(c, st.Get(f.cfg)); err != nil {
			return badInput(fmt.Errorf("--%s: %w", st.Flag, err))
		}
	}
	return nil
}

// unusedFlag refuses a model flag the user set that the model c describes
// does not read (model.Config.Unused says which and why). It asks each
// flag whether it was set rather than visiting fs's set flags: eval parses
// these flags in its own set, which shares the Flag values with fs.
func unusedFlag(fs *pflag.FlagSet, c model.Config) error {
	var err error
	fs.VisitAll(func(f *pflag.Flag) {
		if !f.Changed {
			return
		}
		name := f.Name
		setting := strings.ReplaceAll(name, "-", "_")
		if name == "scale" {
			setting = "no_scale"
		}
		if why := c.Unused(setting); err == nil && why != "" {
			err = badInput(fmt.Errorf("%s: does not apply: %s", flagName(fs, f.Name), why))
		}
	})
	return err
}

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
	fs.StringVar(&r.pretrain, "pretrained", "", "neumf: start from a trained dot and a trained mlp model file, as DOT,MLP (same data, split and --seed; dim and layers come from them)")
	fs.BoolVar(&r.asJSON, "json", false, "print one JSON object to stdout instead of the report")
	fs.BoolVarP(&r.quiet, "quiet", "q", false, "no progress bar (there is none when stderr is not a terminal)")
	fs.Float64Var(&r.vshare, "valid-share", 0.1, validShareUsage+"; 0 for none (every epoch then runs blind)")
	return c
}

// run checks the flags, loads the data, trains, reports and saves.
func (r *trainRun) run(cmd *cobra.Command) error {
	fs := cmd.Flags()
	cfg, err := r.cf.config(fs, r.df.seed)
	if err != nil {
		return badInput(err)
	}
	err = firstErr(validShareApplies(fs, &r.df, r.vshare, true, false, ""), r.df.check(fs),
		checkOutputs(append(r.df.inputs(), pretrainedFiles(r.pretrain)...), "out", r.out, "plot", r.plotPath))
	if err != nil {
		return err
	}
	noStop, err := noValidation(fs, &r.df, r.vshare, cfg.Patience)
	if err != nil {
		return err
	}
	lines := reportLines(cmd, r.asJSON, r.quiet)
	fmt.Fprint(lines, noStop)
	s, rows, dups, err := r.load(cmd, lines, cfg.Task)
	if err != nil {
		return err
	}
	var pre train.Option
	if r.pretrain != "" {
		if pre, err = pretrained(cmd.Context(), r.pretrain, &cfg); err != nil {
			return err
		}
	}
	fmt.Fprintln(lines, describe(cfg))
	opts := []train.Option{train.WithProgress(progress(lines, r.quiet, cfg.Epochs))}
	if pre != nil {
		opts = append(opts, pre)
	}
	start := time.Now()
	m, err := train.Fit(cmd.Context(), s, cfg, opts...)
	if err != nil {
		return divergedHint(err, fs, cfg)
	}
	res := report.New(m, s, rows, dups)
	failed := neverImproved(m, fs)
	if failed == nil {
		if err := r.save(m); err != nil {
			return err
		}
	}
	if err := r.report(cmd, lines, m, res, time.Since(start), failed == nil); err != nil {
		return err
	}
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
		return res.WriteJSON(cmd.OutOrStdout())
	}
	if len(m.History) > 0 {
		fmt.Fprintf(lines, "trained in %.2fs (%.3fs per epoch, validation excluded); best epoch %d\n",
			took.Seconds(), res.TrainSeconds/float64(len(m.History)), m.BestEpoch)
	} else {
		fmt.Fprintf(lines, "fitted in %.2fs\n", took.Seconds())
	}
	if err := res.WriteTest(lines); err != nil {
		return err
	}
	if r.plotPath != "" && saved {
		fmt.Fprintf(lines, "loss curve: %s\n", r.plotPath)
	}
	if r.out != "" && saved {
		fmt.Fprintf(lines, "model saved: %s\n", r.out)
	}
	return nil
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

// floatBounds are the ranges of the float model flags, the one table of
// them (model.Config.Validate has the same, where 0 is written as a
// negative value): each value must be finite (model.Finite) and within
// lo..hi, each end included unless open. zero says what 0 means where it
// is allowed.
var floatBounds = []struct {
	name           string
	lo, hi         float64
	loOpen, hiOpen bool
	zero           string
}{
	{"lr", 0, math.Inf(1), true, false, ""},
	{"init-std", 0, math.Inf(1), true, false, ""},
	{"eps", 0, math.Inf(1), true, false, ""},
	{"beta1", 0, 1, false, true, "no momentum"},
	{"beta2", 0, 1, true, true, ""},
	{"dropout", 0, 1, false, true, "none"},
	{"l2", 0, math.Inf(1), false, false, "none"},
	{"bias-l2", 0, math.Inf(1), false, false, "none"},
}

// floatsIn refuses a float flag of floatBounds the user set outside its
// range or not finite.
func floatsIn(fs *pflag.FlagSet) error {
	for _, b := range floatBounds {
		v, err := fs.GetFloat64(b.name)
		if err != nil || !fs.Changed(b.name) {
			continue
		}
		lo := v > b.lo || !b.loOpen && v == b.lo
		hi := v < b.hi || !b.hiOpen && v == b.hi
		if lo && hi && model.Finite(v) {
			continue
		}
		want := "at least 0"
		if b.loOpen {
			want = "above 0"
		}
		if b.hi == 1 {
			want += " and below 1"
		} else {
			want += " and finite"
		}
		if b.zero != "" {
			want += " (0: " + b.zero + ")"
		}
		return badInput(fmt.Errorf("%s %g: must be %s", flagName(fs, b.name), v, want))
	}
	return nil
}

// describe returns one line with the settings that matter for cfg's
// kind, as its declaration describes them.
func describe(c model.Config) string {
	c = c.WithDefaults()
	return "model " + c.Kind + ": " + c.Describe()
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

// pretrained loads the dot and mlp model files of --pretrained.
//
// It sets cfg's embedding size and hidden layers to theirs, which the neumf
// takes.
func pretrained(ctx context.Context, list string, cfg *model.Config) (train.Option, error) {
	if cfg.Kind != train.PretrainedKind {
		return nil, badInput(fmt.Errorf("--pretrained starts a %s; the model is %s", train.PretrainedKind, cfg.Kind))
	}
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
			return nil, badInput(fmt.Errorf("--pretrained: %s holds a %s model, want dot or mlp", f, m.Net.Kind()))
		}
	}
	if dot == nil || mlp == nil {
		return nil, badInput(fmt.Errorf("--pretrained %q: want one dot and one mlp model", list))
	}
	cfg.Dim, cfg.Layers = dot.Config.Dim, mlp.Config.Layers
	return train.WithPretrained(dot, mlp), nil
}
