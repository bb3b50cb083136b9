package model

import (
	"fmt"
	"slices"
)

// Which settings each kind of model reads. A setting is named by its JSON
// name in Config ("lr", "init_std", "no_scale"...). A setting a model does
// not read has no effect on it, so a caller that takes settings from a user
// (recnet's flags) can refuse one that was set for nothing.

// EpochSettings returns the settings every model trained in epochs reads.
func EpochSettings() []string { return []string{"dim", "epochs", "patience", "no_scale"} }

// netSettings returns the settings read by a net trained by an optimizer
// in batches (dot, mlp, neumf).
func netSettings() []string {
	return append(EpochSettings(),
		"activation", "init", "init_std", "l2", "bias_l2", "optimizer", "lr", "beta1", "beta2", "eps", "batch", "task", "negatives")
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
	k, ok := kinds[c.Kind]
	if !ok {
		return ""
	}
	if !k.ReadsSetting(setting) {
		if isKnownSetting(setting) {
			return k.Why
		}
		return ""
	}
	if v, ok := k.Fixed[setting]; ok && c.settingText(setting) != v {
		return k.Why
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
	case "svdpp":
		if c.Implicit() {
			return "svdpp is for the rating task (on the implicit task the rated items are the positives)"
		}
	case "negatives":
		if !c.Implicit() {
			return "negatives are sampled for the implicit task only"
		}
	case "init_std":
		if c.Init != "normal" {
			return "init " + c.Init + " takes its standard deviation from the table size (init_std is for the normal init)"
		}
	case "batch":
		if c.Blocked() {
			return "the blocked schedule updates one rating at a time (no batches)"
		}
	case "threads":
		if c.Kind == mfKind && !c.Blocked() {
			return "mf trains on one goroutine unless the schedule is blocked"
		}
	case "beta1", "beta2", "eps":
		if setting == "eps" && c.Blocked() && c.Optimizer == "adagrad" {
			return "the blocked schedule's AdaGrad starts each accumulator at 1, as LIBMF's (no eps)"
		}
		if !slices.Contains(optimizerReads[c.Optimizer], setting) {
			return "optimizer " + c.Optimizer + " does not use it (beta1 and beta2 are Adam's; eps is Adam's and AdaGrad's)"
		}
	}
	return ""
}

// isKnownSetting reports whether s is a setting of SettingList that a
// kind may leave unread: every one but the seed, which also seeds the
// splits and so is read by every program that takes it.
func isKnownSetting(s string) bool {
	st, ok := LookupSetting(s)
	return ok && st.Name != "seed"
}

// settingText returns the value of the setting (a JSON name) in c as
// text, the task "" as TaskRating.
func (c Config) settingText(name string) string {
	if name == "task" && c.Task == "" {
		return TaskRating
	}
	if st, ok := LookupSetting(name); ok {
		return st.Get(c)
	}
	return ""
}

// describeNet describes the settings of a net trained by an optimizer in
// batches (dot, mlp, neumf): dim, hidden layers and dropout when its kind
// reads them, output, L2, optimizer, batch, epochs and the task.
func describeNet(c Config) string {
	net := ""
	if k, ok := kinds[c.Kind]; ok && k.ReadsSetting("layers") {
		net = fmt.Sprintf(", layers %s", c.Layers)
		if c.Dropout > 0 {
			net += fmt.Sprintf(", dropout %g", c.Dropout)
		}
	}
	task := ""
	if c.Implicit() {
		task = fmt.Sprintf(", implicit task with %d negatives per positive", c.Negatives)
	}
	l2, _ := c.PositiveL2()
	batch := fmt.Sprintf("batch %d", c.Batch)
	if c.Blocked() {
		batch = "blocked schedule"
	}
	return fmt.Sprintf("dim %d%s%s, %s output, L2 %g, %s lr %g, %s, %s%s",
		c.Dim, net, svdppSays(c), c.Activation, l2, c.Optimizer, c.LR, batch, upToEpochs(c.Epochs), task)
}

// upToEpochs says "up to n epochs", with n = 1 as one epoch.
func upToEpochs(n int) string {
	if n == 1 {
		return "up to 1 epoch"
	}
	return fmt.Sprintf("up to %d epochs", n)
}
