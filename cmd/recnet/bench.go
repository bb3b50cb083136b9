package main

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/internal/quote"
	"github.com/recnet/recnet/model"
	"github.com/recnet/recnet/train"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// benchIALS names the ials kind, which bench times by its iteration.
var benchIALS = (*model.IALS)(nil).Kind()

// benchEASE names the ease kind, which bench times by its whole fit.
var benchEASE = (*model.EASE)(nil).Kind()

// easeRowsPerUser is the ratings a user of bench's ease table has unless
// --rows says otherwise.
const easeRowsPerUser = 50

// benchAutoRec names the autorec kind, which bench times by one epoch of
// its defaults.
var benchAutoRec = (*model.AutoRec)(nil).Kind()

// benchRow is one thread count's figures.
type benchRow struct {
	Optimizer    string  `json:"optimizer"`
	LR           float64 `json:"lr"`
	Threads      int     `json:"threads"`
	EpochSeconds float64 `json:"epoch_seconds"` // fastest of the repeats
	FloorSeconds float64 `json:"floor_seconds"` // fastest of the repeats
	// WriteFloorSeconds (one thread only) is a pass that reads and writes
	// back every line the epoch's updates touch, with no arithmetic.
	WriteFloorSeconds float64 `json:"write_floor_seconds,omitempty"`
	WriteRatio        float64 `json:"epoch_over_write_floor,omitempty"`
	EpochRatio        float64 `json:"epoch_over_floor"`
	SpeedUp           float64 `json:"speed_up"` // epoch seconds of the optimizer's first thread count over this one's
	// DotEpochSeconds (--kind autorec) is an epoch of dot's default
	// preset on the same rows and thread count, fastest of the repeats,
	// and OverDot the autorec epoch over it.
	DotEpochSeconds float64 `json:"dot_epoch_seconds,omitempty"`
	OverDot         float64 `json:"epoch_over_dot,omitempty"`
	// Epochs and TestRMSE: a model trained with this many threads for
	// that many epochs (no early stopping) and its test RMSE.
	Epochs       int     `json:"epochs,omitempty"`
	TestRMSE     float64 `json:"test_rmse,omitempty"`
	TrainSeconds float64 `json:"train_seconds,omitempty"`
}

// benchResult is what `recnet bench --json` prints.
type benchResult struct {
	Kind          string     `json:"kind"`
	Data          string     `json:"data"`
	Rows          int        `json:"rows"`
	Users         int        `json:"users"`
	Items         int        `json:"items"`
	Train         int        `json:"train_rows"`
	DataSeconds   float64    `json:"data_seconds"` // generating or loading the table, and splitting it
	Config        string     `json:"config"`
	Repeats       int        `json:"repeats"`
	Threads       []benchRow `json:"threads"` // one row per optimizer and thread count
	BiasRMSE      float64    `json:"bias_test_rmse,omitempty"`
	MeanRMSE      float64    `json:"mean_test_rmse,omitempty"`
	PeakRSSBytes  int64      `json:"peak_rss_bytes"` // VmHWM of /proc/self/status; 0 where unknown
	GoSysBytes    uint64     `json:"go_sys_bytes"`   // runtime.MemStats.Sys at the end
	GoHeapSysPeak uint64     `json:"go_heap_sys_bytes"`
}

// benchRun holds bench's flags.
type benchRun struct {
	src                           sourceFlags
	shape, threads                string
	rows, dim, batch, epochs, rep int
	cgSteps, items, users         int
	optimizer, kind               string
	lr                            float64
	seed                          uint64
	asJSON                        bool
}

func benchCmd() *cobra.Command {
	var r benchRun
	c := &cobra.Command{
		Use:   "bench [--shape builtin|ml100k|ml1m|ml25m] [--threads 1,2]",
		Short: "Time a training epoch beside a read-only floor pass, per thread count, with test RMSE and peak memory",
		Long: `Bench makes a ratings table (the built-in course ratings or a synthetic table of a
MovieLens shape, generated in memory; or --data reads one), splits it 80/10/10 and reports:
the time to make or load it; for each --threads count, one epoch of ` + model.DefaultKind + ` (the default
preset, --dim) beside the floor, a read-only pass that computes every prediction over the
same rows, order and tables without updating anything, both on that many goroutines and
measured in the same run (the fastest of --repeat); on one thread the write floor too, a
pass that reads and writes back every line the updates touch with no arithmetic (the
epoch's memory traffic alone); each --optimizer in turn; the speed-up over the first thread
count; the test RMSE of a model trained --epochs epochs with that many threads, beside
the bias baseline; and peak memory (VmHWM and the Go runtime's).

The default table is ml1m-shaped (about 1M ratings), light enough for a laptop; ask for
the 25M-row MovieLens size with --shape ml25m.

--kind ease times the whole fit (the items x items weights in closed form) on a table of
--items items (default 10000) and --users users (default twice the items: the items x items
solve; fewer than half the items take the users x users one), --rows ratings (default ` + fmt.Sprint(easeRowsPerUser) + ` a
user), unless --shape or --data names another; the floor is the scores of every training
interaction from the fitted weights. Peak RSS is the whole process, table included.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return r.run(cmd) },
	}
	f := c.Flags()
	f.StringVar(&r.shape, "shape", "ml1m", "table to generate in memory: builtin (the course ratings), ml100k, ml1m or ml25m (synthetic, of that MovieLens size; --shape ml25m for the 25M-row table)")
	f.IntVar(&r.rows, "rows", 0, fmt.Sprintf("scale the --shape (ml100k, ml1m or ml25m; not builtin, not with --data) to about this many ratings, 1 to %d (default: its own size); with --kind %s and no --shape, the ratings of its table (default %d a user)", maxGenRows, benchEASE, easeRowsPerUser))
	r.src.registerData(f, "", "; read instead of generating the --shape table, which is the default (then --shape and --rows are refused)")
	ialsDefaults, _ := model.Defaults(benchIALS)
	ialsDim := ialsDefaults.Dim
	f.StringVar(&r.kind, "kind", model.DefaultKind, "model kind to time: "+model.DefaultKind+" (an epoch of each --optimizer), "+benchIALS+" (one iteration with --cg-steps, --dim "+strconv.Itoa(ialsDim)+" (its default) unless given, against a read-only pass scoring every training interaction; --optimizer, --lr, --batch and --epochs do not apply), "+benchAutoRec+" (one epoch of its defaults, --dim 500 hidden units unless given, against a read-only pass scoring every training rating and beside an epoch of dot's default preset on the same rows; --optimizer, --lr, --batch and --epochs do not apply) or "+benchEASE+" (the whole fit at its default λ, on the --items table; --optimizer, --lr, --batch, --epochs, --dim and --cg-steps do not apply)")
	f.IntVar(&r.items, "items", 10000, fmt.Sprintf("--kind %s: items of the generated table, 1 to %d (the kind's limit)", benchEASE, model.MaxEASEItems))
	f.IntVar(&r.users, "users", 0, fmt.Sprintf("number of users, 1 to %d, of the table --kind %s generates (default: twice --items)", maxGenRows, benchEASE))
	cg, _ := model.LookupSetting("cg_steps")
	f.IntVar(&r.cgSteps, cg.Flag, 0, cg.Help+kindsSay(cg))
	f.StringVar(&r.threads, "threads", "1,2", fmt.Sprintf("goroutines that train %s (ials: that run its row solves): a comma-separated list of counts, each measured in turn, each 1 to %d", model.DefaultKind, model.MaxThreads))
	def := model.Presets["default"]
	f.IntVar(&r.dim, "dim", def.Dim, fmt.Sprintf("embedding size, 1 to %d (default: the default preset's; --kind ials and autorec: theirs)", model.MaxDim))
	f.IntVar(&r.batch, "batch", def.Batch, fmt.Sprintf("batch size, 1 to %d (default: the default preset's)", model.MaxBatch))
	f.StringVar(&r.optimizer, "optimizer", "adam,adagrad,"+model.ScheduleBlocked, "optimizer: a comma-separated list, each measured in turn, of adam (lazy: each touched row's two moments are read and written too), adagrad (row-wise, as LIBMF: one accumulator a row, in the lines a read touches), sgd (the weights only) or "+model.ScheduleBlocked+" (--schedule blocked with its defaults: row-wise AdaGrad one rating at a time on LIBMF's grid of cache-sized blocks, L2 "+strconv.FormatFloat(model.BlockedL2, 'g', -1, 64)+" a rating; its floor is a read-only pass over the same blocks, in an order planned the same way; --batch does not apply to it)")
	f.Float64Var(&r.lr, "lr", 0, "learning rate, above 0 (default: each optimizer's, model.DefaultLR)")
	f.IntVar(&r.epochs, "epochs", 3, fmt.Sprintf("epochs to train per thread count for the test RMSE, 0 (skip) to %d", model.MaxEpochs))
	f.IntVar(&r.rep, "repeat", 1, fmt.Sprintf("times to measure the epoch and the floor, 1 to %d (the fastest is reported)", maxRepeat))
	f.Uint64Var(&r.seed, "seed", 42, "seed of the table, split, initialization and shuffles"+seedRule)
	f.BoolVar(&r.asJSON, "json", false, "print one JSON object to stdout instead of the table")
	return c
}

// run checks the flags, makes the table, times the epochs and the floors,
// trains for the test RMSE and prints the result.
func (r *benchRun) run(cmd *cobra.Command) error {
	ths, cfgs, err := r.check(cmd.Flags())
	if err != nil {
		return err
	}
	lines := cmd.ErrOrStderr()
	s, res, err := r.split(cmd, lines)
	if err != nil {
		return err
	}
	var mem benchMem
	if err := r.measure(lines, s, cfgs, ths, &res, &mem); err != nil {
		return err
	}
	if err := r.fit(cmd, lines, s, cfgs, len(ths), &res, &mem); err != nil {
		return err
	}
	res.memory(&mem)
	if r.asJSON {
		enc := json.NewEncoder(cmd.OutOrStdout())
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	return res.write(cmd.OutOrStdout())
}

// split makes or reads the table and splits it 80/10/10, and returns the
// split with a result that describes it and the time both took.
func (r *benchRun) split(cmd *cobra.Command, lines io.Writer) (*dataset.Split, benchResult, error) {
	start := time.Now()
	d, err := r.table(cmd)
	if err != nil {
		return nil, benchResult{}, err
	}
	s, err := dataset.SplitRandom(d, dataset.Fractions{}, r.seed)
	if err != nil {
		return nil, benchResult{}, badInput(err)
	}
	res := benchResult{Data: d.Name, Rows: d.Len(), Users: s.Users.Len(), Items: s.Items.Len(), Train: s.Train.Len(), Repeats: r.rep}
	res.DataSeconds = time.Since(start).Seconds()
	res.Config = fmt.Sprintf("%s dim %d, batch %d, seed %d", model.DefaultKind, r.dim, r.batch, r.seed)
	switch r.kind {
	case benchIALS:
		c := model.Config{Kind: benchIALS, Settings: model.Settings{Dim: r.dim, CGSteps: r.cgSteps}}.WithDefaults()
		res.Config = fmt.Sprintf("ials dim %d, %s, seed %d", r.dim, cgWords(c.CGSteps), r.seed)
	case benchEASE:
		c := model.Config{Kind: benchEASE}.WithDefaults()
		res.Config = fmt.Sprintf("ease λ %g, seed %d", c.L2, r.seed)
	}
	if r.kind == benchAutoRec {
		c := model.Config{Kind: benchAutoRec, Settings: model.Settings{Dim: r.dim}}.WithDefaults()
		res.Config = fmt.Sprintf("autorec %s, seed %d", c.Describe(), r.seed)
	}
	res.Kind = r.kind
	fmt.Fprintf(lines, "data %s: %d rows, %d users, %d items, %d training rows; made in %.1fs\n", res.Data, res.Rows, res.Users, res.Items, res.Train, res.DataSeconds)
	return s, res, nil
}

// check refuses a flag out of its bounds and returns the thread counts
// and one model config for each optimizer.
func (r *benchRun) check(fs *pflag.FlagSet) ([]int, []model.Config, error) {
	if err := firstErr(intIn(fs, "rows", r.rows, 1, maxGenRows), intIn(fs, "dim", r.dim, 1, model.MaxDim),
		intIn(fs, "batch", r.batch, 1, model.MaxBatch), intIn(fs, "epochs", r.epochs, 0, model.MaxEpochs),
		intIn(fs, "repeat", r.rep, 1, maxRepeat), positive(fs, "lr", r.lr), seedSet(fs, r.seed)); err != nil {
		return nil, nil, err
	}
	ths, err := parseThreads(r.threads)
	if err != nil {
		return nil, nil, badInput(err)
	}
	if err := firstErr(r.checkSource(fs), r.src.check(fs)); err != nil {
		return nil, nil, err
	}
	if r.kind != benchEASE {
		for _, name := range []string{"items", "users"} {
			if fs.Changed(name) {
				return nil, nil, badInput(fmt.Errorf("%s: applies to --kind %s only", flagName(fs, name), benchEASE))
			}
		}
	}
	switch r.kind {
	case benchIALS, benchAutoRec:
		cfgs, err := r.checkOneConfig(fs)
		return ths, cfgs, err
	case benchEASE:
		cfgs, err := r.checkEASE(fs)
		return ths, cfgs, err
	}
	if err := oneOf("--kind", r.kind, model.DefaultKind, benchIALS, benchEASE, benchAutoRec); err != nil {
		return nil, nil, err
	}
	if fs.Changed("cg-steps") {
		return nil, nil, badInput(fmt.Errorf("--cg-steps: applies to --kind ials only"))
	}
	opts, err := r.optimizers()
	if err != nil {
		return nil, nil, err
	}
	if fs.Changed("batch") && !slices.ContainsFunc(opts, func(o string) bool { return o != model.ScheduleBlocked }) {
		return nil, nil, badInput(fmt.Errorf("--batch: the blocked schedule updates one rating at a time and takes no batch (give it with another --optimizer)"))
	}
	cfg := model.Presets["default"]
	cfg.Dim, cfg.Batch, cfg.Seed = r.dim, r.batch, r.seed
	var cfgs []model.Config
	for _, o := range opts {
		c := cfg
		if o == model.ScheduleBlocked {
			c.Schedule, c.L2, o = model.ScheduleBlocked, model.BlockedL2, "adagrad"
		}
		c.Optimizer = o
		c.LR = model.DefaultLR(c.Optimizer)
		if r.lr > 0 {
			c.LR = r.lr
		}
		if err := c.Validate(); err != nil {
			return nil, nil, badInput(fmt.Errorf("--optimizer: %w", err))
		}
		cfgs = append(cfgs, c)
	}
	return ths, cfgs, nil
}

// checkOneConfig refuses the flags that do not apply to --kind ials or
// autorec and returns its one config.
func (r *benchRun) checkOneConfig(fs *pflag.FlagSet) ([]model.Config, error) {
	for _, name := range []string{"optimizer", "lr", "batch", "epochs"} {
		if !fs.Changed(name) {
			continue
		}
		if r.kind == benchIALS {
			return nil, badInput(fmt.Errorf("%s: does not apply to --kind ials (bench times one iteration; no optimizer, batches or test RMSE)", flagName(fs, name)))
		}
		return nil, badInput(fmt.Errorf("%s: does not apply to --kind autorec (bench times one epoch of its defaults; no test RMSE)", flagName(fs, name)))
	}
	r.epochs = 0
	if !fs.Changed("dim") {
		d, _ := model.Defaults(r.kind)
		r.dim = d.Dim
	}
	if r.kind == benchAutoRec && fs.Changed("cg-steps") {
		return nil, badInput(fmt.Errorf("--cg-steps: applies to --kind ials only"))
	}
	if err := cgStepsIn(fs, r.cgSteps); err != nil {
		return nil, err
	}
	c := model.Config{Kind: benchIALS, Training: model.Training{Seed: r.seed}, Settings: model.Settings{Dim: r.dim, CGSteps: r.cgSteps}}
	if r.kind == benchAutoRec {
		c = model.Config{Kind: benchAutoRec, Training: model.Training{Seed: r.seed}, Settings: model.Settings{Dim: r.dim}}
	}
	c = c.WithDefaults()
	if err := c.Validate(); err != nil { // the flags checked, nothing is left for it to refuse
		return nil, badInput(err)
	}
	return []model.Config{c}, nil
}

// checkEASE refuses the flags that do not apply to --kind ease, and
// --items and --users out of bounds or beside --shape or --data, and
// returns its one config.
func (r *benchRun) checkEASE(fs *pflag.FlagSet) ([]model.Config, error) {
	for _, name := range []string{"optimizer", "lr", "batch", "epochs", "dim", "cg-steps"} {
		if fs.Changed(name) {
			return nil, badInput(fmt.Errorf("%s: does not apply to --kind ease (bench times its closed-form fit at the default λ)", flagName(fs, name)))
		}
	}
	r.epochs = 0
	if err := firstErr(intIn(fs, "items", r.items, 1, model.MaxEASEItems), intIn(fs, "users", r.users, 1, maxGenRows)); err != nil {
		return nil, err
	}
	for _, name := range []string{"items", "users"} {
		for _, other := range []string{"shape", "data"} {
			if fs.Changed(name) && fs.Changed(other) {
				return nil, badInput(fmt.Errorf("%s: makes the generated ease table, which --%s replaces", flagName(fs, name), other))
			}
		}
	}
	if r.users == 0 {
		r.users = 2 * r.items
	}
	if !fs.Changed("rows") && !fs.Changed("shape") && !fs.Changed("data") && easeRowsPerUser*r.users > maxGenRows {
		return nil, badInput(fmt.Errorf("--users %d: %d ratings a user would make more than %d; give --rows", r.users, easeRowsPerUser, maxGenRows))
	}
	c := model.Config{Kind: benchEASE, Training: model.Training{Seed: r.seed}}.WithDefaults()
	if err := c.Validate(); err != nil { // nothing is left for it to refuse
		return nil, badInput(err)
	}
	return []model.Config{c}, nil
}

// benchLabel names what bench times with c in its optimizer column: the
// optimizer, or blocked for the blocked schedule.
func benchLabel(c model.Config) string {
	if c.Blocked() {
		return model.ScheduleBlocked
	}
	return c.Optimizer
}

// optimizers returns the names of --optimizer's list, each known.
func (r *benchRun) optimizers() ([]string, error) {
	var opts []string
	for o := range strings.SplitSeq(r.optimizer, ",") {
		o = strings.TrimSpace(o)
		if o == "" {
			return nil, badInput(fmt.Errorf("--optimizer %q: an empty name in the list", r.optimizer))
		}
		if err := oneOf("--optimizer", o, slices.Concat(model.Optimizers, []string{model.ScheduleBlocked})...); err != nil {
			return nil, err
		}
		opts = append(opts, o)
	}
	return opts, nil
}

// checkSource refuses the flags of the table's source that would have no
// effect: --rows and --shape with --data (read, not generated), --format
// and --columns without it, and --rows with the built-in table (of a fixed
// size).
func (r *benchRun) checkSource(fs *pflag.FlagSet) error {
	data := fs.Changed("data")
	for _, name := range []string{"rows", "shape"} {
		if data && fs.Changed(name) {
			return badInput(fmt.Errorf("%s: does not apply with --data, which is read as it is, not generated", flagName(fs, name)))
		}
	}
	for _, name := range []string{"format", "columns"} {
		if !data && fs.Changed(name) {
			return badInput(fmt.Errorf("%s: applies to --data, which is not given (bench generates its table)", flagName(fs, name)))
		}
	}
	if r.shape == "builtin" && fs.Changed("rows") {
		return badInput(errors.New("--rows: the builtin table has its own size; --rows scales ml100k, ml1m or ml25m"))
	}
	return nil
}

// table reads --data or makes the --shape table.
func (r *benchRun) table(cmd *cobra.Command) (*dataset.Dataset, error) {
	switch {
	case cmd.Flags().Changed("data"):
		return r.src.load(cmd.Context(), "")
	case r.shape == "builtin":
		return dataset.Builtin(), nil
	case r.kind == benchEASE && !cmd.Flags().Changed("shape"):
		rows := r.rows
		if rows == 0 {
			rows = easeRowsPerUser * r.users
		}
		sh := dataset.Shape{Name: fmt.Sprintf("ease-%dx%d", r.users, r.items), Users: r.users, Items: r.items, Rows: rows}
		return dataset.GenerateShape(sh, r.seed), nil
	}
	sh, err := dataset.ShapeByName(r.shape)
	if err != nil {
		return nil, oneOf("--shape", r.shape, "builtin", "ml100k", "ml1m", "ml25m")
	}
	if r.rows > 0 {
		sh = sh.Scaled(r.rows)
	}
	return dataset.GenerateShape(sh, r.seed), nil
}

// benchMem tracks the Go heap's peak between collections.
type benchMem struct{ heapPeak uint64 }

// gc notes the heap's size, then collects.
func (m *benchMem) gc() {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	m.heapPeak = max(m.heapPeak, ms.HeapSys)
	runtime.GC()
}

// memory notes the process's and the Go runtime's peak memory, after a
// last collection.
func (r *benchResult) memory(mem *benchMem) {
	mem.gc()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	r.GoSysBytes, r.GoHeapSysPeak = ms.Sys, mem.heapPeak
	r.PeakRSSBytes = peakRSS()
}

// measure times the epoch and the floors of every optimizer and thread
// count, --repeat times, keeping the fastest, and fills res.Threads.
func (r *benchRun) measure(lines io.Writer, s *dataset.Split, cfgs []model.Config, ths []int, res *benchResult, mem *benchMem) error {
	for _, c := range cfgs {
		for _, t := range ths {
			row := benchRow{Optimizer: benchLabel(c), LR: c.LR, Threads: t}
			if c.Kind == benchIALS || c.Kind == benchEASE || c.Kind == benchAutoRec {
				row.Optimizer = "-"
			}
			res.Threads = append(res.Threads, row)
		}
	}
	// The repeats go round every optimizer in turn, so that each
	// optimizer's fastest run comes from the same stretch of time; for
	// autorec, a dot epoch follows each of its own.
	for rep := range max(r.rep, 1) {
		for o, c := range cfgs {
			mem.gc()
			tm, err := train.MeasureEpoch(s, c, ths...)
			if err != nil {
				return err
			}
			for j, m := range tm {
				res.Threads[o*len(ths)+j].keepFastest(m, rep == 0)
				fmt.Fprintf(lines, "repeat %d, %s, %s: epoch %.3fs, floor %.3fs\n", rep+1, cmp.Or(benchLabel(c), c.Kind), plural(m.Threads, "thread"), m.Epoch.Seconds(), m.Floor.Seconds())
			}
			if c.Kind == benchAutoRec {
				if err := r.measureDot(lines, s, ths, res.Threads[o*len(ths):], rep); err != nil {
					return err
				}
			}
		}
	}
	res.ratios(len(ths))
	return nil
}

// benchDot is the dot config an autorec epoch is compared with: the
// default preset (Adam; its dim and batch) at the run's seed.
func (r *benchRun) benchDot() model.Config {
	c := model.Presets["default"]
	c.Seed = r.seed
	return c
}

// measureDot times a dot epoch (benchDot) for each thread count and keeps
// the fastest in rows, one per count.
func (r *benchRun) measureDot(lines io.Writer, s *dataset.Split, ths []int, rows []benchRow, rep int) error {
	tm, err := train.MeasureEpoch(s, r.benchDot(), ths...)
	if err != nil {
		return err
	}
	for j, m := range tm {
		if sec := m.Epoch.Seconds(); rep == 0 || sec < rows[j].DotEpochSeconds {
			rows[j].DotEpochSeconds = sec
		}
		fmt.Fprintf(lines, "repeat %d, dot, %s: epoch %.3fs\n", rep+1, plural(m.Threads, "thread"), m.Epoch.Seconds())
	}
	return nil
}

// keepFastest keeps each of m's times that is the row's first or beats
// the row's.
func (row *benchRow) keepFastest(m train.EpochTiming, first bool) {
	if first || m.Epoch.Seconds() < row.EpochSeconds {
		row.EpochSeconds = m.Epoch.Seconds()
	}
	if first || m.Floor.Seconds() < row.FloorSeconds {
		row.FloorSeconds = m.Floor.Seconds()
	}
	if w := m.WriteFloor.Seconds(); w > 0 && (first || w < row.WriteFloorSeconds) {
		row.WriteFloorSeconds = w
	}
}

// ratios sets each row's epoch over its floors and its speed-up over the
// first of its optimizer's nths rows.
func (r *benchResult) ratios(nths int) {
	for j := range r.Threads {
		row := &r.Threads[j]
		row.EpochRatio = row.EpochSeconds / row.FloorSeconds
		if row.WriteFloorSeconds > 0 {
			row.WriteRatio = row.EpochSeconds / row.WriteFloorSeconds
		}
		row.SpeedUp = r.Threads[j-j%nths].EpochSeconds / row.EpochSeconds
		if row.DotEpochSeconds > 0 {
			row.OverDot = row.EpochSeconds / row.DotEpochSeconds
		}
	}
}

// fit trains a model for --epochs with each row's optimizer and thread
// count and notes its test RMSE, and the baselines' beside the first.
func (r *benchRun) fit(cmd *cobra.Command, lines io.Writer, s *dataset.Split, cfgs []model.Config, nths int, res *benchResult, mem *benchMem) error {
	if r.epochs <= 0 {
		return nil
	}
	for j := range res.Threads {
		mem.gc()
		row := &res.Threads[j]
		c := cfgs[j/nths]
		c.Threads, c.Epochs, c.Patience = row.Threads, r.epochs, -1
		t0 := time.Now()
		m, err := train.Fit(cmd.Context(), s, c)
		if err != nil {
			return divergedHint(err, nil, c, false)
		}
		row.Epochs, row.TrainSeconds = r.epochs, time.Since(t0).Seconds()
		row.TestRMSE = m.Test(s.Test).RMSE
		fmt.Fprintf(lines, "%s, %s: %s in %.1fs, test RMSE %.4f\n", benchLabel(c), plural(row.Threads, "thread"), plural(r.epochs, "epoch"), row.TrainSeconds, row.TestRMSE)
		if j == 0 {
			mean, bias := model.Baselines(m, s)
			res.MeanRMSE, res.BiasRMSE = mean.Test(s.Test).RMSE, bias.Test(s.Test).RMSE
		}
	}
	return nil
}

// parseThreads parses a comma-separated list of positive thread counts.
func parseThreads(s string) ([]int, error) {
	var out []int
	for f := range strings.SplitSeq(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > model.MaxThreads {
			return nil, fmt.Errorf("--threads %s: each count must be 1 to %d", quote.Short(s), model.MaxThreads)
		}
		out = append(out, n)
	}
	return out, nil
}

// write prints the result as a small table.
func (r benchResult) write(w io.Writer) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "data %s: %d rows, %d users, %d items (%d training rows); made in %.1fs\n", r.Data, r.Rows, r.Users, r.Items, r.Train, r.DataSeconds)
	fmt.Fprintf(&b, "%s; fastest of %d\n\n", r.Config, max(r.Repeats, 1))
	fmt.Fprintf(&b, "optimizer  lr      threads  epoch s  floor s  epoch/floor  write floor s  epoch/write  speed-up  test RMSE  (epochs)\n")
	for _, t := range r.Threads {
		rmse := "-"
		if t.Epochs > 0 {
			rmse = fmt.Sprintf("%.4f  (%d)", t.TestRMSE, t.Epochs)
		}
		wf, wr, lr := "-", "-", "-" // a kind without a learning rate (ials, autorec's defaults, ease) has none to show
		if t.LR > 0 {
			lr = fmt.Sprintf("%g", t.LR)
		}
		if t.WriteFloorSeconds > 0 {
			wf, wr = fmt.Sprintf("%.3f", t.WriteFloorSeconds), fmt.Sprintf("%.2f", t.WriteRatio)
		}
		fmt.Fprintf(&b, "%-9s  %-6s  %7d  %7.3f  %7.3f  %11.2f  %13s  %11s  %8.2f  %s\n", t.Optimizer, lr, t.Threads, t.EpochSeconds, t.FloorSeconds, t.EpochRatio, wf, wr, t.SpeedUp, rmse)
	}
	for _, t := range r.Threads {
		if t.DotEpochSeconds > 0 {
			d := model.Presets["default"]
			fmt.Fprintf(&b, "%s: dot epoch %.3fs (default preset: %s, dim %d, batch %d; same rows), autorec epoch over it %.2f\n",
				plural(t.Threads, "thread"), t.DotEpochSeconds, d.Optimizer, d.Dim, d.Batch, t.OverDot)
		}
	}
	if r.Kind == benchEASE {
		fmt.Fprintf(&b, "\nepoch: the whole ease fit (weights in closed form); floor: the scores of every training\ninteraction from the fitted weights\n")
	} else {
		fmt.Fprintf(&b, "\nfloor: a read-only pass computing every prediction; write floor: reading and writing back\nevery line the updates touch, no arithmetic (one thread); both over the same rows and tables\n")
	}
	if i := slices.IndexFunc(r.Threads, func(t benchRow) bool { return t.Epochs > 0 }); i >= 0 {
		fmt.Fprintf(&b, "\nbias baseline test RMSE %.4f, global mean %.4f\n", r.BiasRMSE, r.MeanRMSE)
	}
	fmt.Fprintf(&b, "peak RSS %s, Go heap (most reserved) %s, Go total from the OS %s\n", mib(uint64(r.PeakRSSBytes)), mib(r.GoHeapSysPeak), mib(r.GoSysBytes))
	_, err := w.Write(b.Bytes())
	return err
}

// cgWords names ials' row solve.
func cgWords(steps int) string {
	if steps < 0 {
		return "exact row solves"
	}
	return plural(steps, "conjugate-gradient step") + " a row"
}

func mib(n uint64) string { return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20)) }

// peakRSS returns the process's peak resident set (VmHWM), or 0 where
// /proc is missing.
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			if f := strings.Fields(v); len(f) > 0 {
				if n, err := strconv.ParseInt(f[0], 10, 64); err == nil {
					return n << 10 // kB
				}
			}
		}
	}
	return 0
}
