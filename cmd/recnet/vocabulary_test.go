package main

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// contextPrefix matches the documented start of a flag's usage that says
// where the flag applies, such as "--protocol ncf: " (the training flags
// of eval) or "with --data: " (bench's --columns); the flag's meaning is
// what follows it.
var contextPrefix = regexp.MustCompile(`^(--[a-z-]+ [a-z0-9|]+|with --[a-z-]+): `)

// vocabulary says what each flag name means, as a regular expression the
// usage of every flag of that name matches (after contextPrefix), in every
// command. It holds the words of vocabulary.go, each pinned: its meaning
// belongs to it, and the usage of a flag of any other name may not match
// it (except the names in also, for the reason given). It holds as well
// every name that two commands say in different words; a name that every
// command says in the same words has one meaning without an entry.
var vocabulary = []struct {
	name    string
	meaning string
	pinned  bool
	also    map[string]string // other names that may match a pinned meaning: why
}{
	{name: "model", meaning: `^(the )?model file\b`, pinned: true},
	{name: "kind", meaning: `^model kind\b`, pinned: true},
	{name: "kinds", meaning: `^comma-separated model kinds\b`, pinned: true},
	{name: "negatives", meaning: `\bnegatives sampled per positive\b`, pinned: true},
	{name: "candidates", meaning: `\bthe held-out item is ranked against\b`, pinned: true},
	{name: "out", meaning: `\bfile\b.*` + regexp.QuoteMeta(outputRule) + `$`, pinned: true, also: map[string]string{
		"plot": "train's second output, the loss curve beside the model of --out",
		"dir":  "export writes a directory of files, not one file",
	}},

	// The format of a ratings table, whichever way the command moves it
	// (read by train and the others, written by gen), or of the
	// embeddings export writes (csv, or a saved Spark ALS model).
	{name: "format", meaning: `^format of the (ratings table (read|written): .*\bcsv\b.*\bparquet\b|embeddings written: .*\bcsv\b.*\bspark-als\b)`, pinned: true},
	// The address of recnet's server: serve listens on it, load sends to it.
	{name: "addr", meaning: `^the server's address\b`, pinned: true},
	// The optimizer and the goroutines that train: train, tune and eval
	// take one, bench a list of them that it measures in turn.
	{name: "optimizer", meaning: `\badam\b.*\badagrad\b.*\bsgd\b`, pinned: true},
	{name: "threads", meaning: `^goroutines that train\b`, pinned: true},

	{name: "seed", meaning: `^(seed of|generator seed)\b.*` + regexp.QuoteMeta(seedRule) + `$`},
	{name: "data", meaning: `\bratings\b.*\b(file|URL)\b`},
	{name: "dim", meaning: `^embedding size\b`},
	{name: "batch", meaning: `^batch size\b`},
	{name: "json", meaning: `\bone JSON object\b`},
	{name: "quiet", meaning: `^no progress\b`},
	{name: "k", meaning: `^length of (the|each) recommendation list\b`},
	{name: "epochs", meaning: `\bepochs\b`},
	{name: "lr", meaning: `^learning rate\b`},
	{name: "task", meaning: `^rating \(.*\) or implicit \(`},
	{name: "preset", meaning: `\bsettings\b.*\bdefault\b.*\bseed\b`},
	{name: "folds", meaning: `\bfolds?\b|-fold\b`},
	{name: "workers", meaning: `\brun at once\b`},
	{name: "valid-share", meaning: `^share\b.*\bheld out\b.*\bearly stopping\b`},
	{name: "rows", meaning: `\b(rows|ratings)\b`},
	{name: "shape", meaning: `\bml100k, ml1m or ml25m\b`},
	{name: "users", meaning: `^number of users, 1 to\b`},
	{name: "user", meaning: `^raw user id\b`},
}

// flagUse is one command's flag.
type flagUse struct {
	cmd, usage string // usage after contextPrefix
	shorthand  string
}

// flagUses returns every visible flag of every command under root (hidden
// ones are the refused old names of renamedFlags), by name.
func flagUses(root *cobra.Command) map[string][]flagUse {
	uses := map[string][]flagUse{}
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			sub.Flags().VisitAll(func(f *pflag.Flag) {
				if f.Hidden || f.Name == "help" {
					return
				}
				usage := contextPrefix.ReplaceAllString(f.Usage, "")
				uses[f.Name] = append(uses[f.Name], flagUse{sub.CommandPath(), usage, f.Shorthand})
			})
			walk(sub)
		}
	}
	walk(root)
	return uses
}

// vocabularyErrors returns what is wrong with the flags of the commands
// under root: a name with two meanings, a pinned meaning under another
// name, a shorthand of two names, a renamed flag that is not refused.
func vocabularyErrors(root *cobra.Command) []string {
	uses := flagUses(root)
	var errs []string
	bad := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	entries := map[string]bool{}
	for _, v := range vocabulary {
		entries[v.name] = true
		if len(uses[v.name]) == 0 {
			bad("--%s: in the vocabulary but in no command", v.name)
		}
		re := regexp.MustCompile(v.meaning)
		for _, u := range uses[v.name] {
			if !re.MatchString(u.usage) {
				bad("%s --%s: its help %q does not say what --%s means (%s)", u.cmd, v.name, u.usage, v.name, v.meaning)
			}
		}
		if !v.pinned {
			continue
		}
		for name, us := range uses {
			if name == v.name || v.also[name] != "" {
				continue
			}
			for _, u := range us {
				if re.MatchString(u.usage) {
					bad("%s --%s: means what --%s means (%s): %q", u.cmd, name, v.name, v.meaning, u.usage)
				}
			}
		}
	}
	names := make([]string, 0, len(uses))
	for name := range uses {
		names = append(names, name)
	}
	sort.Strings(names)
	short := map[string]string{}
	for _, name := range names {
		us := uses[name]
		for _, u := range us[1:] {
			if u.usage != us[0].usage && !entries[name] {
				bad("--%s: %s and %s say it in different words (%q, %q): make it one text, or give its meaning in the vocabulary",
					name, us[0].cmd, u.cmd, us[0].usage, u.usage)
			}
		}
		for _, u := range us {
			if u.shorthand == "" {
				continue
			}
			if other, ok := short[u.shorthand]; ok && other != name {
				bad("-%s: short for --%s and for --%s", u.shorthand, other, name)
			}
			short[u.shorthand] = name
		}
	}
	return append(errs, renamedErrors(root)...)
}

// renamedErrors checks that each renamed flag is hidden on the commands
// that took it, and that the flag it names instead is there.
func renamedErrors(root *cobra.Command) []string {
	var errs []string
	for _, r := range renamedFlags {
		for _, name := range r.cmds {
			c, _, err := root.Find([]string{name})
			if err != nil || c == root {
				errs = append(errs, fmt.Sprintf("renamedFlags: no command %s", name))
				continue
			}
			if f := c.Flags().Lookup(r.old); f == nil || !f.Hidden {
				errs = append(errs, fmt.Sprintf("%s --%s: not refused as a renamed flag", name, r.old))
			}
			if f := c.Flags().Lookup(r.new); f == nil || f.Hidden {
				errs = append(errs, fmt.Sprintf("%s --%s: the flag --%s is renamed to is not there", name, r.new, r.old))
			}
		}
	}
	return errs
}

// TestVocabulary walks every command's flags and fails when a flag name
// has two meanings across commands (see vocabulary).
func TestVocabulary(t *testing.T) {
	for _, e := range vocabularyErrors(rootCmd()) {
		t.Error(e)
	}
	uses := flagUses(rootCmd())
	for _, name := range []string{"model", "kind", "kinds", "negatives", "candidates", "out"} {
		if len(uses[name]) == 0 {
			t.Errorf("--%s: no command has it", name)
		}
	}
}

// TestVocabularyFails checks that the test above fails on the flags the
// vocabulary replaced: train's and tune's --model naming a kind, cv's
// --models, eval's --negatives counting the ranked items and its
// --train-negatives, and an output flag not called --out.
func TestVocabularyFails(t *testing.T) {
	tests := []struct {
		flag, usage string // flag is "command --name"
		want        string // in one of the errors
	}{
		{"train --model", "model kind: dot (RecommenderNet), mlp (embeddings through hidden layers)", "train --model: its help"},
		{"tune --model", "model kind to tune: dot, mlp, neumf, mf or nmf", "tune --model: means what --kind means"},
		{"cv --models", "comma-separated model kinds to evaluate, each once", "cv --models: means what --kinds means"},
		{"eval --negatives", "--protocol ncf: items sampled per user to rank the held-out item against, 1 to 10000", "eval --negatives: its help"},
		{"eval --ranked", "items sampled per user that the held-out item is ranked against", "eval --ranked: means what --candidates means"},
		{"eval --train-negatives", "--protocol ncf: implicit task: negatives sampled per positive each epoch, 1 to 1000", "eval --train-negatives: means what --negatives means"},
		{"gen --output", "output file" + outputRule, "gen --output: means what --out means"},
		{"cv --json", "print a table", "cv --json: its help"},
		{"cv --relevant", "a rating at least this is relevant", `say it in different words ("a rating at least this is relevant"`},
		{"cv --shape", "table shape", "cv --shape: its help"},
		{"gen --format", "csv, parquet or sqlite (default: from the --out extension, else csv)", "gen --format: its help"},
		{"load --addr", "server address (loopback only)", "load --addr: its help"},
		{"bench --threads", "thread counts to measure, comma-separated, each 1 to 256", "bench --threads: its help"},
		{"serve --listen", "the server's address, host:port, that it listens on", "serve --listen: means what --addr means"},
	}
	for _, tt := range tests {
		root := rootCmd()
		cmd, name, _ := strings.Cut(tt.flag, " --")
		c, _, err := root.Find([]string{cmd})
		if err != nil {
			t.Fatal(err)
		}
		if f := c.Flags().Lookup(name); f != nil {
			f.Usage, f.Hidden = tt.usage, false // as the flag was before it was renamed
		} else {
			c.Flags().String(name, "", tt.usage)
		}
		errs := vocabularyErrors(root)
		if !slices.ContainsFunc(errs, func(e string) bool { return strings.Contains(e, tt.want) }) {
			t.Errorf("%s %q: no error says %q; errors: %q", tt.flag, tt.usage, tt.want, errs)
		}
	}
}

// TestRenamedRefused checks that a flag name the vocabulary gave another
// meaning is refused with exit 2, naming the flag to use instead, before
// any work.
func TestRenamedRefused(t *testing.T) {
	touchSources()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"train", "--model", "mlp"}, "train: --model names a saved model file; choose a kind with --kind mlp"},
		{[]string{"train", "--model", "m.recnet", "--dim", "8"}, "choose a kind with --kind K"},
		{[]string{"tune", "--model", "dot", "--trials", "1"}, "tune: --model names a saved model file; choose a kind with --kind dot"},
		{[]string{"cv", "--models", "dot,bias"}, "cv: --models is renamed; name the kinds with --kinds dot,bias"},
		{[]string{"cv", "--models", ""}, "--kinds K1,K2"},
		{[]string{"eval", "--protocol", "ncf", "--train-negatives", "4"}, "eval: --train-negatives is renamed"},
		{[]string{"eval", "--train-negatives", "4"}, "give --negatives 4"},
		// With the new flag given too, no other value is suggested.
		{[]string{"train", "--model", "dot", "--kind", "mlp"}, "train: --model names a saved model file; --kind chooses the kind"},
		{[]string{"cv", "--models", "dot", "--kinds", "bias"}, "cv: --models is renamed --kinds, which is given"},
		{[]string{"eval", "--train-negatives", "3", "--negatives", "2"}, "eval: --train-negatives is renamed --negatives"},
	}
	for _, tt := range tests {
		stdout, stderr, code := run(t, tt.args...)
		if code != 2 || !strings.Contains(stderr, tt.want) || stdout != "" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit 2 saying %q and nothing done", tt.args, code, stdout, stderr, tt.want)
		}
	}
	// The old names stay out of --help.
	for _, cmd := range []string{"train", "tune", "cv", "eval"} {
		stdout, _, _ := run(t, cmd, "--help")
		for _, old := range []string{"--models", "--train-negatives"} {
			if strings.Contains(stdout, old) {
				t.Errorf("%s --help shows %s", cmd, old)
			}
		}
		if cmd != "eval" && strings.Contains(stdout, "--model ") {
			t.Errorf("%s --help shows --model", cmd)
		}
	}
}
