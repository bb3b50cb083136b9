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

// TestRecommendNew checks that /v1/recommend marks "new": true on exactly
// the items a model with item features had no interaction for.
func TestRecommendNew(t *testing.T) {
	m := seenModel(t, dataset.LowRankConfig{Users: 10, Items: 8, Rank: 2, Rows: 40, Noise: 0.3, Seed: 3}, 2)
	f := dataset.Features{Names: []string{"A"}, Offsets: make([]int32, m.Items.Len()+1)}
	m.Features = &model.ItemFeatures{Features: f, New: []int32{1, 5}}
	h := server.New(m, nil).Handler()
	code, r := do(t, h, "GET", fmt.Sprintf("/v1/recommend?user=%s&k=100&include_seen=true", m.Users.Raw(0)), "")
	var a struct {
		Recs []struct {
			Item string `json:"item"`
			New  bool   `json:"new"`
		} `json:"recommendations"`
	}
	if err := json.Unmarshal(r.Data, &a); code != http.StatusOK || err != nil || len(a.Recs) != m.Items.Len() {
		t.Fatalf("%d %v %s", code, err, r.Data)
	}
	for _, rec := range a.Recs {
		i, _ := m.Items.Inner(rec.Item)
		if rec.New != (i == 1 || i == 5) {
			t.Errorf("item %s (inner %d): new %v", rec.Item, i, rec.New)
		}
	}
}
