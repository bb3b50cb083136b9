package main

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// flagHelp returns the help line of the flag --name in the --help of the
// command args.
func flagHelp(t *testing.T, name string, args ...string) string {
	t.Helper()
	stdout, stderr, code := run(t, append(args, "--help")...)
	if code != 0 {
		t.Fatalf("%v --help: exit %d: %s", args, code, stderr)
	}
	m := regexp.MustCompile(`(?m)^\s+(-\w, )?--` + regexp.QuoteMeta(name) + `\b.*$`).FindString(stdout)
	if m == "" {
		t.Fatalf("%v --help has no --%s:\n%s", args, name, stdout)
	}
	return m
}

// TestSettingHelpFromKinds checks that the help of a setting's flag says
// what the kinds' declarations say of it: the kinds whose default differs
// from the flag's, the kinds that read it where some kind trained in
// epochs does not, the one value a kind takes, and which kinds each
// optimizer trains; and that tune's and cv's help name the kinds from
// their declarations.
func TestSettingHelpFromKinds(t *testing.T) {
	cases := []struct {
		cmd  []string
		flag string
		want []string
	}{
		{[]string{"train"}, "dim", []string{"; autorec 500, ials 128, mlp 32, neumf 32, nmf 100; with --task implicit: dot 128 (default 64)"}},
		{[]string{"train"}, "epochs", []string{"; autorec 300, ials 15, mf 200, nmf 200; with --task implicit: dot 30 (default 50)"}},
		{[]string{"train"}, "patience", []string{"; autorec 10, mf 20, nmf 10; with --task implicit: dot 5 (read by: autorec, dot, mf, mlp, neumf, nmf) (default 3)"}},
		{[]string{"train"}, "layers", []string{"(read by: mlp, neumf)"}},
		{[]string{"train"}, "dropout", []string{"(read by: mlp, neumf)"}},
		{[]string{"train"}, "threads", []string{"(read by: dot, mf)"}},
		{[]string{"train"}, "schedule", []string{"(read by: dot, mf)"}},
		{[]string{"train"}, "activation", []string{"(mf, nmf: linear only)"}},
		{[]string{"train"}, "optimizer", []string{"adam trains autorec, dot, mlp, neumf; adagrad dot; sgd dot, mf, mlp, neumf"}},
		{[]string{"train"}, "preset", []string{"starting settings of dot", "refused with another --kind, which starts from its own defaults"}},
		{[]string{"eval"}, "dim", []string{"--protocol ncf|loo: embedding size", "; autorec 500, ials 128, mlp 32, neumf 32, nmf 100; with --task implicit: dot 128 (default 64)"}},
		{[]string{"eval"}, "layers", []string{"(read by: mlp, neumf)"}},
		{[]string{"tune"}, "task", []string{"implicit (dot, ease, ials, mlp, neumf: trained on interactions, scored by"}},
		{[]string{"tune"}, "negatives", []string{"negatives sampled per positive", "(read by: dot, mlp, neumf) (default 4)"}},
		{[]string{"bench"}, "data", []string{"sqlite:///", "the --shape table"}},
	}
	for _, c := range cases {
		line := flagHelp(t, c.flag, c.cmd...)
		for _, w := range c.want {
			if !strings.Contains(line, w) {
				t.Errorf("%v --%s: help %q does not say %q", c.cmd, c.flag, line, w)
			}
		}
	}
	// tune's --negatives says what train's says.
	help := func(cmd string) string {
		line := flagHelp(t, "negatives", cmd)
		return line[strings.Index(line, "--negatives int")+len("--negatives int"):]
	}
	if strings.TrimSpace(help("tune")) != strings.TrimSpace(help("train")) {
		t.Errorf("tune --negatives %q, train's %q", help("tune"), help("train"))
	}
	if _, stderr, code := run(t, "cv", "--kinds", "dot,ease"); code != 2 || !strings.Contains(stderr, "ease learns only the implicit task") {
		t.Errorf("cv --kinds dot,ease: exit %d, %s", code, stderr)
	}
	stdout, _, _ := run(t, "cv", "--help")
	for _, w := range []string{"Models that stop early (autorec, dot, mf, mlp, neumf, nmf)", "others (bias, mean)"} {
		if !strings.Contains(stdout, w) {
			t.Errorf("cv --help does not say %q:\n%s", w, stdout)
		}
	}
}

// TestConfigErrorsAreBadInput checks that every error of
// configFlags.config is bad input (exit 2) by itself, a refusal of the
// model.Config it builds (once model.Config.Validate's, returned as it
// was) included, whoever calls it.
func TestConfigErrorsAreBadInput(t *testing.T) {
	for _, args := range [][]string{
		{"--kind", "mlp", "--optimizer", "adagrad"},
		{"--kind", "mf", "--preset", "default"},
		{"--preset", "nope"},
		{"--kind", "nmf", "--lr", "0.1"},
		{"--dim", "0"},
	} {
		var f configFlags
		fs := pflag.NewFlagSet("train", pflag.ContinueOnError)
		f.register(fs)
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		_, err := f.config(fs, 42)
		var in inputError
		if !errors.As(err, &in) {
			t.Errorf("%v: error %v (%T) is not bad input", args, err, err)
		}
	}
}
