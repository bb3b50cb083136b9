package model_test

import (
	"bytes"
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

// TestEASETablesMatchIDs refuses an ease model whose weight table does not
// have one row per item id, or whose user rows do not have one count per
// user id: such a file used to load, and its first recommendation to
// index out of range.
func TestEASETablesMatchIDs(t *testing.T) {
	net := &model.EASE{Items: 4, Weights: make([]float32, 16), Offsets: []int{0, 1}, UserItems: []int32{2}}
	m := &model.Model{Config: model.Config{Kind: "ease"}, Net: net,
		Users: dataset.NewIDMap([]string{"u0"}), Items: dataset.NewIDMap([]string{"a", "b", "c", "d", "e", "f", "g", "h"}), Min: 1, Max: 5}
	var b bytes.Buffer
	if err := m.Write(&b); err == nil {
		if _, err := model.Read(bytes.NewReader(b.Bytes()), "crafted.recnet"); err == nil {
			t.Fatal("an ease file of 4 weight rows for 8 item ids loads")
		}
	}
}

// TestColdStartRelevanceByPopularity: an ease learner with no ratings
// scores every item 0; the cold start ranks by how many users took each
// item instead, and says it is a cold start.
func TestColdStartRelevanceByPopularity(t *testing.T) {
	net := &model.EASE{Items: 3, Weights: make([]float32, 9), Offsets: []int{0, 1, 3, 4}, UserItems: []int32{2, 1, 2, 2}}
	m := &model.Model{Config: model.Config{Kind: "ease"}, Net: net,
		Users: dataset.NewIDMap([]string{"u0", "u1", "u2"}), Items: dataset.NewIDMap([]string{"a", "b", "c"}), Min: 1, Max: 5}
	seen, err := model.NewSeen(3, 3, dataset.Ratings{User: []int32{0, 1, 1, 2}, Item: []int32{2, 1, 2, 2}, Value: []float32{5, 4, 3, 5}})
	if err != nil {
		t.Fatal(err)
	}
	m.Seen = seen
	res, err := m.FoldIn(map[string]float64{}, 2, 0)
	if err != nil || !res.Cold || len(res.Recs) != 2 || res.Recs[0].Item != "c" || res.Recs[1].Item != "b" {
		t.Fatalf("cold start: %+v, %v; want c (3 users) then b (1)", res, err)
	}
}
