package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/recnet/recnet/model"
)

// TestRecommendSimilar trains a small model, then asks for a known user's
// recommendations, a folded-in new learner's, a cold start and similar
// items, and checks the errors exit with code 2.
func TestRecommendSimilar(t *testing.T) {
	_, data, m := trainedSmall(t, 3)
	user, item := firstRow(t, data)
	cases := []struct {
		args []string
		want []string
	}{
		{[]string{"recommend", "--model", m, "--user", user, "-k", "3"}, []string{"top 3 for user " + user, "rank"}},
		{[]string{"recommend", "--model", m, "--rated", item + "=5", "-k", "4"}, []string{"folded in from 1 rating (", "rank"}},
		{[]string{"recommend", "--model", m, "-k", "2"}, []string{"cold start"}},
		{[]string{"similar", "--model", m, "--item", item, "-k", "3"}, []string{"items like " + item, "cosine"}},
	}
	for _, c := range cases {
		stdout, stderr, code := run(t, c.args...)
		if code != 0 {
			t.Errorf("%v: exit %d: %s", c.args, code, stderr)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(stdout, w) {
				t.Errorf("%v: output lacks %q:\n%s", c.args, w, stdout)
			}
		}
		if c.args[0] == "recommend" && c.args[3] == user && strings.Count(stdout, "\n") != 5 {
			t.Errorf("%v: want a header, a title line and 3 items:\n%s", c.args, stdout)
		}
	}
	for _, args := range [][]string{
		{"recommend", "--model", m, "--rated", "NOPE=5"},
		{"recommend", "--model", m, "--user", "nobody"},
		{"recommend", "--model", m, "-k", "0"},
		{"similar", "--model", m, "--item", "NOPE"},
	} {
		if _, stderr, code := run(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2: %s", args, code, stderr)
		}
	}
}

// firstRow returns the user and item of the first data row of a CSV file.
func firstRow(t *testing.T, path string) (user, item string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Split(strings.Split(string(b), "\n")[1], ",")
	return f[0], f[1]
}

// TestRecommendRefuses lists recommend settings that must be refused with
// exit 2 and a message naming what is wrong: ratings outside the model's
// range or not finite, and --user given with --rated.
func TestRecommendRefuses(t *testing.T) {
	_, data, m := trainedSmall(t, 1)
	user, item := firstRow(t, data)
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"--rated", item + "=9"}, []string{"--rated", `"` + item + `"`, "outside"}},
		{[]string{"--rated", item + "=-1000"}, []string{"--rated", `"` + item + `"`, "outside"}},
		{[]string{"--rated", item + "=inf"}, []string{"--rated", `"` + item + `"`, "not finite"}},
		{[]string{"--rated", item + "=NaN"}, []string{"--rated"}},
		{[]string{"--user", user, "--rated", item + "=5"}, []string{"--user", "--rated"}},
		{[]string{"--user", "nobody", "--rated", item + "=5"}, []string{"--user", "--rated"}},
		{[]string{"--user", user, "--lambda", "0.5"}, []string{"--lambda", "--user"}},
		{[]string{"--lambda", "0.5"}, []string{"--lambda", "--rated"}},
		{[]string{"--rated", "", "--lambda", "0.5"}, []string{"--rated", "must not be empty"}},
		{[]string{"--rated", ",", "--lambda", "0.5"}, []string{"--rated", "pair 1 is empty"}},
	} {
		args := append([]string{"recommend", "--model", m}, c.args...)
		_, stderr, code := run(t, args...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2: %s", c.args, code, stderr)
		}
		for _, w := range c.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("%v: message lacks %q: %s", c.args, w, stderr)
			}
		}
	}
}

// TestServeRefusesFoldInFlags checks that serve's fold-in bounds are used
// or refused, before the model is read.
func TestServeRefusesFoldInFlags(t *testing.T) {
	for _, args := range [][]string{
		{"--foldin-limit", "0"},
		{"--foldin-limit", "100000"},
		{"--foldin-wait", "-1s"},
		{"--foldin-wait", "1h"},
	} {
		_, stderr, code := run(t, append([]string{"serve", "--model", "none.recnet"}, args...)...)
		if code != 2 || !strings.Contains(stderr, args[0]) {
			t.Errorf("%v: exit %d, want 2 naming the flag: %s", args, code, stderr)
		}
	}
}

// TestRecommendSeen: a model keeps its users' seen items unless trained
// with --seen=false, and recommend, its --json and summary say what they do.
func TestRecommendSeen(t *testing.T) {
	dir := t.TempDir()
	data := smallData(t, dir)
	m, bare := filepath.Join(dir, "m.recnet"), filepath.Join(dir, "bare.recnet")
	if _, stderr, code := run(t, "train", "--data", data, "--quiet", "--epochs", "2", "--out", m); code != 0 {
		t.Fatalf("train: %s", stderr)
	}
	stdout, stderr, code := run(t, "train", "--data", data, "--quiet", "--epochs", "2", "--seen=false", "--out", bare)
	if code != 0 || !strings.Contains(stdout, "seen items not kept (--seen=false)") {
		t.Fatalf("train --seen=false: exit %d, %s%s", code, stdout, stderr)
	}
	user, item := firstRow(t, data)
	for _, c := range []struct {
		args      []string
		want, not string
	}{
		{[]string{"recommend", "--model", m, "--user", user}, "predicted rating", "cannot be left out"},
		{[]string{"recommend", "--model", m, "--user", user, "--include-seen", "-k", "100"}, "included (--include-seen)", "cannot be left out"},
		{[]string{"recommend", "--model", bare, "--user", user}, "cannot be left out", "included"},
		{[]string{"summary", "--model", m}, "ratings kept", "not kept"},
		{[]string{"summary", "--model", bare}, "Seen items: not kept", "ratings kept"},
	} {
		stdout, stderr, code := run(t, c.args...)
		if code != 0 || !strings.Contains(stdout, c.want) || strings.Contains(stdout, c.not) {
			t.Errorf("%v: exit %d, want %q and not %q:\n%s%s", c.args, code, c.want, c.not, stdout, stderr)
		}
	}
	// The user's first data row is a training, validation or test row: the
	// list with seen items holds it whenever it is seen, the default never.
	type answer struct {
		ScoreKind   string `json:"score_kind"`
		SeenLeftOut bool   `json:"seen_left_out"`
		Recs        []struct {
			Item  string   `json:"item"`
			Score *float64 `json:"score"`
		} `json:"recommendations"`
	}
	lists := map[bool]answer{}
	for _, include := range []bool{false, true} {
		stdout, stderr, code := run(t, "recommend", "--model", m, "--user", user, "-k", "100", "--json", fmt.Sprintf("--include-seen=%v", include))
		var a answer
		if err := json.Unmarshal([]byte(stdout), &a); code != 0 || err != nil || a.ScoreKind != "rating" || a.SeenLeftOut == include || len(a.Recs) == 0 {
			t.Fatalf("--json --include-seen=%v: exit %d, %v, %+v: %s", include, code, err, a, stderr)
		}
		for _, r := range a.Recs {
			if r.Score == nil {
				t.Errorf("--json: item %s has no score", r.Item)
			}
		}
		lists[include] = a
	}
	loaded, err := model.Load(m)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := loaded.Users.Inner(user)
	seen, _ := loaded.SeenItems(u)
	if len(seen) == 0 {
		t.Fatalf("user %s has no seen items", user)
	}
	in := func(a answer) (n int) {
		for _, r := range a.Recs {
			i, _ := loaded.Items.Inner(r.Item)
			if slices.Contains(seen, i) {
				n++
			}
		}
		return n
	}
	if n := in(lists[false]); n > 0 {
		t.Errorf("%d of user %s's seen items recommended", n, user)
	}
	if n := in(lists[true]); n == 0 {
		t.Errorf("--include-seen: none of user %s's %d seen items in a top %d", user, len(seen), len(lists[true].Recs))
	}
	if _, stderr, code := run(t, "recommend", "--model", m, "--rated", item+"=5", "--include-seen"); code != 2 || !strings.Contains(stderr, "--include-seen") {
		t.Errorf("--include-seen with --rated: exit %d, %s; want 2 naming the flag", code, stderr)
	}
}

// TestRecommendExplain checks --explain and --json's because: every item
// of a known user's and of a folded-in learner's list names rated items
// with their shares, the learner's among the --rated ones; a cold start
// is refused with --explain.
func TestRecommendExplain(t *testing.T) {
	_, data, m := trainedSmall(t, 2)
	user, item := firstRow(t, data)
	stdout, stderr, code := run(t, "recommend", "--model", m, "--user", user, "-k", "3", "--explain")
	if code != 0 || strings.Count(stdout, "because you rated") != 3 {
		t.Errorf("--user --explain: exit %d, want 3 reason lines:\n%s%s", code, stdout, stderr)
	}
	type answer struct {
		Exact *bool `json:"because_exact"`
		Recs  []struct {
			Item    string `json:"item"`
			Because []struct {
				Item  string  `json:"item"`
				Share float64 `json:"share"`
			} `json:"because"`
		} `json:"recommendations"`
	}
	stdout, stderr, code = run(t, "recommend", "--model", m, "--rated", item+"=5", "-k", "3", "--json")
	var a answer
	if err := json.Unmarshal([]byte(stdout), &a); code != 0 || err != nil || a.Exact == nil || !*a.Exact || len(a.Recs) != 3 {
		t.Fatalf("--rated --json: exit %d, %v, %+v: %s", code, err, a, stderr)
	}
	for _, r := range a.Recs {
		if r.Because == nil {
			t.Errorf("%s: no because", r.Item)
		}
		if len(r.Because) == 0 {
			continue // the one rating lowered this score: its biases put it here
		}
		if r.Because[0].Item != item || math.Abs(r.Because[0].Share-1) > 1e-9 {
			t.Errorf("%s: because %+v, want %s with all of the share", r.Item, r.Because, item)
		}
	}
	if _, stderr, code := run(t, "recommend", "--model", m, "--explain"); code != 2 || !strings.Contains(stderr, "--explain") {
		t.Errorf("cold start --explain: exit %d, %s", code, stderr)
	}
	// A model that cannot explain refuses --explain, naming it.
	bias := filepath.Join(t.TempDir(), "bias.recnet")
	if _, stderr, code := run(t, "train", "--data", data, "--quiet", "--kind", "bias", "--out", bias); code != 0 {
		t.Fatalf("train bias: %s", stderr)
	}
	if _, stderr, code := run(t, "recommend", "--model", bias, "--user", user, "--explain"); code != 2 || !strings.Contains(stderr, "--explain: not supported") || !strings.Contains(stderr, "bias net") {
		t.Errorf("bias --explain: exit %d, %s", code, stderr)
	}
}

// TestTrainSeenFlag refuses --seen without --out, and train --json says
// whether the saved file keeps the seen items.
func TestTrainSeenFlag(t *testing.T) {
	dir := t.TempDir()
	data := smallData(t, dir)
	if _, stderr, code := run(t, "train", "--data", data, "--quiet", "--epochs", "1", "--seen=false"); code != 2 || !strings.Contains(stderr, "--seen") {
		t.Errorf("--seen=false without --out: exit %d, %s", code, stderr)
	}
	for _, seen := range []bool{true, false} {
		out := filepath.Join(dir, fmt.Sprintf("m%v.recnet", seen))
		stdout, stderr, code := run(t, "train", "--data", data, "--quiet", "--epochs", "1", "--json", "--out", out, fmt.Sprintf("--seen=%v", seen))
		var res struct {
			SeenKept *bool `json:"seen_kept"`
		}
		if err := json.Unmarshal([]byte(stdout), &res); code != 0 || err != nil || res.SeenKept == nil || *res.SeenKept != seen {
			t.Errorf("--seen=%v --json: exit %d, %v, seen_kept %v: %s", seen, code, err, res.SeenKept, stderr)
		}
	}
}

// TestRecommendCatalogOfOtherItems: a model of items the built-in course
// catalog does not name prints ids only by default, and a --catalog given
// that names none of them is refused.
func TestRecommendCatalogOfOtherItems(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("userId,movieId,rating\n")
	for u := range 40 {
		for i := range 12 {
			if (u+i)%3 != 0 {
				fmt.Fprintf(&b, "%d,%d,%g\n", u, 1000+i, float64(1+(u*i)%5))
			}
		}
	}
	data := write(t, dir, "ratings.csv", b.String())
	m := filepath.Join(dir, "m.recnet")
	if _, stderr, code := run(t, "train", "--data", data, "--quiet", "--epochs", "2", "--out", m); code != 0 {
		t.Fatalf("train: %s", stderr)
	}
	if stdout, stderr, code := run(t, "recommend", "--model", m, "--user", "1", "-k", "3"); code != 0 || strings.Contains(stdout, "[") {
		t.Errorf("default catalog: exit %d, want ids only:\n%s%s", code, stdout, stderr)
	}
	if _, stderr, code := run(t, "recommend", "--model", m, "--user", "1", "--catalog", "builtin"); code != 2 || !strings.Contains(stderr, "--catalog") {
		t.Errorf("--catalog builtin for movie ids: exit %d, %s", code, stderr)
	}
}

// TestRecommendEASERefusesLambda checks that --lambda is refused with
// exit 2 for an ease model, whose fold-in takes no penalty (it would be
// ignored), and that --rated without it folds a learner in.
func TestRecommendEASERefusesLambda(t *testing.T) {
	dir := t.TempDir()
	data := smallData(t, dir)
	m := filepath.Join(dir, "ease.recnet")
	if _, stderr, code := run(t, "train", "--data", data, "--quiet", "--kind", "ease", "--out", m); code != 0 {
		t.Fatalf("train: %s", stderr)
	}
	_, item := firstRow(t, data)
	_, stderr, code := run(t, "recommend", "--model", m, "--rated", item+"=4", "--lambda", "0.5")
	if code != 2 || !strings.Contains(stderr, "--lambda") || !strings.Contains(stderr, "ease") {
		t.Errorf("--lambda with ease: exit %d, want 2 naming --lambda and ease: %s", code, stderr)
	}
	for _, args := range [][]string{{"--rated", item + "=4"}, {"--rated", item + "=4", "--explain"}} {
		if _, stderr, code := run(t, append([]string{"recommend", "--model", m}, args...)...); code != 0 {
			t.Errorf("%v: exit %d: %s", args, code, stderr)
		}
	}
}

// TestRatedInteractionModel checks that recommend --rated on a model
// trained on interactions alone (range 1..1) folds in 1 and refuses any
// other rating with exit 2 naming --rated.
func TestRatedInteractionModel(t *testing.T) {
	dir := t.TempDir()
	data, _ := featuresData(t, dir)
	m := filepath.Join(dir, "ui.recnet")
	if _, stderr, code := run(t, "train", "--data", data, "--kind", "ials", "--dim", "4", "--epochs", "2", "-q", "--out", m); code != 0 {
		t.Fatalf("train: exit %d: %s", code, stderr)
	}
	for _, r := range []string{"-3", "5", "1000"} {
		_, stderr, code := run(t, "recommend", "--model", m, "--rated", "i0="+r, "--catalog", "none")
		if code != 2 || !strings.Contains(stderr, "--rated") || !strings.Contains(stderr, "takes only 1") {
			t.Errorf("--rated i0=%s: exit %d, want 2 naming --rated; stderr %s", r, code, stderr)
		}
	}
	if _, stderr, code := run(t, "recommend", "--model", m, "--rated", "i0=1,i1=1", "--catalog", "none"); code != 0 {
		t.Errorf("--rated i0=1,i1=1: exit %d: %s", code, stderr)
	}
}
