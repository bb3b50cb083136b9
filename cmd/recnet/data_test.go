package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// gridTable writes a table of 300 users and 40 courses whose columns come
// in the order of header.
func gridTable(t *testing.T, dir, name, header string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(header + "\n")
	cols := strings.Split(header, ",")
	for u := range 300 {
		for i := range 40 {
			if (u*7+i)%4 != 0 {
				continue
			}
			for k, c := range cols {
				if k > 0 {
					b.WriteByte(',')
				}
				switch c {
				case "user_id", "learner", "user":
					fmt.Fprintf(&b, "%d", 1000+u)
				case "course", "item", "what":
					fmt.Fprintf(&b, "C%02d", i)
				case "score", "stars":
					fmt.Fprintf(&b, "%d", (u+i)%3+3)
				default:
					fmt.Fprintf(&b, "%d", 1600000000+u*40+i)
				}
			}
			b.WriteByte('\n')
		}
	}
	return write(t, dir, name, b.String())
}

// TestDataColumns: columns are found by name, --columns maps them, and a
// two-column table trains only the implicit task.
func TestDataColumns(t *testing.T) {
	dir := t.TempDir()
	swapped := gridTable(t, dir, "swapped.csv", "course,user_id,score")
	timed := gridTable(t, dir, "timed.csv", "ts,user_id,course,score")
	odd := gridTable(t, dir, "odd.csv", "when,learner,what,stars")
	pairs := gridTable(t, dir, "pairs.csv", "user,item")
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"course,user_id,score", []string{"--data", swapped}, 0, "300 users, 40 items"},
		{"ts,user_id,course,score", []string{"--data", timed}, 0, "300 users, 40 items"},
		{"--columns by name", []string{"--data", odd, "--columns", "item=what,time=when"}, 0, "300 users, 40 items"},
		{"--columns by position", []string{"--data", odd, "--columns", "user=2,item=3,rating=4,time=1"}, 0, "300 users, 40 items"},
		{"--columns unknown key", []string{"--data", swapped, "--columns", "who=course"}, 2, "--columns"},
		{"--columns twice", []string{"--data", swapped, "--columns", "user=a,user=b"}, 2, "--columns"},
		{"--columns position 0", []string{"--data", swapped, "--columns", "user=0"}, 2, "--columns"},
		{"--columns name not in header", []string{"--data", swapped, "--columns", "rating=grade"}, 2, `--columns`},
		{"--columns on builtin", []string{"--columns", "user=1"}, 2, `--columns`},
		{"interaction table, rating task", []string{"--data", pairs}, 2, "no rating column"},
		{"interaction table, implicit task", []string{"--data", pairs, "--task", "implicit"}, 0, "300 users, 40 items"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// --epochs does not apply to bias, which is fitted in closed form.
			args := append([]string{"train", "--quiet", "--kind", "bias"}, c.args...)
			if c.name == "interaction table, implicit task" {
				args = append([]string{"train", "--quiet", "--kind", "dot", "--epochs", "1"}, c.args...)
			}
			out, stderr, code := run(t, args...)
			if code != c.code || !strings.Contains(out+stderr, c.want) {
				t.Errorf("exit %d, want %d and %q in:\n%s%s", code, c.code, c.want, out, stderr)
			}
		})
	}
}

// TestRatingsTableCommands: every command that reads a ratings table takes
// --columns and refuses an interaction table (user,item) for a rating task
// with exit 2, as train does; the NCF protocol of the implicit task takes
// one.
func TestRatingsTableCommands(t *testing.T) {
	dir := t.TempDir()
	swapped := gridTable(t, dir, "swapped.csv", "course,user_id,score")
	odd := gridTable(t, dir, "odd.csv", "when,learner,what,stars")
	pairs := gridTable(t, dir, "pairs.csv", "user,item")
	m := dir + "/bias.recnet"
	if _, stderr, code := run(t, "train", "--data", swapped, "--kind", "bias", "--quiet", "--out", m); code != 0 {
		t.Fatalf("train: exit %d: %s", code, stderr)
	}
	oddCols := []string{"--data", odd, "--columns", "item=what,time=when"}
	bench := []string{"bench", "--threads", "1", "--repeat", "1", "--epochs", "0", "--dim", "4"}
	// --patience -1: one epoch may not beat the initial weights, which
	// eval --protocol ncf refuses.
	ncf := []string{"eval", "--protocol", "ncf", "--epochs", "1", "--patience", "-1", "--dim", "4", "--quiet"}
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"cv, interaction table", []string{"cv", "--data", pairs, "--kinds", "bias", "-q"}, 2, "no rating column"},
		{"cv --columns", append([]string{"cv", "--kinds", "bias", "--folds", "2", "-q"}, oddCols...), 0, "bias"},
		{"cv --columns bad", []string{"cv", "--data", odd, "--columns", "who=1", "-q"}, 2, "--columns"},
		{"cv --columns on builtin", []string{"cv", "--columns", "user=1", "-q"}, 2, "--columns"},
		{"bench, interaction table", append(bench, "--data", pairs), 2, "no rating column"},
		{"bench --columns", append(bench, oddCols...), 0, "300 users"},
		{"bench --columns without --data", append(bench, "--columns", "user=1"), 2, "--columns"},
		{"tune, interaction table", []string{"tune", "--data", pairs, "--trials", "1"}, 2, "no rating column"},
		{"eval split, interaction table", []string{"eval", "--model", m, "--data", pairs}, 2, "no rating column"},
		{"eval ncf, interaction table", append(ncf, "--data", pairs), 2, "no rating column"},
		{"eval ncf implicit, interaction table", append(ncf, "--data", pairs, "--task", "implicit"), 0, "300 users, 40 items"},
		{"eval ncf --columns", append(ncf, oddCols...), 0, "300 users, 40 items"},
		{"eval ncf --columns bad", append(ncf, "--data", odd, "--columns", "rating=grade"), 2, "--columns"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, stderr, code := run(t, c.args...)
			if code != c.code || !strings.Contains(out+stderr, c.want) {
				t.Errorf("exit %d, want %d and %q in:\n%s%s", code, c.code, c.want, out, stderr)
			}
		})
	}
}

// TestDataLayoutSaid: the report says which column gave each role and how
// it was found, so a table read by position, or by a header the user did
// not expect, is never read silently.
func TestDataLayoutSaid(t *testing.T) {
	dir := t.TempDir()
	swapped := gridTable(t, dir, "swapped.csv", "course,user_id,score")
	timed := gridTable(t, dir, "timed.csv", "ts,user_id,course,score")
	// headerless returns the rows of a table written with a header.
	headerless := func(name, header string) string {
		b, err := os.ReadFile(gridTable(t, dir, name+".h", header))
		if err != nil {
			t.Fatal(err)
		}
		return write(t, dir, name, strings.SplitN(string(b), "\n", 2)[1])
	}
	bare := headerless("bare.csv", "user,item,score")
	bareTimed := headerless("bare-timed.csv", "ts,user_id,course,score")
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"by header", []string{"train", "--kind", "bias", "--data", swapped}, `columns by header: user="user_id", item="course", rating="score"`},
		{"by header with time", []string{"train", "--kind", "bias", "--data", timed}, `columns by header: user="user_id", item="course", rating="score", time="ts"`},
		{"by position", []string{"train", "--kind", "bias", "--data", bare}, "columns by position (no header): user=1, item=2, rating=3"},
		{"by --columns position", []string{"train", "--kind", "bias", "--data", bareTimed, "--columns", "user=2,item=3,rating=4,time=1"}, "columns by position (no header): user=2, item=3, rating=4, time=1"},
		{"cv", []string{"cv", "--kinds", "bias", "--folds", "2", "--data", swapped}, `columns by header: user="user_id"`},
		{"tune", []string{"tune", "--trials", "1", "--data", swapped}, `columns by header: user="user_id"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, stderr, code := run(t, c.args...)
			if code != 0 || !strings.Contains(out+stderr, c.want) {
				t.Errorf("exit %d, want 0 and %q in:\n%s%s", code, c.want, out, stderr)
			}
		})
	}
}

// TestHeaderErrorsNameColumnsFlag checks that the library's header and
// time errors, which name no flag, reach the user with the --columns
// hint that cmd adds, with exit 2.
func TestHeaderErrorsNameColumnsFlag(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ name, in, want string }{
		{"partly named header", "grade,student,course\n4,s1,c1\n3,s2,c1\n", "(--columns user=NAME,"},
		{"header naming nothing", "a,b,c,d\n1,2,3,4\n", "(--columns user=NAME,"},
		{"bad time", "user,item,rating,ts\nu1,i1,4,yesterday\n", "--columns time=none"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := write(t, dir, "t.csv", tc.in)
			stdout, stderr, code := run(t, "train", "--data", p, "--epochs", "1", "--quiet")
			if code != 2 || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, want 2 and %q: %s", code, tc.want, stderr)
			}
			if strings.Contains(stdout, "Epoch") {
				t.Errorf("trained: %s", stdout)
			}
		})
	}
}

// TestDataLinesSame checks that train and eval say what they read in the
// same words: the seed of a split of --data, and with --train/--test each
// file with its rows (eval said only the training file's name).
func TestDataLinesSame(t *testing.T) {
	dir := t.TempDir()
	data := smallData(t, dir)
	b, err := os.ReadFile(data)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(b), "\n")
	tr := write(t, dir, "tr.csv", strings.Join(lines[:15001], ""))
	te := write(t, dir, "te.csv", lines[0]+strings.Join(lines[15001:], ""))
	m := filepath.Join(dir, "m.recnet")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--data", data}, " (random 0.8,0.1,0.1, seed 42)\n"},
		{[]string{"--train", tr, "--test", te}, "; test " + te + ": "},
	} {
		trained, stderr, code := run(t, append([]string{"train", "--epochs", "1", "-q", "--out", m}, c.args...)...)
		if code != 0 {
			t.Fatalf("train: %d %s", code, stderr)
		}
		evaluated, stderr, code := run(t, append([]string{"eval", "--model", m}, c.args...)...)
		if code != 0 {
			t.Fatalf("eval: %d %s", code, stderr)
		}
		// The parts differ: train carves a validation part from --train.
		first := func(s string) string { return s[:strings.Index(s, "\n")+1] }
		upToSplit := func(s string) string { return s[:strings.Index(s, "split ")] }
		if upToSplit(trained) != upToSplit(evaluated) || !strings.Contains(first(trained), c.want) || !strings.Contains(first(evaluated), c.want) {
			t.Errorf("%v: train says %q, eval %q; want the same line with %q", c.args, first(trained), first(evaluated), c.want)
		}
	}
}
