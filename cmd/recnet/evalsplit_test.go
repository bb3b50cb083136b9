package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/recnet/recnet/dataset"
)

// TestEvalOtherSplit evaluates a saved model on a split other than its
// own (another --seed): the test rows the model was fitted on, which
// the split puts there, must be left out and counted, exactly those of
// the two splits (built here as train builds them); on its own split none
// are. A model that keeps no seen items is refused another --seed.
func TestEvalOtherSplit(t *testing.T) {
	dir, data, m := trainedSmall(t, 1)
	d, err := dataset.Load(context.Background(), data, dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fr := dataset.Fractions{Train: 0.8, Valid: 0.1, Test: 0.1}
	own, err := dataset.SplitRandom(d, fr, 42)
	if err != nil {
		t.Fatal(err)
	}
	other, err := dataset.SplitRandom(d, fr, 7)
	if err != nil {
		t.Fatal(err)
	}
	fitted := map[[2]int32]bool{}
	for _, r := range []dataset.Ratings{own.Train, own.Valid} {
		for k := range r.Value {
			fitted[[2]int32{r.User[k], r.Item[k]}] = true
		}
	}
	want := 0
	for k := range other.Test.Value {
		if fitted[[2]int32{other.Test.User[k], other.Test.Item[k]}] {
			want++
		}
	}
	if want == 0 {
		t.Fatal("the two splits share no rows: the test proves nothing")
	}
	for _, c := range []struct {
		seed string
		want int
	}{{"42", 0}, {"7", want}} {
		out, stderr, code := run(t, "eval", "--model", m, "--data", data, "--seed", c.seed, "--json")
		if code != 0 {
			t.Fatalf("eval --seed %s: exit %d: %s", c.seed, code, stderr)
		}
		var got struct {
			Skipped evalSkipped `json:"skipped"`
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("eval --seed %s: %v\n%s", c.seed, err, out)
		}
		if got.Skipped.Trained != c.want {
			t.Errorf("eval --seed %s: %d test rows left out as fitted, want %d", c.seed, got.Skipped.Trained, c.want)
		}
	}
	noSeen := filepath.Join(dir, "noseen.recnet")
	if _, stderr, code := run(t, "train", "--data", data, "--quiet", "--epochs", "1", "--seen=false", "--out", noSeen); code != 0 {
		t.Fatalf("train --seen=false: %s", stderr)
	}
	_, stderr, code := run(t, "eval", "--model", noSeen, "--data", data, "--seed", "7")
	if code != 2 || !strings.Contains(stderr, "--seed 7") {
		t.Errorf("eval --seed 7 of a model without seen items: exit %d, want 2 naming --seed; stderr %s", code, stderr)
	}
}
