package model

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/recnet/recnet/internal/quote"
)

// A Setting describes one field of Config for the programs that take
// settings from a user: recnet's flags and the search spaces of tune both
// read this table, so that a setting has one name, one help text with its
// bounds, and one parser.
type Setting struct {
	// Name is the setting's JSON name in Config ("init_std"), which
	// Kind.Reads and Unused use.
	Name string
	// Flag is its name as a flag and in a search space ("init-std").
	Flag string
	// Help describes it in one line, with its bounds.
	Help string
	// Shared is set for the training settings every kind shares
	// (Config.Training); the others are what a kind adds (Config.Settings).
	Shared bool
	// field returns a pointer to the setting in c: *int, *uint64,
	// *float64, *string, *bool or *Activation.
	field func(c *Config) any
}

// Field returns a pointer to the setting in c: *int, *uint64, *float64,
// *string, *bool or *Activation (a program binds its flags to them).
func (s Setting) Field(c *Config) any { return s.field(c) }

// settingTable lists the settings, in the order help texts show them.
var settingTable = withFlags([]Setting{
	{Name: "dim", Help: fmt.Sprintf("embedding size, 1 to %d", MaxDim), field: func(c *Config) any { return &c.Dim }},
	{Name: "activation", Help: "output activation: relu, elu, selu, gelu, tanh, sigmoid or linear (the implicit task always uses sigmoid)", field: func(c *Config) any { return &c.Activation }},
	{Name: "layers", Help: fmt.Sprintf("hidden layers: at most %d, widths (1 to %d), each with an optional :activation (relu when absent), e.g. 64,32:tanh,16; none for no hidden layer", MaxLayers, MaxDim), field: func(c *Config) any { return &c.Layers }},
	{Name: "dropout", Help: "rate of dropout after each hidden layer while training, at least 0 and below 1", field: func(c *Config) any { return &c.Dropout }},
	{Name: "alpha", Help: "confidence of an interaction of value r: 1 + alpha·r (r the rating on its original scale, a negative one taken as 0; 1 on a table of interactions without ratings; 1 for a cell without an interaction); above 0 and finite", field: func(c *Config) any { return &c.Alpha }},
	{Name: "cg_steps", Help: fmt.Sprintf("ials: conjugate-gradient steps per user or item row and half-step, warm-started from the row's last value, 1 to %d; negative: solve each row exactly (Cholesky, O(d³) a row)", MaxCGSteps), field: func(c *Config) any { return &c.CGSteps }},
	{Name: "svdpp", Help: "add |N(u)|^-½ Σ y_j to each user's vector (SVD++, Koren 2008): N(u) the items the user rated in training, or a new learner rated on fold-in, y an item x dim table the model learns and saves (a version 4 model file); the rating task, on one goroutine; an epoch costs O(ratings·dim), measured 1.6 to 4 times one without it", field: func(c *Config) any { return &c.SVDpp }},
	{Name: "task", Shared: true, Help: "rating (predict ratings, squared error) or implicit (every rating an interaction, ranking metrics; the kinds that read negatives sample them and train by cross-entropy, the others weigh every cell)", field: func(c *Config) any { return &c.Task }},
	{Name: "negatives", Shared: true, Help: fmt.Sprintf("implicit task: negatives sampled per positive each epoch, 1 to %d", MaxNegatives), field: func(c *Config) any { return &c.Negatives }},
	{Name: "init", Help: "embedding init: he_normal (Keras) or normal", field: func(c *Config) any { return &c.Init }},
	{Name: "init_std", Help: "standard deviation of the normal init (above 0)", field: func(c *Config) any { return &c.InitStd }},
	{Name: "l2", Help: "L2 penalty on embedding rows, at least 0 (0: none; ease's λ, above 0)", field: func(c *Config) any { return &c.L2 }},
	{Name: "bias_l2", Help: "L2 penalty on biases, at least 0 (0: none)", field: func(c *Config) any { return &c.BiasL2 }},
	{Name: "no_scale", Shared: true, Help: "train on raw ratings instead of min-max scaling them to [0,1]", field: func(c *Config) any { return &c.NoScale }},
	{Name: "optimizer", Shared: true, Help: "adam (lazy), adagrad (row-wise, as LIBMF; one accumulator a row, a third of Adam's memory and the fastest epoch on large tables; lr " + strconv.FormatFloat(AdaGradLR, 'g', -1, 64) + " unless --lr is given) or sgd", field: func(c *Config) any { return &c.Optimizer }},
	{Name: "lr", Shared: true, Help: "learning rate (above 0)", field: func(c *Config) any { return &c.LR }},
	{Name: "beta1", Shared: true, Help: "Adam beta1, at least 0 (0: no momentum, RMSProp-like) and below 1", field: func(c *Config) any { return &c.Beta1 }},
	{Name: "beta2", Shared: true, Help: "Adam beta2 (above 0, below 1)", field: func(c *Config) any { return &c.Beta2 }},
	{Name: "eps", Shared: true, Help: "Adam epsilon (above 0)", field: func(c *Config) any { return &c.Eps }},
	{Name: "batch", Shared: true, Help: fmt.Sprintf("batch size, 1 to %d", MaxBatch), field: func(c *Config) any { return &c.Batch }},
	{Name: "epochs", Shared: true, Help: fmt.Sprintf("most epochs, 1 to %d", MaxEpochs), field: func(c *Config) any { return &c.Epochs }},
	{Name: "patience", Shared: true, Help: "stop after this many epochs (at least 1) without a better validation loss: RMSE; for --task implicit, NDCG@10 of dot (each epoch ranks all items for a fixed seeded sample of at most 1000 validation users, scoring at most 4 times the pairs of a training epoch) and cross-entropy of mlp and neumf (negative: never)", field: func(c *Config) any { return &c.Patience }},
	{Name: "seed", Shared: true, Help: "seed of the initial weights and of the shuffles", field: func(c *Config) any { return &c.Seed }},
	{Name: "schedule", Shared: true, Help: "dot and mf: shuffled (a fresh random order every epoch; dot in mini-batches) or blocked (as LIBMF: ratings cut into a P x P grid of blocks of users x items, P at least threads+1 and enough for a block's rows to fit in 512 KiB unless blocks would average under 1024 ratings, stored by block, each rating updated at once; an idle thread takes a block sharing no users or items with the running ones, in an order fixed by the seed and --threads, so deterministic for both; dot with adagrad (its default there, lr 0.03) or sgd and L2 per rating (default " + strconv.FormatFloat(BlockedL2, 'g', -1, 64) + "), linear output, rating task, no batch, svdpp or item features)", field: func(c *Config) any { return &c.Schedule }},
	{Name: "threads", Shared: true, Help: fmt.Sprintf("goroutines that train, 1 to %d: 1 is deterministic for a seed; N > 1 trains N blocks of users x items at once (deterministic for a seed and N); mf on the blocked schedule only", MaxThreads), field: func(c *Config) any { return &c.Threads }},
})

// withFlags sets each setting's Flag from its Name. It runs as the table
// is initialized, before any kind registers in an init.
func withFlags(table []Setting) []Setting {
	for k := range table {
		table[k].Flag = strings.ReplaceAll(table[k].Name, "_", "-")
	}
	return table
}

// SettingList returns the settings of Config, in the order help texts
// show them.
func SettingList() []Setting { return append([]Setting(nil), settingTable...) }

// LookupSetting returns the setting of the given flag or JSON name.
func LookupSetting(name string) (Setting, bool) {
	for _, s := range settingTable {
		if s.Flag == name || s.Name == name {
			return s, true
		}
	}
	return Setting{}, false
}

// Set parses text as the setting's value and stores it in c. Activations
// and layers are checked as Validate checks them; a zero penalty ("l2",
// "bias_l2") or beta1 is stored as none (negative), which a zero in Config
// would not say.
func (s Setting) Set(c *Config, text string) error {
	var err error
	switch p := s.field(c).(type) {
	case *int:
		*p, err = strconv.Atoi(text)
	case *uint64:
		*p, err = strconv.ParseUint(text, 10, 64)
	case *float64:
		*p, err = strconv.ParseFloat(text, 64)
		if err == nil && *p == 0 && s.zeroIsNone() {
			*p = -1
		}
	case *bool:
		*p, err = strconv.ParseBool(text)
	case *Activation:
		*p, err = ParseActivation(text)
	case *string:
		if s.Name == "layers" {
			_, err = ParseLayers(text)
		}
		*p = text
	}
	if err != nil {
		return fmt.Errorf("model: setting %s: bad value %s: %w", s.Flag, quote.Short(text), err)
	}
	return nil
}

// zeroIsNone reports whether a user's 0 means "none", which Config says
// with a negative value (its zero means the default).
func (s Setting) zeroIsNone() bool {
	return s.Name == "l2" || s.Name == "bias_l2" || s.Name == "beta1"
}

// isZero reports whether the setting is zero in c: its kind's default.
func (s Setting) isZero(c Config) bool { return reflect.ValueOf(s.field(&c)).Elem().IsZero() }

// clear sets the setting to zero in c.
func (s Setting) clear(c *Config) {
	v := reflect.ValueOf(s.field(c)).Elem()
	v.Set(reflect.Zero(v.Type()))
}

// Get returns the setting's value in c as text, as Set reads it (a
// penalty or beta1 of none as "0").
func (s Setting) Get(c Config) string {
	switch p := s.field(&c).(type) {
	case *int:
		return strconv.Itoa(*p)
	case *uint64:
		return strconv.FormatUint(*p, 10)
	case *float64:
		if *p < 0 && s.zeroIsNone() {
			return "0" // none, as Set reads it
		}
		return strconv.FormatFloat(*p, 'g', -1, 64)
	case *bool:
		return strconv.FormatBool(*p)
	case *Activation:
		return string(*p)
	case *string:
		return *p
	}
	return "?"
}
