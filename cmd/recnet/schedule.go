package main

import (
	"fmt"
	"strings"

	"github.com/recnet/recnet/model"
	"github.com/spf13/pflag"
)

// autoScheduleFlags are the flags that keep train on the schedule the
// settings say: given any of them, train does not pick the blocked
// schedule by itself (their values mean other things there, or it cannot
// honour them).
var autoScheduleFlags = []string{"schedule", "preset", "optimizer", "lr", "l2", "bias-l2", "batch", "activation", "beta1", "beta2", "eps", "svdpp", "item-features", "pretrained"}

// autoScheduleHelp is what --schedule's help adds on train.
var autoScheduleHelp = fmt.Sprintf("; train takes blocked by itself (and says so) for a kind that reads it (dot, mf) on the rating task when the training part holds at least %g million ratings and none of --%s is given",
	float64(model.AutoBlockedRows)/1e6, strings.Join(autoScheduleFlags, ", --"))

// autoSchedule switches cfg to the blocked schedule with its defaults
// (blockedDefaults) when train may
// pick it (see autoScheduleHelp) for a training part of rows ratings, and
// returns the line that says so; otherwise it leaves cfg and returns "".
func autoSchedule(fs *pflag.FlagSet, cfg *model.Config, rows int) string {
	for _, name := range autoScheduleFlags { // --schedule among them
		if fs.Changed(name) {
			return ""
		}
	}
	if k, ok := model.Lookup(cfg.Kind); !ok || !k.ReadsSetting("schedule") || cfg.Implicit() || rows < model.AutoBlockedRows {
		return ""
	}
	cfg.Schedule = model.ScheduleBlocked
	blockedDefaults(fs, cfg) // none of their flags is given
	return fmt.Sprintf("schedule blocked: %d training ratings, at least %d (--schedule shuffled keeps the mini-batches)\n", rows, model.AutoBlockedRows)
}
