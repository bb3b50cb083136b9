package model

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/recnet/recnet/internal/quote"
)

// Config holds a model's and its training's settings. It is saved in the
// model file. The zero value of every field means its default (the values of
// the "default" preset); where zero is a meaningful setting, a negative value
// asks for it (L2 < 0: no L2; Patience < 0: no early stopping; Beta1 < 0:
// Adam without momentum, RMSProp-like).
type Config struct {
	Model      string     `json:"model"`      // model kind; default "dot"
	Dim        int        `json:"dim"`        // embedding size
	Activation Activation `json:"activation"` // output activation
	Init       string     `json:"init"`       // "he_normal" (Keras) or "normal" (N(0, InitStd²), biases from the mean)
	InitStd    float64    `json:"init_std"`   // standard deviation of the "normal" init
	L2         float64    `json:"l2"`         // L2 penalty on the embedding rows a batch touches
	BiasL2     float64    `json:"bias_l2"`    // L2 penalty on the biases a batch touches
	NoScale    bool       `json:"no_scale"`   // train on raw ratings instead of min-max [0,1]

	Optimizer string  `json:"optimizer"` // "adam" (lazy), "adagrad" (row-wise, dot only) or "sgd"
	LR        float64 `json:"lr"`
	Beta1     float64 `json:"beta1"`
	Beta2     float64 `json:"beta2"`
	Eps       float64 `json:"eps"`
	Batch     int     `json:"batch"`
	Epochs    int     `json:"epochs"`            // most epochs to run
	Patience  int     `json:"patience"`          // epochs without a better validation RMSE before stopping
	Seed      uint64  `json:"seed"`              // init and shuffle seed
	Threads   int     `json:"threads,omitempty"` // goroutines that train dot (LIBMF-style blocks); 0 means 1. Deterministic for a seed and a thread count

	Task      string  `json:"task,omitempty"`      // "rating" (default): predict ratings with MSE; "implicit": predict interaction with BCE
	Negatives int     `json:"negatives,omitempty"` // implicit task: negatives sampled per positive each epoch; default 4
	Layers    string  `json:"layers,omitempty"`    // hidden layers of mlp and neumf: widths, each with an optional ":activation" (default relu), e.g. "64,32:tanh,16"
	Dropout   float64 `json:"dropout,omitempty"`   // rate of inverted dropout after each hidden layer while training
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

// Presets are named starting configurations.
//
//   - "seed" is the original lab: dim 16, he_normal init, L2 1e-6, ReLU,
//     Adam lr 0.001, batch 256, 10 epochs, no early stopping.
//   - "default" is recnet's choice, measured on the built-in data (see the
//     README): it beats both the seed preset and the bias baseline there.
var Presets = map[string]Config{
	"seed": {
		Model: "dot", Dim: 16, Activation: ReLU, Init: "he_normal", L2: 1e-6, BiasL2: -1,
		Optimizer: "adam", LR: 0.001, Beta1: 0.9, Beta2: 0.999, Eps: 1e-7,
		Batch: 256, Epochs: 10, Patience: -1, Seed: 42,
	},
	"default": {
		Model: "dot", Dim: 32, Activation: Linear, Init: "normal", InitStd: 0.01, L2: 1e-4, BiasL2: 1e-5,
		Optimizer: "adam", LR: 0.001, Beta1: 0.9, Beta2: 0.999, Eps: 1e-7,
		Batch: 256, Epochs: 50, Patience: 3, Seed: 42,
	},
}

// AdaGradLR is the learning rate of row-wise AdaGrad when the optimizer is
// chosen without one (DefaultLR, and WithDefaults for a zero LR). Measured
// on the built-in data with the default preset: test RMSE 0.5345 at 0.03,
// 0.5430 at 0.1, 0.5671 at 0.3, and far slower progress at Adam's 0.001
// (Adam there: 0.5369).
const AdaGradLR = 0.03

// DefaultLR returns the learning rate of the default preset for an
// optimizer: AdaGradLR for adagrad, the preset's for adam and sgd.
func DefaultLR(optimizer string) float64 {
	if optimizer == "adagrad" {
		return AdaGradLR
	}
	return Presets["default"].LR
}

// Preset returns the named preset.
func Preset(name string) (Config, error) {
	c, ok := Presets[name]
	if !ok {
		return Config{}, fmt.Errorf("model: unknown preset %s (known: seed, default)", quote.Short(name))
	}
	return c, nil
}

// WithDefaults returns c with every zero field set from the defaults of its
// model kind (the "default" preset for dot, and for a kind not registered).
func (c Config) WithDefaults() Config {
	d := Presets["default"]
	if c.Model == "" {
		c.Model = d.Model
	}
	if kd, ok := Defaults(c.Model); ok {
		d = kd
	}
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
	if c.Optimizer == "" {
		c.Optimizer = d.Optimizer
	}
	defi(&c.Dim, d.Dim)
	defi(&c.Batch, d.Batch)
	defi(&c.Epochs, d.Epochs)
	defi(&c.Patience, d.Patience)
	def(&c.InitStd, d.InitStd)
	def(&c.L2, d.L2)
	def(&c.BiasL2, d.BiasL2)
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
	if c.Implicit() {
		c.Activation = Sigmoid
		defi(&c.Negatives, DefaultNegatives)
	}
	return c
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
)

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
)

// DefaultNegatives is the number of negatives the implicit task samples per
// positive, as in Neural Collaborative Filtering.
const DefaultNegatives = 4

// orList joins names as "a, b or c", for messages.
func orList(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// Validate reports settings that cannot train.
func (c Config) Validate() error {
	c = c.WithDefaults()
	if _, ok := Defaults(c.Model); !ok {
		return fmt.Errorf("model: unknown model %s (known: %v)", quote.Short(c.Model), Kinds())
	}
	switch {
	case c.Dim < 1 || c.Dim > MaxDim:
		return fmt.Errorf("model: dim %d out of range 1..%d", c.Dim, MaxDim)
	case c.Batch < 1 || c.Batch > MaxBatch:
		return fmt.Errorf("model: batch %d out of range 1..%d", c.Batch, MaxBatch)
	case c.Epochs < 1 || c.Epochs > MaxEpochs:
		return fmt.Errorf("model: epochs %d out of range 1..%d", c.Epochs, MaxEpochs)
	case !(c.LR > 0) || math.IsInf(c.LR, 1): // the negations also catch NaN
		return fmt.Errorf("model: learning rate %g must be positive and finite", c.LR)
	case !(c.Beta1 < 1 && !math.IsInf(c.Beta1, -1) && c.Beta2 >= 0 && c.Beta2 < 1):
		return fmt.Errorf("model: Adam betas %g, %g must be below 1 and at least 0 (a negative beta1 asks for 0: no momentum)", c.Beta1, c.Beta2)
	case !Finite(c.InitStd, c.L2, c.BiasL2, c.Eps):
		return fmt.Errorf("model: init std %g, L2 %g, bias L2 %g and eps %g must be finite", c.InitStd, c.L2, c.BiasL2, c.Eps)
	case !slices.Contains(Optimizers, c.Optimizer):
		return fmt.Errorf("model: unknown optimizer %s (want %s)", quote.Short(c.Optimizer), orList(Optimizers))
	case c.Optimizer == "adagrad" && c.Model != "" && c.Model != "dot":
		return fmt.Errorf("model: optimizer adagrad (row-wise) trains dot only, not %s", quote.Short(c.Model))
	case !slices.Contains(Inits, c.Init):
		return fmt.Errorf("model: unknown init %s (want %s)", quote.Short(c.Init), orList(Inits))
	}
	if _, err := ParseActivation(string(c.Activation)); err != nil {
		return err
	}
	if _, err := ParseLayers(c.Layers); err != nil {
		return fmt.Errorf("model: %w", err)
	}
	switch {
	case c.Task != "" && !slices.Contains(Tasks, c.Task):
		return fmt.Errorf("model: unknown task %s (want %s)", quote.Short(c.Task), orList(Tasks))
	case c.Task == TaskImplicit && (c.Negatives < 1 || c.Negatives > MaxNegatives):
		return fmt.Errorf("model: negatives %d out of range 1..%d", c.Negatives, MaxNegatives)
	case !(c.Dropout >= 0 && c.Dropout < 1):
		return fmt.Errorf("model: dropout %g must be in [0,1)", c.Dropout)
	case c.Threads < 0 || c.Threads > MaxThreads:
		return fmt.Errorf("model: threads %d out of range 0..%d", c.Threads, MaxThreads)
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
// defaults) for the given numbers of users and items: embeddings, biases
// and the dense layers of mlp and neumf. It counts without allocating, so
// that a trainer can refuse a configuration too large for the machine
// before making it.
func (c Config) Params(users, items int) int64 {
	c = c.WithDefaults()
	d, rows := int64(c.Dim), int64(users)+int64(items)
	switch c.Model {
	case "mean":
		return 1
	case "bias":
		return rows + 1
	case "mlp", "neumf":
	default: // dot, mf, nmf: an embedding and a bias a row
		return rows * (d + 1)
	}
	n, in := rows*d, 2*d
	if c.Model == "neumf" {
		n = rows * (2*d + 1)
	}
	for _, l := range c.Hidden() {
		n += in*int64(l.Units) + int64(l.Units)
		in = int64(l.Units)
	}
	if c.Model == "neumf" {
		in += d
	}
	return n + in + 1
}
