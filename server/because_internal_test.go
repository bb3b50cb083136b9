package server

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

// TestBecauseBusy fills the fold-in slots and checks that /v1/recommend,
// whose reasons are a fold-in, still answers its list at once, with a
// note for the reasons it left out: it does not wait the fold-in wait (an
// hour here) behind the fold-ins.
func TestBecauseBusy(t *testing.T) {
	d, _ := dataset.GenerateLowRank(dataset.LowRankConfig{Users: 5, Items: 6, Rank: 2, Rows: 20, Seed: 1})
	cfg := model.Config{Kind: "dot", Settings: model.Settings{Dim: 2, Activation: model.Linear}}
	m := &model.Model{Config: cfg, Net: model.NewDot(d.Users.Len(), d.Items.Len(), cfg), Users: d.Users, Items: d.Items, Min: 1, Max: 5}
	var err error
	if m.Seen, err = model.NewSeen(d.Users.Len(), d.Items.Len(), d.Ratings); err != nil {
		t.Fatal(err)
	}
	s := New(m, nil, WithFoldInLimit(1), WithFoldInWait(time.Hour))
	target := "/v1/recommend?user=" + d.Users.Raw(0)
	get := func() (note string, exact *bool) {
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", target, nil))
		var a struct {
			Data struct {
				Note  string          `json:"because_note"`
				Exact *bool           `json:"because_exact"`
				Recs  json.RawMessage `json:"recommendations"`
			} `json:"data"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &a); rec.Code != http.StatusOK || err != nil || len(a.Data.Recs) < 3 {
			t.Fatalf("%d %v %s", rec.Code, err, rec.Body)
		}
		return a.Data.Note, a.Data.Exact
	}
	if note, exact := get(); note != "" || exact == nil {
		t.Errorf("free slot: because_note %q, because_exact %v; want reasons", note, exact)
	}
	s.slots <- struct{}{} // a slow fold-in running
	if note, exact := get(); note != noteBusy || exact != nil {
		t.Errorf("busy: because_note %q, because_exact %v; want %q", note, exact, noteBusy)
	}
	<-s.slots
}
