package eval_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/eval"
)

// plantedTimed is a table with times whose leave-latest-out split has a
// known most-popular answer. Ten users with one row each take "pop" and
// five take "mid" (they train: a single row is never held out). Ten test
// users take "x", then "y", then, latest, "pop" (the first six) or "mid"
// (the other four): "y" validates and the latest tests. The training
// counts are pop 10, mid 5 and x 10, and every test user has seen x and y,
// so most-popular ranks pop first and mid second for each of them.
func plantedTimed() *dataset.Dataset {
	d := &dataset.Dataset{Name: "planted", Users: &dataset.IDMap{}, Items: &dataset.IDMap{}}
	add := func(user, item string, time int64) {
		d.User = append(d.User, d.Users.Add(user))
		d.Item = append(d.Item, d.Items.Add(item))
		d.Value = append(d.Value, 1)
		d.Time = append(d.Time, time)
	}
	for k := range 10 {
		add(fmt.Sprint("b", k), "pop", 1)
	}
	for k := range 5 {
		add(fmt.Sprint("c", k), "mid", 1)
	}
	for k := range 10 {
		u := fmt.Sprint("u", k)
		latest := "pop"
		if k >= 6 {
			latest = "mid"
		}
		add(u, latest, 10) // the latest row comes first: the split reads times, not row order
		add(u, "x", 1)
		add(u, "y", 2)
	}
	for k := range 20 {
		d.Items.Add(fmt.Sprint("never", k)) // items no one took: candidates too
	}
	return d
}

// heldOutFirst scores each user's held-out item 1 and every other item 0.
func heldOutFirst(s *dataset.Split) scoreNet {
	test := heldOut(s)
	return func(u, i int32) float32 {
		if test[u] == i {
			return 1
		}
		return 0
	}
}

// TestFullRankingLeaveLatestOut ranks each user's latest item among all
// the items the user has not seen: a scorer that puts it first has HR,
// NDCG and recall 1 at any k; most-popular finds pop first for six of the
// ten users and mid second for the other four.
func TestFullRankingLeaveLatestOut(t *testing.T) {
	s, err := dataset.LeaveLatestOut(plantedTimed())
	if err != nil {
		t.Fatal(err)
	}
	if s.Test.Len() != 10 || s.Valid.Len() != 10 {
		t.Fatalf("held out %d test and %d validation rows, want 10 and 10", s.Test.Len(), s.Valid.Len())
	}
	seen := dataset.Concat(s.Train, s.Valid)
	items := s.Items.Len()
	for _, k := range []int{1, 2, 10} {
		c := eval.CompareRanking(heldOutFirst(s), s.Train, seen, s.Test, items, k)
		if m := c.Model; m.Users != 10 || m.HitRate != 1 || m.NDCG != 1 || m.Recall != 1 {
			t.Errorf("k=%d: the oracle has %d users, HR %v, NDCG %v, recall %v; want 10 and 1s", k, m.Users, m.HitRate, m.NDCG, m.Recall)
		}
		wantHR, wantNDCG := 0.6, 0.6
		if k >= 2 {
			wantHR, wantNDCG = 1, (6+4/math.Log2(3))/10
		}
		if p := c.Popular; math.Abs(p.HitRate-wantHR) > 1e-12 || math.Abs(p.NDCG-wantNDCG) > 1e-12 || p.Recall != p.HitRate {
			t.Errorf("k=%d: most-popular HR %v, NDCG %v, recall %v; want %v, %v and recall = HR", k, p.HitRate, p.NDCG, p.Recall, wantHR, wantNDCG)
		}
	}
}
