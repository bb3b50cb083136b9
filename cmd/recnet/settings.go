package main

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/recnet/recnet/model"
	"github.com/spf13/pflag"
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
// preset (settingUsage adds what the kinds' declarations say of it); --scale
// is the setting no_scale turned around.
func (f *configFlags) register(fs *pflag.FlagSet) {
	d := settingDefaults()
	fs.StringVar(&f.preset, "preset", "default", "starting settings of "+model.DefaultKind+": default (recnet's, measured; with --task implicit, its implicit defaults) or seed (the original lab); refused with another --kind, which starts from its own defaults (for its task)")
	fs.StringVar(&f.cfg.Kind, "kind", d.Kind, kindHelp())
	for _, s := range model.SettingList() {
		help := settingUsage(s)
		if s.Name == "schedule" {
			help += autoScheduleHelp // one text wherever the flag is
		}
		switch p := s.Field(&f.cfg).(type) {
		case *int:
			fs.IntVar(p, s.Flag, *s.Field(&d).(*int), help)
		case *float64:
			fs.Float64Var(p, s.Flag, *s.Field(&d).(*float64), help)
		case *string:
			fs.StringVar(p, s.Flag, *s.Field(&d).(*string), help)
		case *model.Activation:
			fs.StringVar(&f.activation, s.Flag, string(d.Activation), help)
		case *bool:
			if s.Name == "no_scale" {
				fs.BoolVar(&f.scale, "scale", true, "min-max scale ratings to [0,1] for training"+kindsSay(s))
				continue
			}
			fs.BoolVar(p, s.Flag, *s.Field(&d).(*bool), help)
		}
	}
}

// settingDefaults returns the defaults of the setting flags: the default
// preset (of model.DefaultKind), as flagDefaults shows it.
func settingDefaults() model.Config { return flagDefaults(model.Presets["default"]) }

// settingUsage returns the --help of the flag of the setting st: its help
// and what the kinds' declarations say of it (kindsSay). Every command that
// takes the setting as a flag says it so.
func settingUsage(st model.Setting) string { return st.Help + kindsSay(st) }

// flagDefaults returns c as a flag shows its defaults: with what c leaves
// to the kind or the task filled in as it then is (the rating task, the
// implicit task's negatives, one thread, the default hidden layers).
func flagDefaults(c model.Config) model.Config {
	if c.Task == "" {
		c.Task = model.TaskRating
	}
	if c.Negatives == 0 {
		c.Negatives = model.DefaultNegatives
	}
	if c.Threads == 0 {
		c.Threads = 1
	}
	if c.Layers == "" {
		c.Layers = model.DefaultLayers
	}
	return c
}

// kindsSay returns what the kinds' declarations say of the setting st,
// for the end of its --help: the kinds whose default differs from the
// flag's (settingDefaults; "; mf 64, nmf 100"), the kinds whose default
// on the implicit task differs from their rating default ("; with --task
// implicit: dot 8"), the kinds that read it
// when some kind trained in epochs does not ("(read by: mlp, neumf)"), the
// one value some kinds take ("(mf, nmf: linear only)"), and for the
// optimizer the kinds each trains.
func kindsSay(st model.Setting) string {
	want := st.Get(settingDefaults())
	var defaults, implicit, readers, values []string
	all := true                    // every kind trained in epochs reads st
	fixed := map[string][]string{} // a value of values -> the kinds that take only it
	for _, name := range model.Kinds() {
		k, _ := model.Lookup(name)
		if !k.ReadsSetting(st.Name) {
			all = all && !k.Trained()
			continue
		}
		readers = append(readers, name)
		if v, ok := k.Fixed[st.Name]; ok {
			if fixed[v] == nil {
				values = append(values, v)
			}
			fixed[v] = append(fixed[v], name)
			continue
		}
		rating := st.Get(flagDefaults(k.Defaults.WithDefaults()))
		if rating != want {
			defaults = append(defaults, name+" "+rating)
		}
		if k.Defaults.Task == "" && st.Name != "activation" && st.Name != "task" {
			if v := st.Get(flagDefaults(k.TaskDefaults(model.TaskImplicit))); v != rating {
				implicit = append(implicit, name+" "+v)
			}
		}
	}
	var b strings.Builder
	if len(defaults) > 0 {
		b.WriteString("; " + strings.Join(defaults, ", "))
	}
	if len(implicit) > 0 {
		b.WriteString("; with --task implicit: " + strings.Join(implicit, ", "))
	}
	if st.Name == "optimizer" {
		b.WriteString(" (" + optimizerKinds() + ")")
		return b.String()
	}
	if !all {
		b.WriteString(" (read by: " + strings.Join(readers, ", ") + ")")
	}
	for _, v := range values {
		b.WriteString(" (" + strings.Join(fixed[v], ", ") + ": " + v + " only)")
	}
	return b.String()
}

// optimizerKinds says which kinds each optimizer trains, from the kinds'
// declarations: "adam trains dot, mlp, neumf; adagrad dot; ...".
func optimizerKinds() string {
	var parts []string
	for _, o := range model.Optimizers {
		var names []string
		for _, name := range model.Kinds() {
			if k, _ := model.Lookup(name); slices.Contains(k.Optimizers, o) {
				names = append(names, name)
			}
		}
		if len(names) > 0 {
			parts = append(parts, o+" "+strings.Join(names, ", "))
		}
	}
	if len(parts) > 0 {
		parts[0] = strings.Replace(parts[0], " ", " trains ", 1)
	}
	return strings.Join(parts, "; ")
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
		nonEmpty(fs, "optimizer", v.Optimizer), nonEmpty(fs, "schedule", v.Schedule),
		intIn(fs, "dim", v.Dim, 1, model.MaxDim), intIn(fs, "batch", v.Batch, 1, model.MaxBatch),
		intIn(fs, "epochs", v.Epochs, 1, model.MaxEpochs), intIn(fs, "threads", v.Threads, 1, model.MaxThreads),
		intIn(fs, "negatives", v.Negatives, 1, model.MaxNegatives),
		cgStepsIn(fs, v.CGSteps),
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
		changed("schedule", oneOf("--schedule", v.Schedule, model.Schedules...)),
		changed("activation", oneOf("--activation", f.activation, model.Activations...)),
		changed("preset", presetKind(v.Kind)),
		changed("optimizer", kindOptimizer(v.Kind, v.Optimizer)),
	)
}

// cgStepsIn refuses a --cg-steps the user set to 0 (which the model would
// replace by its default) or above model.MaxCGSteps.
func cgStepsIn(fs *pflag.FlagSet, v int) error {
	if fs.Changed("cg-steps") && (v == 0 || v > model.MaxCGSteps) {
		return badInput(fmt.Errorf("%s %d: must be 1 to %d, or negative for exact solves", flagName(fs, "cg-steps"), v, model.MaxCGSteps))
	}
	return nil
}

// presetKind refuses a --preset for a kind other than model.DefaultKind:
// the presets are its settings, and another kind starts from its own
// defaults.
func presetKind(kind string) error {
	if kind == model.DefaultKind {
		return nil
	}
	return badInput(fmt.Errorf("--preset: presets are %s's; --kind %s starts from its own defaults", model.DefaultKind, kind))
}

// kindOptimizer refuses an --optimizer the kind (known) reads but does not
// train with, naming those it trains with (model.Kind.Optimizers). A kind
// that reads no optimizer is left to unusedFlag, which says why.
func kindOptimizer(kind, optimizer string) error {
	k, ok := model.Lookup(kind)
	if !ok || !k.ReadsSetting("optimizer") || slices.Contains(k.Optimizers, optimizer) {
		return nil
	}
	return badInput(fmt.Errorf("--optimizer %s: %s does not train with it; its optimizers: %s", optimizer, kind, strings.Join(k.Optimizers, ", ")))
}

// config returns the preset (of model.DefaultKind) or the defaults of
// another --kind, with every flag the user set applied. A flag set to a
// value the model would replace by its default, or that the model does not
// read, is refused; so is a configuration model.Config.Validate refuses.
// Every error is bad input (exit 2).
func (f *configFlags) config(fs *pflag.FlagSet, seed uint64) (model.Config, error) {
	if err := firstErr(f.check(fs), seedSet(fs, seed)); err != nil {
		return model.Config{}, err
	}
	c, err := model.Preset(f.preset)
	if err != nil {
		return c, badInput(fmt.Errorf("--preset: %w", err))
	}
	var task string // the kind's default task unless --task says
	if fs.Changed("task") {
		task = f.cfg.Task
	}
	if f.cfg.Kind != c.Kind || (task == model.TaskImplicit && f.preset == "default") {
		// The presets are the default kind's (check refuses --preset
		// with another); another kind starts from its own defaults, and
		// the default preset on the implicit task is the kind's
		// defaults for that task (model.Kind.ImplicitDefaults).
		c = model.Config{Kind: f.cfg.Kind, Training: model.Training{Task: task, Seed: c.Seed}}.WithDefaults()
	}
	for _, st := range model.SettingList() {
		if err := f.apply(fs, &c, st); err != nil {
			return c, err
		}
	}
	blockedDefaults(fs, &c)
	if fs.Changed("seed") {
		c.Seed = seed
	}
	if err := unusedFlag(fs, c); err != nil {
		return c, err
	}
	return c, validate(fs, c)
}

// blockedDefaults gives c, started from a preset, the settings the
// blocked schedule takes unless the flags give them (as model.Config's
// zero fields take them): adagrad for dot, at model.AdaGradLR, and L2
// model.BlockedL2; and AdaGradLR to an --optimizer adagrad given without
// --lr on any schedule.
func blockedDefaults(fs *pflag.FlagSet, c *model.Config) {
	if c.Blocked() && c.Kind == model.DefaultKind && !fs.Changed("optimizer") && c.Optimizer == "adam" {
		c.Optimizer = "adagrad"
	}
	if c.Blocked() && c.Kind == model.DefaultKind && !fs.Changed("l2") {
		c.L2 = model.BlockedL2
	}
	if (fs.Changed("optimizer") || c.Blocked()) && !fs.Changed("lr") && c.Optimizer == "adagrad" {
		c.LR = model.AdaGradLR
	}
}

// validate returns model.Config.Validate's error as bad input; one of a
// setting the kind refuses (a model.SettingError) names its flag and, when
// the user set it, the value given.
func validate(fs *pflag.FlagSet, c model.Config) error {
	err := c.Validate()
	var se *model.SettingError
	if !errors.As(err, &se) {
		return badInput(err)
	}
	st, _ := model.LookupSetting(se.Setting)
	name := flagName(fs, st.Flag)
	if f := fs.Lookup(st.Flag); f != nil && f.Changed {
		name += " " + f.Value.String()
	}
	return badInput(fmt.Errorf("%s: %s", name, se.Msg))
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
		why := c.Unused(setting)
		if why != "" && setting == "threads" && c.Unused("alpha") == "" {
			// ials solves its rows in parallel, on every core: bench
			// --threads times it at given counts.
			why = "ials runs its row solves on every core (GOMAXPROCS), not on a set number of goroutines; bench --kind ials --threads times it at given counts"
		}
		if err == nil && why != "" {
			err = badInput(fmt.Errorf("%s: does not apply: %s", flagName(fs, f.Name), why))
		}
	})
	return err
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
	{"alpha", 0, math.Inf(1), true, false, ""},
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
