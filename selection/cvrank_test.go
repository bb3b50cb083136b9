package selection_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
	"github.com/recnet/recnet/selection"
)

// plantedGroups returns 90 users in 3 groups of 30, each interacting with
// 8 of the 10 items of its group (drawn at random), all of value 1: the
// groups are the only structure, which most-popular cannot see.
func plantedGroups() *dataset.Dataset {
	d := &dataset.Dataset{Name: "planted", Users: &dataset.IDMap{}, Items: &dataset.IDMap{}, Unrated: true}
	for g := range 3 {
		for k := range 10 {
			d.Items.Add(fmt.Sprintf("i%d%d", g, k))
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for u := range 90 {
		g := u % 3
		user := d.Users.Add(fmt.Sprint("u", u))
		for _, k := range rng.Perm(10)[:8] {
			d.User = append(d.User, user)
			d.Item = append(d.Item, int32(g*10+k))
			d.Value = append(d.Value, 1)
		}
	}
	return d
}

// TestCrossValidateRanking: on planted groups, ials and ease rank each
// held-out item far above most popular on every fold, the folds cover
// every row once, and the table and the JSON give the ranking measures.
func TestCrossValidateRanking(t *testing.T) {
	d := plantedGroups()
	const k = 3
	cfgs := []model.Config{{Kind: "ials", Settings: model.Settings{Dim: 4}}, {Kind: "ease", Settings: model.Settings{L2: 10}}}
	r, err := selection.CrossValidateRanking(context.Background(), d, cfgs, k, 42)
	if err != nil {
		t.Fatal(err)
	}
	if r.Task != model.TaskImplicit || r.Popular == nil || len(r.Models) != 2 {
		t.Fatalf("task %q, popular %v, %d models", r.Task, r.Popular, len(r.Models))
	}
	for _, m := range r.Models {
		tested := 0
		for j, f := range m.Folds {
			tested += f.TestRows
			if p := r.Popular.Folds[j].NDCG; !(f.NDCG > p+0.2) {
				t.Errorf("%s fold %d: NDCG@10 %.4f, most popular %.4f: want far above", m.Name, j+1, f.NDCG, p)
			}
			if !(f.HR >= f.Recall && f.HR <= 1) {
				t.Errorf("%s fold %d: HR %.4f, recall %.4f", m.Name, j+1, f.HR, f.Recall)
			}
		}
		if tested != d.Len() {
			t.Errorf("%s: %d rows tested, want %d", m.Name, tested, d.Len())
		}
		if m.NDCG == nil || m.NDCG.Mean <= r.Popular.NDCG.Mean {
			t.Errorf("%s: mean NDCG %v, most popular %v", m.Name, m.NDCG, r.Popular.NDCG)
		}
	}
	var b bytes.Buffer
	if err := r.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"recall@10 of ials", "recall@10 of most popular", "full ranking, by mean NDCG@10", "vs most popular"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, b.String())
		}
	}
	js, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"task":"implicit"`, `"most_popular":{`, `"ndcg":{"mean"`, `"folds":[{"hr":`} {
		if !strings.Contains(string(js), want) {
			t.Errorf("JSON lacks %s: %.300s", want, js)
		}
	}
}

// TestCrossValidateRankingRefuses: a kind that learns only ratings is
// refused, and the rating cross-validation refuses an implicit model.
func TestCrossValidateRankingRefuses(t *testing.T) {
	d := plantedGroups()
	if _, err := selection.CrossValidateRanking(context.Background(), d, []model.Config{{Kind: "mf"}}, 3, 42); err == nil || !strings.Contains(err.Error(), "task") {
		t.Errorf("mf on the implicit task: %v, want a refusal naming the task", err)
	}
	if _, err := selection.CrossValidate(context.Background(), d, []model.Config{{Kind: "ials"}}, 3, 42); err == nil {
		t.Error("ials on the rating task: no error")
	}
}
