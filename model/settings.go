package model

import "slices"

// Which settings each kind of model reads. A setting is named by its JSON
// name in Config ("lr", "init_std", "no_scale"...). A setting a model does
// not read has no effect on it, so a caller that takes settings from a user
// (recnet's flags) can refuse one that was set for nothing.

// kindUse is what one model kind reads.
type kindUse struct {
	reads []string          // settings the kind's training reads
	fixed map[string]string // settings read only as this one value
	why   string            // why the others are not read
}

// epochSettings are read by every model trained in epochs.
var epochSettings = []string{"dim", "epochs", "patience", "no_scale"}

// nnSettings are read by the nets trained by an optimizer in batches.
var nnSettings = append(slices.Clone(epochSettings),
	"activation", "init", "init_std", "l2", "bias_l2", "optimizer", "lr", "beta1", "beta2", "eps", "batch", "task", "negatives")

var kindUses = map[string]kindUse{
	"dot":   {reads: append(slices.Clone(nnSettings), "threads"), why: "dot has no hidden layers"},
	"mlp":   {reads: append(slices.Clone(nnSettings), "layers", "dropout"), why: "mlp trains on one goroutine"},
	"neumf": {reads: append(slices.Clone(nnSettings), "layers", "dropout"), why: "neumf trains on one goroutine"},
	"mf": {
		reads: append(slices.Clone(epochSettings), "init_std", "lr", "l2", "bias_l2", "optimizer", "activation", "init", "task"),
		fixed: map[string]string{"optimizer": "sgd", "activation": string(Linear), "init": "normal", "task": TaskRating},
		why:   "mf trains one rating at a time by its own SGD (normal init, linear output, rating task; no moments, batches, threads or layers)",
	},
	"nmf": {
		reads: append(slices.Clone(epochSettings), "l2", "activation", "task"),
		fixed: map[string]string{"activation": string(Linear), "task": TaskRating},
		why:   "nmf trains by multiplicative updates (no learning rate, optimizer, batches, init, bias penalty, threads or layers; linear output, rating task)",
	},
	"mean": {reads: []string{"no_scale", "task"}, fixed: map[string]string{"task": TaskRating}, why: "mean is fitted in closed form (no training settings; rating task: it ranks every item alike)"},
	"bias": {reads: []string{"no_scale", "task"}, fixed: map[string]string{"task": TaskRating}, why: "bias is fitted in closed form (no training settings; rating task)"},
}

// optimizerReads are the settings each optimizer reads besides lr.
var optimizerReads = map[string][]string{
	"adam":    {"beta1", "beta2", "eps"},
	"adagrad": {"eps"},
	"sgd":     nil,
}

// Unused returns why a model with the settings c (defaults applied) does
// not read the setting named, or "" when it reads it. A setting of an
// unknown name is read.
func (c Config) Unused(setting string) string {
	c = c.WithDefaults()
	use, ok := kindUses[c.Model]
	if !ok {
		return ""
	}
	if !slices.Contains(use.reads, setting) {
		if isKnownSetting(setting) {
			return use.why
		}
		return ""
	}
	if v, ok := use.fixed[setting]; ok && c.stringSetting(setting) != v {
		return use.why
	}
	switch setting {
	case "activation":
		if c.Implicit() {
			return "the implicit task always uses a sigmoid output"
		}
	case "no_scale":
		if c.Implicit() {
			return "the implicit task learns interactions, not rating values"
		}
	case "negatives":
		if !c.Implicit() {
			return "negatives are sampled for the implicit task only"
		}
	case "init_std":
		if c.Init != "normal" {
			return "init " + c.Init + " takes its standard deviation from the table size (init_std is for the normal init)"
		}
	case "beta1", "beta2", "eps":
		if !slices.Contains(optimizerReads[c.Optimizer], setting) {
			return "optimizer " + c.Optimizer + " does not use it (beta1 and beta2 are Adam's; eps is Adam's and AdaGrad's)"
		}
	}
	return ""
}

// isKnownSetting reports whether some kind reads the setting.
func isKnownSetting(s string) bool {
	for _, u := range kindUses {
		if slices.Contains(u.reads, s) {
			return true
		}
	}
	return false
}

// stringSetting returns the value of a string setting of c.
func (c Config) stringSetting(name string) string {
	switch name {
	case "optimizer":
		return c.Optimizer
	case "activation":
		return string(c.Activation)
	case "init":
		return c.Init
	case "task":
		if c.Task == "" {
			return TaskRating
		}
		return c.Task
	}
	return ""
}
