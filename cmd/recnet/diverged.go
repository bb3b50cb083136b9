package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/recnet/recnet/model"
	"github.com/recnet/recnet/report"
	"github.com/recnet/recnet/train"
	"github.com/spf13/pflag"
)

// interrupted is the one sentence of a command stopped by SIGINT or
// SIGTERM (the libraries' errors wrap context.Canceled).
const interrupted = "interrupted: nothing saved"

// The flags whose values most often make the weights blow up, in the
// order a hint names them.
var divergeFlags = []string{"lr", "init-std", "batch", "eps", "beta1", "beta2", "l2", "bias-l2", "scale", "dim"}

// divergedHint adds to a *train.DivergedError (whose text names the
// epoch) what to change: a lower --lr when the kind reads one, and the
// flags of divergeFlags the user set, with their values, or else, for the
// normal init, a smaller --init-std. A diverged run is a failure while
// running (exit 1), and so is an interruption ("interrupted: nothing
// saved"). A configuration too large to train (train.ErrTooLarge), a
// blend without a validation part (train.ErrNoValidation) and a table
// the task cannot learn from (tableErr) are bad input (exit 2).
// Other errors pass unchanged;
// fs may be nil (bench, whose flags are lists). saves says whether the
// command would have written a file (train, tune), which the message then
// says it did not.
func divergedHint(err error, fs *pflag.FlagSet, c model.Config, saves bool) error {
	var de *train.DivergedError
	switch {
	case errors.Is(err, context.Canceled):
		return errors.New("train: " + interrupted)
	case errors.Is(err, train.ErrTooLarge):
		return badInput(err)
	case errors.Is(err, train.ErrNoValidation):
		return badInput(fmt.Errorf("%w (give --split a validation fraction, --valid, or --valid-share above 0)", err))
	case errors.Is(err, train.ErrConstant), errors.Is(err, train.ErrNoRatings):
		return tableErr(err)
	case !errors.As(err, &de):
		return err
	}
	return fmt.Errorf("%w%s; %s", err, nothingSaved(saves), tryHint(fs, c))
}

// tryHint suggests the settings to change after a failed run: for a kind
// that reads --alpha (ials, no learning rate) a smaller --alpha or a
// larger --l2; otherwise a lower --lr when c's kind reads one, then the
// settings the user set among divergeFlags, or else the init spread of c
// that its kind reads.
func tryHint(fs *pflag.FlagSet, c model.Config) string {
	if c.Unused("alpha") == "" {
		// ials: no learning rate; the confidence weights and the l2
		// decide whether its solves blow up.
		d := c.WithDefaults()
		return fmt.Sprintf("try a smaller --alpha (now %g) or a larger --l2 (now %g)", d.Alpha, d.L2)
	}
	var try, set []string
	if c.Unused("lr") == "" {
		try = append(try, fmt.Sprintf("a lower --lr (now %g)", c.LR))
	}
	for _, name := range divergeFlags {
		if fs == nil {
			break
		}
		if f := fs.Lookup(name); f != nil && fs.Changed(name) && name != "lr" {
			set = append(set, fmt.Sprintf("%s %s", flagName(fs, name), f.Value))
		}
	}
	if len(set) > 0 {
		return "try " + strings.Join(append(try, "other values of the settings given: "+strings.Join(set, ", ")), " or ")
	}
	if c.Unused("init_std") == "" {
		try = append(try, fmt.Sprintf("a smaller --init-std (now %g)", c.InitStd))
	}
	if len(try) == 0 {
		try = append(try, fmt.Sprintf("a smaller --dim (now %d)", c.Dim))
	}
	return "try " + strings.Join(try, " or ")
}

// neverImproved returns the error of a run whose epochs never beat the
// initial weights (report.NeverImproved; the report says so in full): the
// model is the untrained one and is not saved (exit 1); saves as for
// divergedHint. nil for any other run.
func neverImproved(m *model.Model, fs *pflag.FlagSet, saves bool) error {
	if !report.NeverImproved(m) {
		return nil
	}
	return fmt.Errorf("train: no epoch of %d improved on the initial weights: the model learned nothing%s; %s",
		len(m.History), nothingSaved(saves), tryHint(fs, m.Config))
}

// nothingSaved returns " and nothing was saved" for a command that saves
// (saves), to end the sentence of a failed run; "" for one that never does.
func nothingSaved(saves bool) string {
	if saves {
		return " and nothing was saved"
	}
	return ""
}
