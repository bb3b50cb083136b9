package main

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/internal/quote"
	"github.com/recnet/recnet/model"
	"github.com/recnet/recnet/report"
	"github.com/spf13/pflag"
)

// The checks of flags the user set. model.Config and the other settings
// treat zero as "the default" for library callers; on the command line a
// flag the user typed is used as given or refused (exit 2) with a message
// naming it, so these checks run only on the flags fs.Changed reports.

// flagName returns how a user types the flag: -k for a one-letter name,
// --name otherwise.
func flagName(fs *pflag.FlagSet, name string) string {
	if f := fs.Lookup(name); f != nil {
		name = f.Name
	}
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// intIn refuses an int flag the user set outside lo..hi.
func intIn(fs *pflag.FlagSet, name string, v, lo, hi int) error {
	if fs.Changed(name) && (v < lo || v > hi) {
		return badInput(fmt.Errorf("%s %d: must be %d to %d", flagName(fs, name), v, lo, hi))
	}
	return nil
}

// intInOrZero refuses an int flag the user set that is neither 0 (which
// means zero, e.g. "score on the validation part") nor in lo..hi.
func intInOrZero(fs *pflag.FlagSet, name string, v, lo, hi int, zero string) error {
	if fs.Changed(name) && v != 0 && (v < lo || v > hi) {
		return badInput(fmt.Errorf("%s %d: must be %d to %d, or 0 (%s)", flagName(fs, name), v, lo, hi, zero))
	}
	return nil
}

// positive refuses a float flag the user set that is not positive and
// finite.
func positive(fs *pflag.FlagSet, name string, v float64) error {
	if fs.Changed(name) && !(v > 0 && model.Finite(v)) {
		return badInput(fmt.Errorf("%s %g: must be above 0 and finite", flagName(fs, name), v))
	}
	return nil
}

// fraction refuses a float flag the user set outside [0,1), or outside
// (0,1) when zero is not allowed (why says what needs it above 0).
func fraction(fs *pflag.FlagSet, name string, v float64, zeroOK bool, why string) error {
	if !fs.Changed(name) || (v > 0 || (zeroOK && v == 0)) && v < 1 {
		return nil
	}
	if zeroOK {
		return badInput(fmt.Errorf("%s %g: must be at least 0 and below 1", flagName(fs, name), v))
	}
	return badInput(fmt.Errorf("%s %g: must be above 0 and below 1 (%s)", flagName(fs, name), v, why))
}

// validShareUsage is the --help of --valid-share of train, tune and cv.
const validShareUsage = "share of the training rows held out (drawn from --seed) as a validation part for early stopping, below 1"

// checkValidShare checks --valid-share. train takes 0 for no validation part;
// tune and cv need one (tune scores its trials on it, cv stops each
// fold's training early on it), so they refuse 0.
func checkValidShare(fs *pflag.FlagSet, v float64, zeroOK bool) error {
	return fraction(fs, "valid-share", v, zeroOK, "a validation part is needed to stop early and to score")
}

// finiteFlag refuses a float flag the user set to NaN or an infinity.
func finiteFlag(fs *pflag.FlagSet, name string, v float64) error {
	if fs.Changed(name) && !model.Finite(v) {
		return badInput(fmt.Errorf("%s %g: must be a finite number", flagName(fs, name), v))
	}
	return nil
}

// durationIn refuses a duration flag the user set outside lo..hi.
func durationIn(fs *pflag.FlagSet, name string, d, lo, hi time.Duration) error {
	if fs.Changed(name) && (d < lo || d > hi) {
		return badInput(fmt.Errorf("%s %s: must be %s to %s", flagName(fs, name), d, lo, hi))
	}
	return nil
}

// oneOf refuses, naming the flag, a value that is none of known.
func oneOf[T ~string](flag, v string, known ...T) error {
	if slices.Contains(known, T(v)) {
		return nil
	}
	names := make([]string, len(known))
	for k, n := range known {
		names[k] = string(n)
	}
	return badInput(fmt.Errorf("%s %s: unknown; known: %s", flag, quote.Short(v), strings.Join(names, ", ")))
}

// nonEmpty refuses a string flag the user set to "".
func nonEmpty(fs *pflag.FlagSet, name, v string) error {
	if fs.Changed(name) && v == "" {
		return badInput(fmt.Errorf("%s: must not be empty", flagName(fs, name)))
	}
	return nil
}

// noEmptyStrings refuses any string flag the user set to "": every one of
// them names something (a file, a kind, a list), and an empty one would
// otherwise mean its default or nothing at all.
func noEmptyStrings(fs *pflag.FlagSet) error {
	var err error
	fs.Visit(func(f *pflag.Flag) {
		if err == nil && f.Value.Type() == "string" && f.Value.String() == "" {
			err = nonEmpty(fs, f.Name, "")
		}
	})
	return err
}

// check refuses a --split that the explicit --train/--test files would
// leave unused, a --data or --valid of the other mode, --seed 0, and an
// unknown --format (every command that reads the data flags checks the
// format here).
func (f *dataFlags) check(fs *pflag.FlagSet) error {
	if fs.Changed("split") && (f.train != "" || f.test != "") {
		return badInput(errors.New("--split: does not apply with --train and --test, which give the parts"))
	}
	if err := seedSet(fs, f.seed); err != nil {
		return err
	}
	if fs.Changed("data") && (f.train != "" || f.test != "") {
		return badInput(errors.New("--data: does not apply with --train and --test, which give the data"))
	}
	if fs.Changed("valid") && f.train == "" && f.test == "" {
		return badInput(errors.New("--valid: applies with --train and --test only; --split gives the validation part of --data"))
	}
	if f.train == "" && f.test == "" {
		return f.sourceFlags.check(fs)
	}
	if _, err := parseFormat(f.format); err != nil {
		return err
	}
	return f.checkInputsDistinct()
}

// check refuses an unknown --format, and one the user set when --data is
// the built-in table, which is not read from a file.
func (f *sourceFlags) check(fs *pflag.FlagSet) error {
	if _, err := parseFormat(f.format); err != nil {
		return err
	}
	if fs.Changed("format") && f.data == "builtin" {
		return badInput(errors.New("--format: applies to a table read from --data (or --train/--test), not to the built-in one"))
	}
	return nil
}

// noValidation checks --patience against the validation part the data
// flags and --valid-share (of --train/--test without --valid) leave: with
// none, early stopping cannot work, so a --patience the user set is
// refused and the default one gets a note (returned) that early stopping
// is off. A negative patience never stops early and needs no part; a kind
// fitted in closed form (c's) has no epochs to stop.
func noValidation(fs *pflag.FlagSet, f *dataFlags, validShare float64, c model.Config) (string, error) {
	none := f.train != "" && f.valid == "" && validShare == 0
	if f.train == "" && f.test == "" {
		_, fr, err := parseSplit(f.split)
		none = err == nil && fr != (dataset.Fractions{}) && fr.Valid == 0
	}
	patience := c.Patience
	switch k, ok := model.Lookup(c.Kind); {
	case !none || patience < 0 || !ok || !k.Trained():
		return "", nil
	case fs.Changed("patience"):
		return "", badInput(fmt.Errorf("--patience %d: there is no validation part to stop early on (give --split a validation fraction, --valid, or --valid-share above 0; or --patience -1)", patience))
	}
	return "early stopping is off: there is no validation part; every epoch runs\n", nil
}

// validShareApplies refuses a --valid-share the user set out of its range
// (checkValidShare, 0 allowed when zeroOK) or that has no effect. It
// applies with --train/--test and no --valid (a part carved from the
// training file), and also where the command says (also true, described
// by where, e.g. tune's "with --folds (of each training fold)"); with
// --split or --valid the validation part is given.
func validShareApplies(fs *pflag.FlagSet, f *dataFlags, v float64, zeroOK, also bool, where string) error {
	if err := checkValidShare(fs, v, zeroOK); err != nil {
		return err
	}
	if fs.Changed("valid-share") && !also && (f.train == "" || f.valid != "") {
		if where != "" {
			where += " or "
		}
		return badInput(fmt.Errorf("--valid-share: applies %swith --train/--test and no --valid; with --split or --valid the validation part is given", where))
	}
	return nil
}

// kindTask refuses a --task (flag names it) that the model kind does not
// train: another than the one task the kind takes (model.Kind.Fixed), or
// one model.Config.Unused says it does not read, before any data is read.
func kindTask(flag, kind, task string) error {
	if k, ok := model.Lookup(kind); ok && task != "" && k.Fixed["task"] != "" && k.Fixed["task"] != task {
		return badInput(fmt.Errorf("%s %s: %s learns the %s task only", flag, quote.Short(task), quote.Short(kind), k.Fixed["task"]))
	}
	if task == "" || task == model.TaskRating {
		return nil
	}
	if why := (model.Config{Kind: kind, Training: model.Training{Task: task}}).Unused("task"); why != "" {
		return badInput(fmt.Errorf("--task %s: %s does not train it: %s", quote.Short(task), quote.Short(kind), why))
	}
	return nil
}

// dataLines returns the lines that say what the data flags read: the table
// and its rows, or with --train/--test each file with its rows; then the
// users and items and the parts of split (with the seed of a split of
// --data); then, for a text table, which column gave each role
// (columnsLine). s is the split as loaded (before a validation part is
// carved from it), rows the rows of the table. Whole tables (cv, eval
// --protocol ncf) are said by tableLines.
func (f *dataFlags) dataLines(s *dataset.Split, rows int, split *dataset.Split) string {
	what := fmt.Sprintf("data %s: %d rows", s.Name, rows)
	if f.train != "" {
		what = fmt.Sprintf("data: train %s: %d rows", f.train, s.Train.Len())
		if f.valid != "" {
			what += fmt.Sprintf("; valid %s: %d rows", f.valid, s.Valid.Len())
		}
		what += fmt.Sprintf("; test %s: %d rows;", f.test, s.Test.Len())
	} else {
		what += ","
	}
	return fmt.Sprintf("%s %d users, %d items; split %d/%d/%d%s\n", what, s.Users.Len(), s.Items.Len(),
		split.Train.Len(), split.Valid.Len(), split.Test.Len(), splitHow(f.splitUsed(s))) + columnsLine(s.Layout)
}

// splitHow says in a parenthesis how a table was split (u): at random
// with its shares and seed, or by time with its shares and the times the
// validation and test parts start at; nothing for given files.
func splitHow(u *report.SplitUsed) string {
	if u.Kind == report.SplitItems {
		return fmt.Sprintf(" (items %g, seed %d: %d items held out, every rating of them tests)", u.ItemShare, u.Seed, u.HeldItems)
	}
	if u.Shares == nil {
		return ""
	}
	shares := fmt.Sprintf("%g,%g,%g", u.Shares.Train, u.Shares.Valid, u.Shares.Test)
	if u.Kind != report.SplitTime {
		return fmt.Sprintf(" (%s %s, seed %d)", u.Kind, shares, u.Seed)
	}
	how := " (by time " + shares + ": the latest rows test"
	for _, p := range []struct{ part, from string }{{"validation", u.ValidFrom}, {"test", u.TestFrom}} {
		if p.from != "" {
			how += fmt.Sprintf("; %s from %s", p.part, p.from)
		}
	}
	return how + ")"
}

// tableLines returns the lines that say what was read of the whole table
// d, which cv and eval --protocol ncf split themselves: its size, then
// more (how it is split), then columnsLine.
func tableLines(d *dataset.Dataset, more string) string {
	return fmt.Sprintf("data %s: %s%s\n", d.Name, d, more) + columnsLine(d.Layout)
}

// columnsLine says which column of a text table gave each role (a
// dataset.Layout), or nothing for other tables.
func columnsLine(layout string) string {
	if layout == "" {
		return ""
	}
	return "columns " + layout + "\n"
}

// seedRule ends the --help of every --seed flag.
const seedRule = ", at least 1 (0 is refused: a seed of 0 means the default, 42)"

// seedSet refuses a --seed 0 the user set: a model's seed 0 means the
// default, 42.
func seedSet(fs *pflag.FlagSet, seed uint64) error {
	if fs.Changed("seed") && seed == 0 {
		return badInput(errors.New("--seed 0: must be at least 1 (a seed of 0 means the default, 42)"))
	}
	return nil
}

// durationPositive refuses a duration flag the user set that is not above
// zero.
func durationPositive(fs *pflag.FlagSet, name string, d time.Duration) error {
	if fs.Changed(name) && d <= 0 {
		return badInput(fmt.Errorf("%s %s: must be above 0", flagName(fs, name), d))
	}
	return nil
}

// plural returns n and the noun one, in the plural unless n is 1: "1
// epoch", "2 epochs".
func plural(n int, one string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %ss", n, one)
}

// firstErr returns the first non-nil error.
func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// Bounds of the flags that are not model settings (those are model.Max*).
const (
	maxWorkers    = 256         // tune and cv jobs at once
	maxTrials     = 10000       // tune --trials
	maxFolds      = 100         // cv and tune --folds
	maxK          = 1000        // -k: items a list
	maxCandidates = 10000       // eval --candidates (NCF protocol)
	maxGenRows    = 100_000_000 // gen and bench --rows
	maxRepeat     = 100         // bench --repeat
	maxRequests   = 10_000_000  // load --requests
	maxClients    = 1024        // load --clients
)
