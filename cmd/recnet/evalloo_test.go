package main

import (
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/recnet/recnet/dataset"
)

// plantedHeldOut writes two planted groups (dataset.GeneratePlanted):
// ten users of group 0 take all of its items i0..i4 and five of group 1
// all of i5..i9. Each user u (inner id) holds out its group's item u mod 5:
// the other four are the training file, the held-out one the test file. In
// training each item of group 0 has 8 interactions and each of group 1 4.
func plantedHeldOut(t *testing.T, dir string) (tr, te string) {
	t.Helper()
	d, _ := dataset.GeneratePlanted(dataset.PlantedConfig{Groups: []int{10, 5}, Items: 5, Take: 5})
	var train, test strings.Builder
	train.WriteString("user,item\n")
	test.WriteString("user,item\n")
	for k, u := range d.User {
		w := &train
		if int(d.Item[k])%5 == int(u)%5 {
			w = &test
		}
		fmt.Fprintf(w, "%s,%s\n", d.Users.Raw(u), d.Items.Raw(d.Item[k]))
	}
	return write(t, dir, "tr.csv", train.String()), write(t, dir, "te.csv", test.String())
}

// TestEvalLOOSaved: eval --protocol loo --model ranks each held-out
// interaction among the items its user has not interacted with in
// training, with a known answer. ease ranks each user's held-out item
// first (its group's only unseen item; the other group's items score 0).
// Most-popular ranks a group 0 user's held-out item (8 interactions) first
// and a group 1 user's (4) sixth, behind group 0's five: at k 1, HR 10/15; at k 10,
// HR 1 and NDCG (10 + 5/log2(7))/15. A --test file alone leaves out the
// model's seen items, as --train with it does.
func TestEvalLOOSaved(t *testing.T) {
	dir := t.TempDir()
	tr, te := plantedHeldOut(t, dir)
	m := filepath.Join(dir, "m.recnet")
	if _, stderr, code := run(t, "train", "--kind", "ease", "--train", tr, "--test", te, "--valid-share", "0", "-q", "--out", m); code != 0 {
		t.Fatalf("train: exit %d: %s", code, stderr)
	}
	for _, c := range []struct {
		args               []string
		k                  string
		modelHR, popHR     float64
		modelNDCG, popNDCG float64
	}{
		{[]string{"--test", te}, "1", 1, 10.0 / 15, 1, 10.0 / 15},
		{[]string{"--train", tr, "--test", te}, "1", 1, 10.0 / 15, 1, 10.0 / 15},
		{[]string{"--test", te}, "10", 1, 1, 1, (10 + 5/math.Log2(7)) / 15},
	} {
		args := append([]string{"eval", "--protocol", "loo", "--model", m, "-k", c.k, "--json"}, c.args...)
		stdout, stderr, code := run(t, args...)
		if code != 0 {
			t.Fatalf("%q: exit %d: %s", args, code, stderr)
		}
		var res map[string]any
		if err := json.Unmarshal([]byte(stdout), &res); err != nil {
			t.Fatal(err)
		}
		for key, want := range map[string]float64{
			"full_ranking.users": 15, "full_ranking.items": 10,
			"full_ranking.model.hr": c.modelHR, "full_ranking.model.ndcg": c.modelNDCG, "full_ranking.model.recall": c.modelHR,
			"full_ranking.most_popular.hr": c.popHR, "full_ranking.most_popular.ndcg": c.popNDCG,
		} {
			if got, _ := lookup(res, key); !near(got, want) {
				t.Errorf("%q: %s = %v, want %.6f", c.args, key, got, want)
			}
		}
		if p, _ := lookup(res, "protocol"); p != "loo" {
			t.Errorf("%q: protocol %v, want loo", c.args, p)
		}
	}
	stdout, stderr, code := run(t, "eval", "--protocol", "loo", "--model", m, "--test", te, "-k", "1")
	if code != 0 || !strings.Contains(stdout, "the model's seen items") || !strings.Contains(stdout, "recnet ease") {
		t.Errorf("text: exit %d %s:\n%s", code, stderr, stdout)
	}
}

// near reports whether got is a JSON number within 1e-9 of want.
func near(got any, want float64) bool {
	f, ok := got.(float64)
	return ok && math.Abs(f-want) < 1e-9
}

// TestEvalLOOSavedSplit: on the data flags' split, as train rebuilt it,
// the saved model's full-ranking HR and NDCG are --protocol split's for a
// model of the implicit task (the same test rows, all relevant, among the
// same items), and data.split says which split.
func TestEvalLOOSavedSplit(t *testing.T) {
	dir := t.TempDir()
	data := coldData(t, dir) // timedData's test users are all cold
	m := filepath.Join(dir, "m.recnet")
	split := []string{"--data", data, "--split", "time"}
	if _, stderr, code := run(t, append([]string{"train", "--kind", "ease", "-q", "--out", m}, split...)...); code != 0 {
		t.Fatalf("train: exit %d: %s", code, stderr)
	}
	get := func(protocol string) map[string]any {
		stdout, stderr, code := run(t, append([]string{"eval", "--protocol", protocol, "--model", m, "--json"}, split...)...)
		if code != 0 {
			t.Fatalf("--protocol %s: exit %d: %s", protocol, code, stderr)
		}
		var res map[string]any
		if err := json.Unmarshal([]byte(stdout), &res); err != nil {
			t.Fatal(err)
		}
		return res
	}
	loo, sp := get("loo"), get("split")
	for _, key := range []string{"hr", "ndcg", "recall"} {
		a, _ := lookup(loo, "full_ranking.model."+key)
		b, _ := lookup(sp, "ranking.model."+key)
		if a == nil || a != b {
			t.Errorf("model %s: loo %v, split %v", key, a, b)
		}
	}
	if k, _ := lookup(loo, "data.split.kind"); k != "time" {
		t.Errorf("data.split.kind = %v, want time", k)
	}
}

// TestEvalLOOSavedRefusals: --protocol loo --model refuses the flags of a
// model it would train, --relevant, and a --test file alone for a model
// without seen items.
func TestEvalLOOSavedRefusals(t *testing.T) {
	dir := t.TempDir()
	tr, te := plantedHeldOut(t, dir)
	m := filepath.Join(dir, "unseen.recnet")
	if _, stderr, code := run(t, "train", "--kind", "ials", "--dim", "4", "--epochs", "2", "--train", tr, "--test", te, "--valid-share", "0", "-q", "--seen=false", "--out", m); code != 0 {
		t.Fatalf("train: exit %d: %s", code, stderr)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--test", te, "--candidates", "5"}, "--candidates: applies to --protocol ncf and loo without --model"},
		{[]string{"--test", te, "--dim", "8"}, "--dim: applies to --protocol ncf and loo without --model"},
		{[]string{"--test", te, "--relevant", "1"}, "--relevant: does not apply to --protocol loo"},
		{[]string{"--test", te}, "--test alone: the model keeps no seen items"},
		{[]string{"--test", te, "--valid", tr}, "--valid: applies with --train"},
	} {
		args := append([]string{"eval", "--protocol", "loo", "--model", m}, c.args...)
		if _, stderr, code := run(t, args...); code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%q: exit %d (want 2), stderr %q (want %q)", c.args, code, stderr, c.want)
		}
	}
	// Without seen items, --train with --test leaves out the training rows.
	if _, stderr, code := run(t, "eval", "--protocol", "loo", "--model", m, "--train", tr, "--test", te); code != 0 {
		t.Errorf("--train --test without seen items: exit %d: %s", code, stderr)
	}
}
