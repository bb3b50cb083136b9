package train_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
	"github.com/recnet/recnet/train"
)

// TestRecommendNeverSeen trains on a small seeded table and checks every
// user: Recommend's full list holds none of the user's training or
// validation items, unless asked for them, before and after a file round
// trip; a model fitted WithoutSeen keeps none.
func TestRecommendNeverSeen(t *testing.T) {
	d, _ := dataset.GenerateLowRank(dataset.LowRankConfig{Users: 40, Items: 30, Rank: 2, Rows: 600, Noise: 0.3, Seed: 5})
	s, err := dataset.SplitRandom(d, dataset.Fractions{}, 42)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[[2]int32]bool{}
	for _, p := range []dataset.Ratings{s.Train, s.Valid} {
		for k, u := range p.User {
			seen[[2]int32{u, p.Item[k]}] = true
		}
	}
	for _, kind := range []string{"dot", "bias"} {
		m, err := train.Fit(context.Background(), s, model.Config{Kind: kind, Training: model.Training{Epochs: 2, Seed: 1}})
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := m.Write(&b); err != nil {
			t.Fatal(err)
		}
		loaded, err := model.Read(&b, "m.recnet")
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range []*model.Model{m, loaded} {
			if m.Step != model.RatingStep(s.Train, s.Valid) {
				t.Errorf("%s: Step %g", kind, m.Step)
			}
			for u := range int32(s.Users.Len()) {
				user := s.Users.Raw(u)
				recs, err := m.Recommend(user, s.Items.Len(), model.RecommendOptions{})
				if err != nil {
					t.Fatal(err)
				}
				n := 0
				for i := range int32(s.Items.Len()) {
					if seen[[2]int32{u, i}] {
						n++
					}
				}
				if len(recs) != s.Items.Len()-n {
					t.Errorf("%s: user %s: %d items recommended, want %d unseen", kind, user, len(recs), s.Items.Len()-n)
				}
				for _, r := range recs {
					if i, _ := s.Items.Inner(r.Item); seen[[2]int32{u, i}] {
						t.Errorf("%s: user %s was recommended %s, which they rated in training", kind, user, r.Item)
					}
				}
				all, err := m.Recommend(user, s.Items.Len(), model.RecommendOptions{IncludeSeen: true})
				if err != nil || len(all) != s.Items.Len() {
					t.Errorf("%s: user %s with IncludeSeen: %d items, %v; want all %d", kind, user, len(all), err, s.Items.Len())
				}
			}
		}
	}
	m, err := train.Fit(context.Background(), s, model.Config{Kind: "bias"}, train.WithoutSeen())
	if err != nil || m.HasSeen() {
		t.Errorf("WithoutSeen: %v, HasSeen %v", err, m != nil && m.HasSeen())
	}
}
