package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/recnet/recnet/model"
	"github.com/spf13/cobra"
)

// The flags' vocabulary: one name, one meaning, in every command.
//
//	--model FILE      a saved model file the command reads
//	--kind K          the kind of the model the command builds (--kinds K1,K2 in cv)
//	--negatives N     negatives sampled per positive while training
//	--candidates N    sampled items a held-out item is ranked against (eval --protocol ncf)
//	--out FILE        the file the command writes
//	--format F        the format of the ratings table the command reads or
//	                  writes; export's: of the embeddings it writes
//
// vocabulary_test.go holds every flag name to one meaning across the
// commands. A name that meant something else before is refused where it was
// taken (renamedFlags).

// renamedFlag is a flag name some commands took before the vocabulary was
// made one, which now means something else or nothing there. Each of those
// commands keeps it as a hidden flag whose use is refused (exit 2), naming
// the flag to use instead.
type renamedFlag struct {
	cmds []string // the commands that took it
	old  string   // its name
	says string   // why it is refused, between the old flag and the new one
	new  string   // the flag to use instead
	// like is the new flag's value shown when the one given is not one
	// that fits tells.
	like string
	fits func(string) bool
	// given is why it is refused when the new flag is given too, whose
	// value then stands: the hint suggests no other.
	given string
}

// renamedFlags are the flag names of older releases that the vocabulary
// gave another meaning or took away.
var renamedFlags = []renamedFlag{
	{[]string{"train", "tune"}, "model", "names a saved model file; choose a kind with", "kind", "K", isKind,
		"names a saved model file; --kind chooses the kind"},
	{[]string{"cv"}, "models", "is renamed; name the kinds with", "kinds", "K1,K2", func(v string) bool {
		return !slices.ContainsFunc(strings.Split(v, ","), func(k string) bool { return !isKind(k) })
	}, "is renamed --kinds, which is given"},
	{[]string{"eval"}, "train-negatives", "is renamed (the negatives per positive while training; the items a held-out item is ranked against are --candidates); give", "negatives", "N", func(v string) bool {
		_, err := strconv.ParseUint(v, 10, 16)
		return err == nil
	}, "is renamed --negatives (the negatives per positive while training), which is given"},
}

// isKind reports whether v names a model kind.
func isKind(v string) bool { return slices.Contains(model.Kinds(), v) }

// addRenamed registers the renamed flags, hidden, on the commands under
// root that took them.
func addRenamed(root *cobra.Command) {
	for _, c := range root.Commands() {
		for _, r := range renamedFlags {
			if slices.Contains(r.cmds, c.Name()) {
				c.Flags().String(r.old, "", fmt.Sprintf("refused: %s --%s", r.says, r.new))
				c.Flags().MarkHidden(r.old)
			}
		}
	}
}

// refuseRenamed refuses a renamed flag the user set on cmd, as bad input
// naming the flag and the one to use instead (or, when that one is given
// too, saying what each means).
func refuseRenamed(cmd *cobra.Command) error {
	for _, r := range renamedFlags {
		f := cmd.Flags().Lookup(r.old)
		if f == nil || !f.Changed || !slices.Contains(r.cmds, cmd.Name()) {
			continue
		}
		if cmd.Flags().Changed(r.new) {
			return badInput(fmt.Errorf("%s: --%s %s", cmd.Name(), r.old, r.given))
		}
		v := f.Value.String()
		if !r.fits(v) {
			v = r.like
		}
		return badInput(fmt.Errorf("%s: --%s %s --%s %s", cmd.Name(), r.old, r.says, r.new, v))
	}
	return nil
}
