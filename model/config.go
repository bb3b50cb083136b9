package model

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/recnet/recnet/internal/quote"
)

// Config holds a model's settings: its kind, the training settings every
// trainer shares, and the settings a kind adds. It is saved in the model
// file. The zero value of every field means its kind's default; where zero
// is a meaningful setting, a negative value asks for it (L2 < 0: no L2;
// Patience < 0: no early stopping; Beta1 < 0: Adam without momentum,
// RMSProp-like). A kind reads only some of the settings (Kind.Reads):
// Unused says why another has no effect, and the JSON form (the model
// file's) keeps only those it reads.
type Config struct {
	Kind     string `json:"kind"` // model kind; default DefaultKind
	Training `json:"training"`
	Settings `json:"settings"`
	// Members points to the settings of a blend's members (see Blend),
	// one each, in order; nil for every other kind, and for a blend that
	// takes its kind's default members. It is a pointer so that Config
	// stays comparable with ==, which compares a blend's members by
	// identity: compare MemberList to compare them by value.
	Members *[]Config `json:"members,omitempty"`
}

// Training holds the settings every trainer shares: the task, the
// optimizer and the schedule.
type Training struct {
	Task      string  `json:"task,omitempty"`      // "rating" (default): predict ratings with MSE; "implicit": predict interaction with BCE
	Negatives int     `json:"negatives,omitempty"` // implicit task: negatives sampled per positive each epoch; default 4
	NoScale   bool    `json:"no_scale"`            // train on raw ratings instead of min-max [0,1]
	Optimizer string  `json:"optimizer"`           // "adam" (lazy), "adagrad" (row-wise, dot only) or "sgd"
	LR        float64 `json:"lr"`
	Beta1     float64 `json:"beta1"`
	Beta2     float64 `json:"beta2"`
	Eps       float64 `json:"eps"`
	Batch     int     `json:"batch"`
	Epochs    int     `json:"epochs"`            // most epochs to run
	Patience  int     `json:"patience"`          // epochs without a better validation criterion (see train.Fit) before stopping
	Seed      uint64  `json:"seed"`              // init and shuffle seed
	Threads   int     `json:"threads,omitempty"` // goroutines that train dot (LIBMF-style blocks); 0 means 1. Deterministic for a seed and a thread count
	// Schedule is how dot and mf visit the ratings: "shuffled" (the
	// default) in a fresh random order every epoch, in mini-batches for
	// dot; "blocked" as LIBMF, one rating at a time on a grid of
	// cache-sized blocks handed to the threads (see train's doc).
	Schedule string `json:"schedule,omitempty"`
}

// Settings holds the settings a kind adds to Training: the shape of its
// net, its initialization and its penalties. Each kind reads some of them
// (Kind.Reads).
type Settings struct {
	Dim        int        `json:"dim"`                // embedding size
	Activation Activation `json:"activation"`         // output activation
	Init       string     `json:"init"`               // "he_normal" (Keras) or "normal" (N(0, InitStd²), biases from the mean)
	InitStd    float64    `json:"init_std"`           // standard deviation of the "normal" init
	L2         float64    `json:"l2"`                 // L2 penalty on the embedding rows a batch touches
	BiasL2     float64    `json:"bias_l2"`            // L2 penalty on the biases a batch touches
	Layers     string     `json:"layers,omitempty"`   // hidden layers of mlp and neumf: widths, each with an optional ":activation" (default relu), e.g. "64,32:tanh,16"
	Dropout    float64    `json:"dropout,omitempty"`  // rate of inverted dropout after each hidden layer while training
	Alpha      float64    `json:"alpha,omitempty"`    // ials: confidence 1 + alpha·r of an interaction
	CGSteps    int        `json:"cg_steps,omitempty"` // ials: conjugate-gradient steps a row and half-step; negative: exact Cholesky solves
	SVDpp      bool       `json:"svdpp,omitempty"`    // dot, mf: add SVD++'s |N(u)|^-½ Σ y_j over the items the user rated to the user's vector
}

// Dense is one hidden layer: its width and activation.
type Dense struct {
	Units      int
	Activation Activation
}

// ParseLayers reads hidden layers written as comma-separated widths, each
// with an optional ":activation" (ReLU when absent): "64,32:tanh,16". ""
// and "none" mean no hidden layer; there are at most MaxLayers. Its errors
// begin with "layers".
func ParseLayers(s string) ([]Dense, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "none" {
		return nil, nil
	}
	fields := strings.Split(s, ",")
	if len(fields) > MaxLayers {
		return nil, fmt.Errorf("layers %s: %d hidden layers, at most %d", quote.Short(s), len(fields), MaxLayers)
	}
	var out []Dense
	for _, f := range fields {
		w, a, _ := strings.Cut(strings.TrimSpace(f), ":")
		n, err := strconv.Atoi(strings.TrimSpace(w))
		if err != nil || n < 1 || n > MaxDim {
			return nil, fmt.Errorf("layers %s: width %s must be an integer in 1..%d", quote.Short(s), quote.Short(w), MaxDim)
		}
		act := ReLU
		if a != "" {
			if act, err = ParseActivation(strings.TrimSpace(a)); err != nil {
				return nil, fmt.Errorf("layers %s: unknown activation %s (want one of %v)", quote.Short(s), quote.Short(a), Activations)
			}
		}
		out = append(out, Dense{n, act})
	}
	return out, nil
}

// Hidden returns the hidden layers of c.Layers, or nil if they do not
// parse (Validate reports that).
func (c Config) Hidden() []Dense {
	l, _ := ParseLayers(c.Layers)
	return l
}

// WithDefaults returns c with every zero field set from the defaults of its
// kind (DefaultKind when c names none; nothing for a kind not registered):
// for the implicit task, first from the kind's ImplicitDefaults, then from
// its Defaults.
func (c Config) WithDefaults() Config {
	if c.Kind == "" {
		c.Kind = DefaultKind
	}
	d, _ := Defaults(c.Kind)
	if c.Task == "" {
		c.Task = d.Task // the one task of a kind that learns only from interactions (ials, ease)
	}
	if k, ok := kinds[c.Kind]; ok && c.Implicit() {
		c.fill(k.ImplicitDefaults)
	}
	c.fill(d)
	if c.Implicit() {
		c.Activation = Sigmoid
		if c.Negatives == 0 {
			c.Negatives = DefaultNegatives
		}
	}
	return c
}

// fill sets every zero field of c but the kind and the task from d.
func (c *Config) fill(d Config) {
	def := func(v *float64, dv float64) {
		if *v == 0 {
			*v = dv
		}
	}
	defi := func(v *int, dv int) {
		if *v == 0 {
			*v = dv
		}
	}
	if c.Activation == "" {
		c.Activation = d.Activation
	}
	if c.Init == "" {
		c.Init = d.Init
	}
	if c.Optimizer == "" && c.Blocked() && d.Optimizer == "adam" {
		c.Optimizer = "adagrad" // the blocked schedule's, as LIBMF's
	}
	if c.Optimizer == "" {
		c.Optimizer = d.Optimizer
	}
	defi(&c.Dim, d.Dim)
	defi(&c.Batch, d.Batch)
	defi(&c.Epochs, d.Epochs)
	defi(&c.Patience, d.Patience)
	defi(&c.Negatives, d.Negatives)
	def(&c.InitStd, d.InitStd)
	if c.Blocked() && c.Kind == DefaultKind {
		def(&c.L2, BlockedL2)
	}
	def(&c.L2, d.L2)
	def(&c.BiasL2, d.BiasL2)
	def(&c.Alpha, d.Alpha)
	defi(&c.CGSteps, d.CGSteps)
	if c.Optimizer == "adagrad" {
		def(&c.LR, AdaGradLR)
	}
	def(&c.LR, d.LR)
	def(&c.Beta1, d.Beta1)
	def(&c.Beta2, d.Beta2)
	def(&c.Eps, d.Eps)
	if c.Seed == 0 {
		c.Seed = d.Seed
	}
	if c.Layers == "" {
		c.Layers = d.Layers
	}
	if c.Members == nil {
		c.Members = d.Members
	}
}

// MemberList returns the settings of a blend's members (Members); nil for
// another kind.
func (c Config) MemberList() []Config {
	if c.Members == nil {
		return nil
	}
	return *c.Members
}

// Implicit reports whether c trains for the implicit task.
func (c Config) Implicit() bool { return c.Task == TaskImplicit }

// Tasks. The zero value of Config.Task means TaskRating.
const (
	TaskRating   = "rating"   // predict ratings; squared error
	TaskImplicit = "implicit" // predict the probability of an interaction; cross-entropy against sampled negatives
)

// The values Validate accepts for Config.Task, Config.Optimizer and
// Config.Init (besides "", the default), in the order help texts show them.
var (
	Tasks      = []string{TaskRating, TaskImplicit}
	Optimizers = []string{"adam", "adagrad", "sgd"}
	Inits      = []string{"he_normal", "normal"}
	Schedules  = []string{ScheduleShuffled, ScheduleBlocked}
)

// Schedules (Config.Schedule; "" means ScheduleShuffled).
const (
	ScheduleShuffled = "shuffled" // a fresh random order every epoch
	ScheduleBlocked  = "blocked"  // LIBMF's grid of blocks, one rating at a time
)

// BlockedL2 is dot's L2 on the blocked schedule when none is given: a
// penalty per rating, as mf's (whose default it is too) and LIBMF's, where
// the shuffled schedule's is per row of a batch, whose mean loss is 1/Batch
// of a rating's. On a 2M-rating ml25m-shaped table (dim 32, 10 epochs)
// test RMSE was 0.5768 at 0.005, 0.5811 at 0.01 and 0.6142 at 0.02; 1e-4,
// the default preset's, overfits there.
const BlockedL2 = 0.005

// AutoBlockedRows is the number of training ratings from which the
// recnet command's train takes the blocked schedule by itself for dot and
// mf at their defaults (see its --schedule). The blocked epoch was faster
// than Adam's at every size measured (the lab's table to ml25m) and its
// RMSE matched or beat Adam's from 16,000 ratings up; below this size the
// defaults were chosen by cross-validation on the shuffled schedule, which
// keeps them. On ml25m (20M training ratings, dim 64) the blocked
// schedule's test RMSE at its default L2 (0.5550) was within 0.1% of the
// best of L2 0.002, 0.005, 0.01 and 0.02 (0.5548 at 0.002).
const AutoBlockedRows = 1_000_000

// Blocked reports whether c trains by the blocked schedule.
func (c Config) Blocked() bool { return c.Schedule == ScheduleBlocked }

// Limits of the settings: larger values would exhaust the memory or the
// time of a machine rather than train (a batch of 1e9 rows is an
// out-of-memory crash; 1000 threads took 8.1 GB and 38 s an epoch where one
// took 78 MB and 0.1 s). Validate refuses values beyond them.
const (
	MaxDim       = 4096    // embedding size and hidden layer width
	MaxBatch     = 1 << 20 // rows a batch
	MaxEpochs    = 100000  // epochs a run
	MaxThreads   = 256     // goroutines that train dot
	MaxNegatives = 1000    // negatives sampled per positive (implicit task)
	MaxLayers    = 16      // hidden layers of mlp and neumf
	MaxCGSteps   = 64      // conjugate-gradient steps a row (ials; the exact solve is cheaper past Dim steps)
)

// NegativesSpace is what tune --task implicit draws the negatives per
// positive from, for the kinds that sample them (dot, mlp, neumf); its
// grid keeps DefaultNegatives. dot's implicit default, 32, was chosen by
// cross-validation among 8, 16 and 32 (see the README).
var NegativesSpace = []string{"1", "2", "4", "8", "16", "32"}

// DefaultNegatives is the number of negatives the implicit task samples per
// positive, as in Neural Collaborative Filtering, for a kind whose
// ImplicitDefaults give none.
const DefaultNegatives = 4

// orList joins names as "a, b or c", for messages.
func orList(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// A SettingError is an error of one setting, which a kind's Check refuses
// for that kind: Setting is its JSON name (as in SettingList), Msg says why.
type SettingError struct {
	Setting, Msg string
}

// Error returns "model: SETTING: MSG".
func (e *SettingError) Error() string { return "model: " + e.Setting + ": " + e.Msg }

// Validate reports settings that cannot train: an unknown kind, a
// setting out of its range, one that differs from the only value the kind
// takes (Kind.Fixed), an optimizer the kind does not train with, or
// settings the kind's Check refuses (a *SettingError). A
// setting the kind does not read is checked when it is given (not zero
// after the kind's defaults), so that a value out of range is refused for
// every kind.
func (c Config) Validate() error {
	c = c.WithDefaults()
	k, err := lookup(c.Kind)
	if err != nil {
		return err
	}
	for _, ch := range checks {
		if ch.always || k.ReadsSetting(ch.setting) || c.given(ch.setting) {
			if err := ch.check(c); err != nil {
				return err
			}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(k.Fixed)) {
		if v := c.settingText(name); c.given(name) && v != k.Fixed[name] {
			return &SettingError{Setting: name, Msg: fmt.Sprintf("%s: %s takes only %s", quote.Short(v), c.Kind, k.Fixed[name])}
		}
	}
	if k.ReadsSetting("optimizer") && !slices.Contains(k.Optimizers, c.Optimizer) {
		return fmt.Errorf("model: optimizer %s does not train %s (it trains with %s)", c.Optimizer, c.Kind, orList(k.Optimizers))
	}
	if k.Check != nil {
		return k.Check(c)
	}
	return nil
}

// given reports whether the setting (a JSON name) has a value other
// than zero in c.
func (c Config) given(setting string) bool {
	st, ok := LookupSetting(setting)
	return ok && !st.isZero(c)
}

// settingCheck checks one setting: when the kind reads it, when it is
// given, or always.
type settingCheck struct {
	setting string
	always  bool // checked for every kind: the zero value passes
	check   func(c Config) error
}

// checks are the checks of Validate, in order.
var checks = []settingCheck{
	{setting: "dim", check: func(c Config) error { return inRange("dim", c.Dim, 1, MaxDim) }},
	{setting: "batch", check: func(c Config) error { return inRange("batch", c.Batch, 1, MaxBatch) }},
	{setting: "epochs", check: func(c Config) error { return inRange("epochs", c.Epochs, 1, MaxEpochs) }},
	{setting: "lr", check: func(c Config) error {
		if !(c.LR > 0) || math.IsInf(c.LR, 1) { // the negation also catches NaN
			return fmt.Errorf("model: learning rate %g must be positive and finite", c.LR)
		}
		return nil
	}},
	{always: true, check: func(c Config) error {
		if !(c.Beta1 < 1 && !math.IsInf(c.Beta1, -1) && c.Beta2 >= 0 && c.Beta2 < 1) {
			return fmt.Errorf("model: Adam betas %g, %g must be below 1 and at least 0 (a negative beta1 asks for 0: no momentum)", c.Beta1, c.Beta2)
		}
		return nil
	}},
	{always: true, check: func(c Config) error {
		if !Finite(c.InitStd, c.L2, c.BiasL2, c.Eps) {
			return fmt.Errorf("model: init std %g, L2 %g, bias L2 %g and eps %g must be finite", c.InitStd, c.L2, c.BiasL2, c.Eps)
		}
		return nil
	}},
	{setting: "optimizer", check: func(c Config) error { return oneOf("optimizer", c.Optimizer, Optimizers) }},
	{setting: "init", check: func(c Config) error { return oneOf("init", c.Init, Inits) }},
	{setting: "schedule", check: func(c Config) error {
		if c.Schedule != "" {
			return oneOf("schedule", c.Schedule, Schedules)
		}
		return nil
	}},
	{setting: "activation", check: func(c Config) error {
		_, err := ParseActivation(string(c.Activation))
		return err
	}},
	{always: true, check: func(c Config) error {
		if _, err := ParseLayers(c.Layers); err != nil {
			return fmt.Errorf("model: %w", err)
		}
		return nil
	}},
	{always: true, check: func(c Config) error {
		if c.Task != "" {
			return oneOf("task", c.Task, Tasks)
		}
		return nil
	}},
	{always: true, check: func(c Config) error {
		if c.Task == TaskImplicit {
			return inRange("negatives", c.Negatives, 1, MaxNegatives)
		}
		return nil
	}},
	{always: true, check: func(c Config) error {
		if !(c.Dropout >= 0 && c.Dropout < 1) {
			return fmt.Errorf("model: dropout %g must be in [0,1)", c.Dropout)
		}
		return nil
	}},
	{always: true, check: func(c Config) error { return inRange("threads", c.Threads, 0, MaxThreads) }},
	{setting: "cg_steps", check: func(c Config) error {
		if c.CGSteps > MaxCGSteps {
			return fmt.Errorf("model: cg steps %d out of range 1..%d (negative: exact solves)", c.CGSteps, MaxCGSteps)
		}
		return nil
	}},
	{setting: "alpha", check: func(c Config) error {
		if !(c.Alpha > 0) || math.IsInf(c.Alpha, 1) {
			return fmt.Errorf("model: alpha %g must be above 0 and finite", c.Alpha)
		}
		return nil
	}},
}

// inRange returns an error when the setting's value v is outside lo..hi.
func inRange(setting string, v, lo, hi int) error {
	if v < lo || v > hi {
		return fmt.Errorf("model: %s %d out of range %d..%d", setting, v, lo, hi)
	}
	return nil
}

// oneOf returns an error when the setting's value v is not one of known.
func oneOf(setting, v string, known []string) error {
	if !slices.Contains(known, v) {
		return fmt.Errorf("model: unknown %s %s (want %s)", setting, quote.Short(v), orList(known))
	}
	return nil
}

// Finite reports whether every x is neither NaN nor infinite.
func Finite(xs ...float64) bool {
	for _, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

// PositiveL2 returns the L2 settings with the "negative means none" rule
// applied.
func (c Config) PositiveL2() (emb, bias float64) {
	return max(c.L2, 0), max(c.BiasL2, 0)
}

// Params returns the number of weights of a net of c's kind (with its
// defaults) for the given numbers of users and items, 0 for a kind not
// registered. It counts without allocating, so that a trainer can refuse a
// configuration too large for the machine before making it.
func (c Config) Params(users, items int) int64 {
	c = c.WithDefaults()
	k, ok := kinds[c.Kind]
	if !ok {
		return 0
	}
	return k.Count(c, users, items)
}
