package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// featuresData writes a small table of two groups of users, each taking
// the items of one genre, and a catalog of its items with their genres
// plus two items no one rated (n1 of genre A, n2 of genre B).
func featuresData(t *testing.T, dir string) (data, catalog string) {
	t.Helper()
	var b strings.Builder
	b.WriteString("user,item\n")
	for u := range 60 {
		lo := 0
		if u%2 == 1 {
			lo = 10
		}
		for j := range 6 {
			b.WriteString("u" + itoa(u) + ",i" + itoa(lo+(u+j)%10) + "\n")
		}
	}
	var c strings.Builder
	c.WriteString("item,A,B\n")
	for i := range 20 {
		if i < 10 {
			c.WriteString("i" + itoa(i) + ",1,0\n")
		} else {
			c.WriteString("i" + itoa(i) + ",0,1\n")
		}
	}
	c.WriteString("n1,1,0\nn2,0,1\n")
	return write(t, dir, "ratings.csv", b.String()), write(t, dir, "catalog.csv", c.String())
}

// TestItemFeaturesCLI trains dot with --item-features, then checks that
// train says what it read, that a new item of a user's genre is
// recommended and marked new (text and JSON), and that the features
// survive the model file.
func TestItemFeaturesCLI(t *testing.T) {
	dir := t.TempDir()
	data, cat := featuresData(t, dir)
	m := filepath.Join(dir, "m.recnet")
	out, stderr, code := run(t, "train", "--data", data, "--task", "implicit", "--item-features", cat, "--epochs", "30", "--lr", "0.01", "--dim", "8", "-q", "--out", m)
	if code != 0 {
		t.Fatalf("train: exit %d: %s", code, stderr)
	}
	if !strings.Contains(out, "item features "+cat+": 2 features for 22 items; 2 catalog items no one rated added, 0 rated items without features") {
		t.Errorf("train does not say what it read of the features:\n%s", out)
	}
	// The new items are those without a training interaction: the two
	// added, and any item rated only in the validation or test part; train
	// and summary count the same ones.
	_, after, _ := strings.Cut(out, "new items (no interaction in the training rows: scored by their features alone): ")
	n, _, _ := strings.Cut(after, "\n")
	sum, stderr, code := run(t, "summary", "--model", m)
	if code != 0 {
		t.Fatalf("summary: exit %d: %s", code, stderr)
	}
	if n == "" || !strings.Contains(sum, "; "+n+" new items (no interaction in the training rows)") {
		t.Errorf("train counts %q new items; summary says:\n%s", n, sum)
	}
	// u0 takes genre A: among the items it has not taken, n1 (genre A, new)
	// must come before every item of genre B.
	out, stderr, code = run(t, "recommend", "--model", m, "--user", "u0", "-k", "20", "--json")
	if code != 0 {
		t.Fatalf("recommend: exit %d: %s", code, stderr)
	}
	var recs struct {
		Recs []struct {
			Item string `json:"item"`
			New  bool   `json:"new"`
		} `json:"recommendations"`
	}
	if err := json.Unmarshal([]byte(out), &recs); err != nil {
		t.Fatal(err, out)
	}
	rank := map[string]int{}
	for k, r := range recs.Recs {
		rank[r.Item] = k
		if r.New != (r.Item == "n1" || r.Item == "n2") {
			t.Errorf("%s: new %v", r.Item, r.New)
		}
	}
	for i := 10; i < 20; i++ {
		if b, ok := rank["i"+itoa(i)]; ok && b < rank["n1"] {
			t.Errorf("u0 (genre A) ranks i%d of genre B (%d) above the new item n1 of genre A (%d)", i, b, rank["n1"])
		}
	}
	out, _, _ = run(t, "recommend", "--model", m, "--user", "u0", "-k", "20")
	if !strings.Contains(out, "(new: no training interaction, scored by its features)") {
		t.Errorf("recommend does not mark the new items:\n%s", out)
	}
}

// TestItemFeaturesRefused checks the refusals of --item-features and
// --split items, exit 2 naming the flag before any data is read, and the
// errors of a bad features file, naming the file, the line and the field.
func TestItemFeaturesRefused(t *testing.T) {
	dir := t.TempDir()
	never := filepath.Join(dir, "never-read.csv")
	for _, c := range [][]string{
		{"train", "--data", never, "--kind", "mlp", "--item-features", never, "--item-features", "mlp"},
		{"tune", "--data", never, "--kind", "ials", "--item-features", never, "--item-features", "ials"},
		{"eval", "--data", never, "--split", "items", "--task", "implicit", "--split items", "needs --item-features"},
		{"eval", "--data", never, "--protocol", "loo", "--item-features", never, "--item-features", "--split items"},
		{"eval", "--data", never, "--item-features", never, "--item-features", "model file"},
		{"train", "--data", never, "--split", "items:1.5", "--split", "items:1.5"},
		{"train", "--data", never, "--threads", "2", "--item-features", never, "--threads 2", "one goroutine"},
		{"cv", "--data", never, "--kinds", "dot,mf", "--item-features", never, "--item-features", "mf"},
		{"cv", "--data", never, "--item-features", never, "--item-features", "--kinds dot"},
	} {
		args, want := c[:len(c)-2], c[len(c)-2:]
		t.Run(strings.Join(args, " "), func(t *testing.T) { refusedBeforeData(t, args, want...) })
	}
	data, _ := featuresData(t, dir)
	bad := write(t, dir, "bad.csv", "item,A\ni1,1\ni2,yes\n")
	noID := write(t, dir, "noid.csv", "name,A\nx,1\n")
	// A catalog of other items (ids this table does not have) names none
	// of the rated items.
	others := write(t, dir, "others.csv", "item,A,B\nx1,1,0\nx2,0,1\n")
	for file, want := range map[string][]string{bad: {"bad.csv:3", `"A"`, `"yes"`}, noID: {"noid.csv:1", "no id column"},
		others: {"others.csv", "none of the 20 rated items"}} {
		_, stderr, code := run(t, "train", "--data", data, "--task", "implicit", "--item-features", file)
		if code != 2 {
			t.Errorf("%s: exit %d, want 2: %s", file, code, stderr)
		}
		for _, w := range append(want, "--item-features") {
			if !strings.Contains(stderr, w) {
				t.Errorf("%s: stderr %q lacks %q", file, stderr, w)
			}
		}
	}
}

// TestEvalSplitItems runs eval --split items with features on the small
// table: it reports the model beside random and most-popular-within-genre.
func TestEvalSplitItems(t *testing.T) {
	dir := t.TempDir()
	data, cat := featuresData(t, dir)
	out, stderr, code := run(t, "eval", "--data", data, "--split", "items:0.2", "--item-features", cat, "--task", "implicit", "--epochs", "30", "--lr", "0.01", "--dim", "8", "-q", "--json")
	if code != 0 {
		t.Fatalf("eval: exit %d: %s", code, stderr)
	}
	var e struct {
		Protocol string `json:"protocol"`
		HeldOut  int    `json:"held_out_items"`
		Model    struct {
			NDCG float64 `json:"ndcg"`
		} `json:"model"`
		Random struct {
			NDCG float64 `json:"ndcg"`
		} `json:"random"`
		Genre struct {
			NDCG float64 `json:"ndcg"`
		} `json:"most_popular_within_genre"`
	}
	if err := json.Unmarshal([]byte(out), &e); err != nil {
		t.Fatal(err, out)
	}
	if e.Protocol != "items" || e.HeldOut != 4 || !(e.Model.NDCG > e.Random.NDCG) || !(e.Model.NDCG >= e.Genre.NDCG) {
		t.Errorf("eval --split items: %+v", e)
	}
}

// TestCVItemFeatures cross-validates dot with --item-features on a rated
// table: cv says what it read of the features (the catalog's unrated
// items added) and the features reach every fit: a rating is 5 where a
// user's group (u%2) matches an item's genre (i%2) and 1 elsewhere, so the
// genre tells every rating and dot with features must score well below the
// RMSE of predicting the mean (2), on every fold.
func TestCVItemFeatures(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("user,item,rating\n")
	for u := range 300 {
		for j := range 10 {
			i := (u + 3*j) % 20
			r := 1 + (u+i)%2*4 // group u%2 likes genre i%2
			b.WriteString("u" + itoa(u) + ",i" + itoa(i) + "," + itoa(r) + "\n")
		}
	}
	data := write(t, dir, "ratings.csv", b.String())
	var c strings.Builder
	c.WriteString("item,A,B\n")
	for i := range 20 {
		c.WriteString("i" + itoa(i) + map[bool]string{true: ",1,0\n", false: ",0,1\n"}[i%2 == 0])
	}
	c.WriteString("n1,1,0\n")
	cat := write(t, dir, "catalog.csv", c.String())
	args := []string{"cv", "--data", data, "--kinds", "dot", "--folds", "2", "--workers", "1", "--json"}
	plain, stderr, code := run(t, args...)
	if code != 0 {
		t.Fatalf("cv: exit %d: %s", code, stderr)
	}
	feat, stderr, code := run(t, append(args, "--item-features", cat)...)
	if code != 0 {
		t.Fatalf("cv --item-features: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "item features "+cat+": 2 features for 21 items; 1 catalog item no one rated added, 0 rated items without features") {
		t.Errorf("cv does not say what it read of the features:\n%s", stderr)
	}
	rmse := func(out string) []float64 {
		var r struct {
			Models []struct {
				Folds []struct {
					RMSE float64 `json:"rmse"`
				} `json:"folds"`
			} `json:"models"`
		}
		if err := json.Unmarshal([]byte(out), &r); err != nil || len(r.Models) != 1 || len(r.Models[0].Folds) != 2 {
			t.Fatalf("cv --json: %v\n%s", err, out)
		}
		return []float64{r.Models[0].Folds[0].RMSE, r.Models[0].Folds[1].RMSE}
	}
	if p, f := rmse(plain), rmse(feat); p[0] == f[0] || p[1] == f[1] || f[0] > 1 || f[1] > 1 {
		t.Errorf("cv --item-features: RMSE %v by fold (without features %v), want below 1", f, p)
	}
}

// TestSplitItemsNeedsFeatures: train and tune refuse --split items without
// --item-features, as eval does, naming both flags; tune with features
// gives the held-out items line train gives.
func TestSplitItemsNeedsFeatures(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"train", "--split", "items", "--kind", "ials", "-q", "--out", filepath.Join(dir, "never.recnet")},
		{"tune", "--split", "items", "--task", "implicit", "--trials", "1"},
		{"eval", "--split", "items", "--kind", "dot", "-q"},
	} {
		if _, stderr, code := run(t, args...); code != 2 || !strings.Contains(stderr, "--split items") || !strings.Contains(stderr, "--item-features") {
			t.Errorf("%q: exit %d (want 2), stderr %q (want it to name --split items and --item-features)", args, code, stderr)
		}
	}
	stdout, stderr, code := run(t, "tune", "--split", "items", "--item-features", "builtin", "--task", "implicit", "--trials", "1")
	if code != 0 || !strings.Contains(stdout+stderr, "held-out items (") {
		t.Errorf("tune --split items --item-features: exit %d, no held-out items line:\n%s%s", code, stdout, stderr)
	}
}
