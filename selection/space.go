package selection

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/recnet/recnet/model"
)

// Space is what Tune searches: a base configuration, and the settings
// that vary from trial to trial. Every trial trains Base (its zero fields
// taking the kind's defaults) with its drawn settings.
type Space struct {
	// Base holds the settings no trial changes (and the training seed).
	Base model.Config
	// Ranges are the settings drawn for each trial, in this order.
	Ranges []model.Range
}

// Tunable lists the kinds DefaultSpace has a space for, in the order help
// texts show them.
var Tunable = []string{"dot", "mlp", "neumf", "mf", "nmf"}

// DefaultSpace returns recnet's search space for a model kind. Ranges are
// on ratings min-max scaled to [0,1] (the default), wide enough not to
// favour one data set:
//
//	dot  dim {8,16,32,64,128}, lr log-uniform [3e-4, 1e-2], l2 log-uniform [1e-6, 1e-3],
//	     bias-l2 log-uniform [1e-7, 1e-4], batch {64,128,256,512},
//	     activation {linear, relu, sigmoid}; the "default" preset otherwise:
//	     up to 100 epochs, early stopping with patience 3.
//	     Grid: dim {16,32,64} x lr {0.001,0.003} x l2 {1e-5,1e-4} (12 trials).
//	mf   dim 10..200, lr log-uniform [0.002, 0.05], l2 (reg of the factors)
//	     log-uniform [5e-4, 0.05], epochs 10..200 (early stopping with mf's
//	     default patience, 20).
//	     Grid: dim {50,100} x lr {0.01,0.02} x l2 {0.002,0.005,0.02} (12 trials).
//	mlp, neumf
//	     dim {8,16,32,64}, layers {64,32,16; 32,16; 128,64,32; 64; 64,32:tanh,16:tanh},
//	     lr log-uniform [3e-4, 1e-2], l2 log-uniform [1e-6, 1e-3],
//	     dropout {0,0.1,0.2,0.3}, batch {128,256,512}; the kind's defaults
//	     otherwise (up to 50 epochs, patience 3).
//	     Grid: dim {16,32,64} x lr {0.001,0.003} x l2 {1e-5,1e-4} (12 trials).
//	nmf  dim 5..60, l2 (reg) log-uniform [0.006, 0.6], epochs 10..200
//	     (early stopping with nmf's default patience, 10).
//	     Grid: dim {15,30} x l2 {0.03,0.06,0.12} (6 trials).
//
// Settings not listed keep the kind's defaults. Any other kind (mean,
// bias: fitted in closed form) has nothing to tune, and is an error.
func DefaultSpace(kind string) (Space, error) {
	if kind == "" {
		kind = "dot"
	}
	ranges, ok := defaultRanges[kind]
	if !ok {
		return Space{}, fmt.Errorf("selection: nothing to tune for model %q (tunable: %s)", kind, strings.Join(Tunable, ", "))
	}
	if _, ok := model.Defaults(kind); !ok {
		return Space{}, fmt.Errorf("selection: unknown model %q (known: %v)", kind, model.Kinds())
	}
	base := model.Config{Model: kind}.WithDefaults()
	if kind == "dot" {
		base = model.Presets["default"]
		base.Epochs, base.Patience = 100, 3
	}
	return Space{Base: base, Ranges: slices.Clone(ranges)}, nil
}

var defaultRanges = map[string][]model.Range{
	"dot": {
		{Name: "dim", Values: []string{"8", "16", "32", "64", "128"}, Grid: []string{"16", "32", "64"}},
		{Name: "lr", Lo: 3e-4, Hi: 1e-2, Log: true, Grid: []string{"0.001", "0.003"}},
		{Name: "l2", Lo: 1e-6, Hi: 1e-3, Log: true, Grid: []string{"1e-05", "0.0001"}},
		{Name: "bias-l2", Lo: 1e-7, Hi: 1e-4, Log: true},
		{Name: "batch", Values: []string{"64", "128", "256", "512"}},
		{Name: "activation", Values: []string{"linear", "relu", "sigmoid"}},
	},
	"mf": {
		{Name: "dim", Lo: 10, Hi: 200, Int: true, Grid: []string{"50", "100"}},
		{Name: "lr", Lo: 0.002, Hi: 0.05, Log: true, Grid: []string{"0.01", "0.02"}},
		{Name: "l2", Lo: 5e-4, Hi: 0.05, Log: true, Grid: []string{"0.002", "0.005", "0.02"}},
		{Name: "epochs", Lo: 10, Hi: 200, Int: true},
	},
	"mlp":   deepRanges,
	"neumf": deepRanges,
	"nmf": {
		{Name: "dim", Lo: 5, Hi: 60, Int: true, Grid: []string{"15", "30"}},
		{Name: "l2", Lo: 0.006, Hi: 0.6, Log: true, Grid: []string{"0.03", "0.06", "0.12"}},
		{Name: "epochs", Lo: 10, Hi: 200, Int: true},
	},
}

// deepRanges are the search space of mlp and neumf.
var deepRanges = []model.Range{
	{Name: "dim", Values: []string{"8", "16", "32", "64"}, Grid: []string{"16", "32", "64"}},
	{Name: "layers", Values: []string{"64,32,16", "32,16", "128,64,32", "64", "64,32:tanh,16:tanh"}},
	{Name: "lr", Lo: 3e-4, Hi: 1e-2, Log: true, Grid: []string{"0.001", "0.003"}},
	{Name: "l2", Lo: 1e-6, Hi: 1e-3, Log: true, Grid: []string{"1e-05", "0.0001"}},
	{Name: "dropout", Values: []string{"0", "0.1", "0.2", "0.3"}},
	{Name: "batch", Values: []string{"128", "256", "512"}},
}

// Validate reports a range that cannot be drawn or set, or a base
// configuration that cannot train.
func (s Space) Validate() error {
	if len(s.Ranges) == 0 {
		return fmt.Errorf("selection: the search space of %q has no setting to vary", s.Base.Model)
	}
	seen := map[string]bool{}
	for _, p := range s.Ranges {
		if seen[p.Name] {
			return fmt.Errorf("selection: setting %s appears twice", p.Name)
		}
		seen[p.Name] = true
		c := s.Base
		for _, v := range slices.Concat(p.Values, p.Grid) {
			if err := set(&c, p.Name, v); err != nil {
				return err
			}
		}
		if len(p.Values) > 0 {
			continue
		}
		if !(p.Lo < p.Hi) || (p.Log && !(p.Lo > 0)) || (p.Int && math.Ceil(p.Lo) > math.Floor(p.Hi)) {
			return fmt.Errorf("selection: setting %s: range [%g, %g] holds no value (or is not positive on a log scale)", p.Name, p.Lo, p.Hi)
		}
		if err := set(&c, p.Name, strconv.FormatFloat(math.Ceil(p.Lo), 'g', -1, 64)); err != nil {
			return err
		}
	}
	if err := s.Base.Validate(); err != nil {
		return fmt.Errorf("selection: base configuration: %w", err)
	}
	return nil
}

// Sample returns the first n configurations of the random search seeded
// with seed. The sequence depends only on the space and seed: the first n
// of a longer sample are the same.
func (s Space) Sample(seed uint64, n int) ([]model.Config, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, 0x7e57))
	out := make([]model.Config, n)
	for k := range out {
		c := s.Base.WithDefaults()
		for _, p := range s.Ranges {
			if err := set(&c, p.Name, draw(p, rng)); err != nil {
				return nil, err
			}
		}
		out[k] = c
	}
	return out, nil
}

// draw returns one value of p.
func draw(p model.Range, rng *rand.Rand) string {
	switch {
	case len(p.Values) > 0:
		return p.Values[rng.IntN(len(p.Values))]
	case p.Int:
		lo, hi := int(math.Ceil(p.Lo)), int(math.Floor(p.Hi))
		return strconv.Itoa(lo + rng.IntN(hi-lo+1))
	case p.Log:
		return strconv.FormatFloat(math.Exp(math.Log(p.Lo)+rng.Float64()*(math.Log(p.Hi)-math.Log(p.Lo))), 'g', 3, 64)
	}
	return strconv.FormatFloat(p.Lo+rng.Float64()*(p.Hi-p.Lo), 'g', 3, 64)
}

// Grid returns every configuration of the grid, the first range varying
// slowest. A range without Grid values keeps its base value.
func (s Space) Grid() ([]model.Config, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	out := []model.Config{s.Base.WithDefaults()}
	for _, p := range s.Ranges {
		if len(p.Grid) == 0 {
			continue
		}
		next := make([]model.Config, 0, len(out)*len(p.Grid))
		for _, c := range out {
			for _, v := range p.Grid {
				if err := set(&c, p.Name, v); err != nil {
					return nil, err
				}
				next = append(next, c)
			}
		}
		out = next
	}
	return out, nil
}

// Describe returns the searched settings of c, as "dim=32 lr=0.001 ...".
func (s Space) Describe(c model.Config) string {
	parts := make([]string, len(s.Ranges))
	for k, p := range s.Ranges {
		parts[k] = p.Name + "=" + get(c, p.Name)
	}
	return strings.Join(parts, " ")
}

// set sets the setting called name of c from its text.
func set(c *model.Config, name, v string) error {
	var err error
	atoi := func(dst *int) {
		*dst, err = strconv.Atoi(v)
	}
	atof := func(dst *float64) {
		*dst, err = strconv.ParseFloat(v, 64)
	}
	switch name {
	case "dim":
		atoi(&c.Dim)
	case "batch":
		atoi(&c.Batch)
	case "epochs":
		atoi(&c.Epochs)
	case "patience":
		atoi(&c.Patience)
	case "lr":
		atof(&c.LR)
	case "l2":
		atof(&c.L2)
	case "bias-l2":
		atof(&c.BiasL2)
	case "init-std":
		atof(&c.InitStd)
	case "activation":
		c.Activation, err = model.ParseActivation(v)
	case "layers":
		_, err = model.ParseLayers(v)
		c.Layers = v
	case "dropout":
		atof(&c.Dropout)
	case "negatives":
		atoi(&c.Negatives)
	default:
		return fmt.Errorf("selection: unknown setting %q (want dim, lr, l2, bias-l2, init-std, batch, epochs, patience, activation, layers, dropout or negatives)", name)
	}
	if err != nil {
		return fmt.Errorf("selection: setting %s: bad value %q: %w", name, v, err)
	}
	return nil
}

// get returns the setting called name of c as text.
func get(c model.Config, name string) string {
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	switch name {
	case "dim":
		return strconv.Itoa(c.Dim)
	case "batch":
		return strconv.Itoa(c.Batch)
	case "epochs":
		return strconv.Itoa(c.Epochs)
	case "patience":
		return strconv.Itoa(c.Patience)
	case "lr":
		return f(c.LR)
	case "l2":
		return f(c.L2)
	case "bias-l2":
		return f(c.BiasL2)
	case "init-std":
		return f(c.InitStd)
	case "activation":
		return string(c.Activation)
	case "layers":
		return c.Layers
	case "dropout":
		return f(c.Dropout)
	case "negatives":
		return strconv.Itoa(c.Negatives)
	}
	return "?"
}
