package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
	"github.com/recnet/recnet/server"
)

// seenModel returns an untrained dot model (init seed) of a seeded
// low-rank table that keeps its training and validation items as seen.
func seenModel(t *testing.T, table dataset.LowRankConfig, seed uint64) *model.Model {
	t.Helper()
	d, _ := dataset.GenerateLowRank(table)
	s, err := dataset.SplitRandom(d, dataset.Fractions{}, 1)
	if err != nil {
		t.Fatal(err)
	}
	cfg := model.Config{Kind: "dot", Training: model.Training{Seed: seed}, Settings: model.Settings{Dim: 3, Activation: model.Linear, Init: "normal", InitStd: 1}}
	m := &model.Model{Config: cfg, Net: model.NewDot(s.Users.Len(), s.Items.Len(), cfg), Users: s.Users, Items: s.Items, Min: s.Min, Max: s.Max}
	if m.Seen, err = model.NewSeen(s.Users.Len(), s.Items.Len(), s.Train, s.Valid); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestRecommendNeverSeen asks /v1/recommend for the full list of every
// user of a small seeded table: none holds an item the user rated in
// training unless include_seen=true, which gives every item back.
func TestRecommendNeverSeen(t *testing.T) {
	m := seenModel(t, dataset.LowRankConfig{Users: 30, Items: 25, Rank: 2, Rows: 400, Noise: 0.3, Seed: 3}, 2)
	h := server.New(m, nil).Handler()
	type answer struct {
		SeenLeftOut bool `json:"seen_left_out"`
		Recs        []struct {
			Item   string  `json:"item"`
			Score  float64 `json:"score"`
			Beyond int     `json:"beyond"`
		} `json:"recommendations"`
	}
	get := func(target string) answer {
		t.Helper()
		code, r := do(t, h, "GET", target, "")
		var a answer
		if err := json.Unmarshal(r.Data, &a); code != http.StatusOK || err != nil {
			t.Fatalf("%s: %d %v", target, code, err)
		}
		return a
	}
	beyond := 0
	for u := range int32(m.Users.Len()) {
		seen, _ := m.SeenItems(u)
		user := m.Users.Raw(u)
		a := get(fmt.Sprintf("/v1/recommend?user=%s&k=100", user))
		if !a.SeenLeftOut || len(a.Recs) != m.Items.Len()-len(seen) {
			t.Errorf("user %s: seen_left_out %v, %d items, want true, %d", user, a.SeenLeftOut, len(a.Recs), m.Items.Len()-len(seen))
		}
		for _, r := range a.Recs {
			i, _ := m.Items.Inner(r.Item)
			for _, j := range seen {
				if i == j {
					t.Errorf("user %s was recommended %s, which they rated in training", user, r.Item)
				}
			}
			if (r.Beyond == 1) != (r.Score > m.Max) || (r.Beyond == -1) != (r.Score < m.Min) {
				t.Errorf("user %s item %s: score %g beyond %d, scale %g..%g", user, r.Item, r.Score, r.Beyond, m.Min, m.Max)
			}
			beyond += r.Beyond * r.Beyond
		}
		all := get(fmt.Sprintf("/v1/recommend?user=%s&k=100&include_seen=true", user))
		if all.SeenLeftOut || len(all.Recs) != m.Items.Len() {
			t.Errorf("user %s with include_seen: seen_left_out %v, %d items, want false, %d", user, all.SeenLeftOut, len(all.Recs), m.Items.Len())
		}
	}
	if beyond == 0 {
		t.Error("no score passed the scale: the test does not check unclipped scores")
	}
	if code, r := do(t, h, "GET", "/v1/recommend?user="+m.Users.Raw(0)+"&include_seen=yes", ""); code != http.StatusBadRequest || r.Error == nil {
		t.Errorf("include_seen=yes: %d %+v, want 400", code, r)
	}
}
