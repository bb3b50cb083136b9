package model

import (
	"fmt"
	"maps"
	"slices"

	"github.com/recnet/recnet/internal/quote"
)

// A Kind declares a kind of model, once: its name and description, the
// settings it reads with their defaults, its search space, how it rebuilds
// its net from a model file, how many parameters it has, and how a summary
// describes its settings. Each kind registers itself in the init of the
// file that holds its net; train registers its fitter the same way. The
// flags of recnet, tune and cv, Summary, the JSON config and the model file
// all read the declaration.
type Kind struct {
	// Name names the kind in settings (Config.Kind), model files and
	// flags (--kind).
	Name string
	// Doc describes the kind in a few words, for help texts
	// ("RecommenderNet", "biased MF by SGD").
	Doc string
	// Title is the title of Summary; "" means Name.
	Title string
	// Score names what the kind's scores are (Model.ScoreName): "" for a
	// predicted rating or, for the implicit task, a probability;
	// ScoreRelevance for scores that only order the items.
	Score string
	// Defaults are the settings Config.WithDefaults fills in for the kind
	// (Register sets its Kind).
	Defaults Config
	// ImplicitDefaults are the settings the kind takes by default on the
	// implicit task where they differ from Defaults (its zero fields take
	// Defaults; its Kind and Task are ignored): Config.WithDefaults
	// fills them in first when the task is implicit. The number of
	// negatives is one of them (DefaultNegatives when zero).
	ImplicitDefaults Config
	// Reads lists the settings the kind's training reads, by their JSON
	// names ("dim", "lr", "init_std"...); the others have no effect on it.
	Reads []string
	// Fixed holds settings the kind reads only as one value (mf's "sgd"
	// optimizer, for example).
	Fixed map[string]string
	// Why says why the settings not in Reads are not read.
	Why string
	// Optimizers lists the optimizers the kind trains with, when it reads
	// "optimizer".
	Optimizers []string
	// Space is the search space of tune: the settings it varies, in this
	// order; nil when there is nothing to tune. A search of one task
	// leaves out the ranges of settings the kind does not read for it
	// (Config.Unused): the activation for the implicit task, the
	// negatives for the rating task.
	Space []Range
	// SearchBase holds the settings a search starts from where they
	// differ from Defaults (its zero fields take Defaults).
	SearchBase Config
	// Build rebuilds a net of the kind from its parameter tables, as read
	// from a model file.
	Build func(cfg Config, params []Param) (Net, error)
	// Count returns the number of parameters of a net of the kind for cfg
	// (defaults applied) and the numbers of users and items, without
	// allocating them, so that a trainer can refuse a net too large for
	// the machine before making it.
	Count func(cfg Config, users, items int) int64
	// Describe describes cfg (defaults applied) in one line: the settings
	// that matter for the kind, as a summary shows them.
	Describe func(cfg Config) string
	// FitsValid is set for a kind fitted on the validation part as well
	// as the training part (blend: its weights), which needs one.
	FitsValid bool
	// KeepsUserItems is set for a kind whose net holds each known user's
	// items to score from (ease): its file keeps them whatever else is
	// left out, and a model without its seen items is not one to make.
	KeepsUserItems bool
	// Check, when not nil, refuses settings (defaults applied, each
	// within its bounds) that the kind cannot train with although another
	// kind could, such as ease's l2 of 0 (no penalty); Config.Validate
	// calls it last. Its error is a *SettingError when it refuses one
	// setting (a blend's refusals of its members are plain errors).
	Check func(cfg Config) error
}

// ReadsSetting reports whether the kind reads the setting (a JSON name).
func (k *Kind) ReadsSetting(setting string) bool { return slices.Contains(k.Reads, setting) }

// UsesValid reports whether a model of c (defaults applied) fits or
// stops early on a validation part: its Patience is positive or its kind
// FitsValid. cv carves one from each training fold for it.
func (c Config) UsesValid() bool {
	c = c.WithDefaults()
	k, ok := kinds[c.Kind]
	return c.Patience > 0 || ok && k.FitsValid
}

// Trained reports whether the kind is trained in epochs (it reads
// "epochs"), rather than fitted in one step (mean, bias).
func (k *Kind) Trained() bool { return k.ReadsSetting("epochs") }

// kinds maps a kind's name to its declaration.
var kinds = map[string]*Kind{}

// Register declares a model kind: loadable from a model file, with its
// default settings. It panics when the name is empty or taken, a function
// is missing, Reads names a setting other than by its JSON name in
// SettingList, Why is empty while some setting is unread, Fixed or Space
// names a setting the kind does not read, or the kind reads the optimizer
// but lists none: a declaration is code, and its mistakes are programming
// errors.
func Register(k Kind) {
	switch {
	case k.Name == "":
		panic("model: Register of a kind without a name")
	case kinds[k.Name] != nil:
		panic("model: kind " + k.Name + " registered twice")
	case k.Build == nil || k.Count == nil || k.Describe == nil:
		panic("model: kind " + k.Name + " lacks Build, Count or Describe")
	case k.ReadsSetting("optimizer") && len(k.Optimizers) == 0:
		panic("model: kind " + k.Name + " reads the optimizer but lists none")
	}
	for _, name := range k.Reads {
		if st, ok := LookupSetting(name); !ok || st.Name != name {
			panic("model: kind " + k.Name + " reads " + name + ", which is no setting's JSON name")
		}
	}
	if len(k.Reads) < len(settingTable) && k.Why == "" {
		panic("model: kind " + k.Name + " does not say Why it leaves settings unread")
	}
	for name := range k.Fixed {
		if !k.ReadsSetting(name) {
			panic("model: kind " + k.Name + " fixes " + name + ", which it does not read")
		}
	}
	for _, r := range k.Space {
		if st, ok := LookupSetting(r.Name); !ok || !k.ReadsSetting(st.Name) {
			panic("model: kind " + k.Name + " searches " + r.Name + ", which it does not read")
		}
	}
	k.Defaults.Kind = k.Name
	k.SearchBase.Kind = k.Name
	kinds[k.Name] = &k
}

// Lookup returns the declaration of the named kind, and whether it is
// registered. The declaration is shared: do not modify it.
func Lookup(name string) (*Kind, bool) {
	k, ok := kinds[name]
	return k, ok
}

// lookup returns the declaration of the named kind, or an error naming
// the known kinds.
func lookup(name string) (*Kind, error) {
	if k, ok := kinds[name]; ok {
		return k, nil
	}
	return nil, fmt.Errorf("model: unknown kind %s (known: %v)", quote.Short(name), Kinds())
}

// Defaults returns the default settings of the named kind, and whether the
// kind is known.
func Defaults(kind string) (Config, bool) {
	k, ok := kinds[kind]
	if !ok {
		return Config{}, false
	}
	return k.Defaults, true
}

// TaskDefaults returns the default settings of the kind for a task
// (TaskRating or TaskImplicit; "": the kind's default task), as
// Config.WithDefaults fills them in.
func (k *Kind) TaskDefaults(task string) Config {
	return Config{Kind: k.Name, Training: Training{Task: task}}.WithDefaults()
}

// Kinds returns the registered model kinds, sorted.
func Kinds() []string {
	return slices.Sorted(maps.Keys(kinds))
}

// Tunable returns the kinds that have a search space, sorted.
func Tunable() []string {
	var out []string
	for _, k := range Kinds() {
		if kinds[k].Space != nil {
			out = append(out, k)
		}
	}
	return out
}

// Build rebuilds a net of the given kind from its parameter tables.
func Build(kind string, cfg Config, params []Param) (Net, error) {
	k, err := lookup(kind)
	if err != nil {
		return nil, err
	}
	return k.Build(cfg, params)
}

// Describe describes c (defaults applied) in one line, as its kind does;
// "" for a kind not registered.
func (c Config) Describe() string {
	c = c.WithDefaults()
	k, ok := kinds[c.Kind]
	if !ok {
		return ""
	}
	return k.Describe(c)
}
