package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
	"github.com/recnet/recnet/server"
)

// becauseAnswer is a recommend or fold-in answer as a client reads its
// reasons.
type becauseAnswer struct {
	Exact *bool  `json:"because_exact"`
	Note  string `json:"because_note"`
	Recs  []struct {
		Item    string `json:"item"`
		Because *[]struct {
			Item   string  `json:"item"`
			Title  string  `json:"title"`
			Rating float64 `json:"rating"`
			Share  float64 `json:"share"`
		} `json:"because"`
	} `json:"recommendations"`
}

// getBecause sends a request to h and decodes the reasons of its answer.
func getBecause(t *testing.T, h http.Handler, method, target, body string) becauseAnswer {
	t.Helper()
	code, r := do(t, h, method, target, body)
	var a becauseAnswer
	if err := json.Unmarshal(r.Data, &a); code != http.StatusOK || err != nil {
		t.Fatalf("%s %s: %d %v %+v", method, target, code, err, r.Error)
	}
	return a
}

// seenDot returns a dot model of a small seeded table that keeps its seen
// items, and a catalog titling every second item.
func seenDot(t *testing.T) (*model.Model, *dataset.Catalog) {
	t.Helper()
	m := seenModel(t, dataset.LowRankConfig{Users: 20, Items: 15, Rank: 2, Rows: 200, Noise: 0.3, Seed: 5}, 4)
	cat := &dataset.Catalog{}
	for k, id := range m.Items.IDs() {
		if k%2 == 0 {
			cat.Courses = append(cat.Courses, dataset.Course{ID: id, Title: "Course " + id})
		}
	}
	return m, cat
}

// checkBecause checks that each item's reasons are the model.MaxReasons largest
// positive parts of want, in order, with their shares and titles.
func checkBecause(t *testing.T, a becauseAnswer, want []model.Explanation, cat *dataset.Catalog) {
	t.Helper()
	exact := len(want) == 0 || want[0].Exact // a known user's reasons explain a refold: not exact
	if a.Exact == nil || *a.Exact != exact || a.Note != "" || len(a.Recs) != len(want) {
		t.Fatalf("because_exact %v, note %q, %d items: want %v, none, %d", a.Exact, a.Note, len(a.Recs), exact, len(want))
	}
	reasons := 0
	for k, r := range a.Recs {
		if r.Because == nil {
			t.Fatalf("item %s has no because", r.Item)
		}
		top := want[k].Top(model.MaxReasons)
		got := *r.Because
		if len(got) != len(top) {
			t.Errorf("item %s: %d reasons, want %d (%+v)", r.Item, len(got), len(top), want[k].Parts)
			continue
		}
		for j, g := range got {
			title := ""
			if c, ok := cat.Lookup(top[j].Item); ok {
				title = c.Title
			}
			if g.Item != top[j].Item || g.Rating != top[j].Rating || g.Share != top[j].Share || g.Title != title {
				t.Errorf("item %s reason %d: %+v, want %s %q rating %g share %g", r.Item, j, g, top[j].Item, title, top[j].Rating, top[j].Share)
			}
		}
		reasons += len(got)
	}
	if reasons == 0 {
		t.Error("no reason given: the test checks nothing")
	}
}

// TestBecauseFoldIn checks the reasons of a fold-in against
// model.Explain: the largest positive parts, at most model.MaxReasons, titled
// from the catalog, and the answer marked exact for a dot model.
func TestBecauseFoldIn(t *testing.T) {
	m, cat := seenDot(t)
	h := server.New(m, cat).Handler()
	ratings := map[string]float64{}
	for k, id := range m.Items.IDs()[:6] {
		ratings[id] = m.Min + float64(k%3)*(m.Max-m.Min)/2
	}
	body, _ := json.Marshal(map[string]any{"ratings": ratings, "k": 8})
	a := getBecause(t, h, "POST", "/v1/foldin", string(body))
	var items []string
	for _, r := range a.Recs {
		items = append(items, r.Item)
	}
	want, err := m.Explain(context.Background(), ratings, items, 0)
	if err != nil {
		t.Fatal(err)
	}
	checkBecause(t, a, want, cat)
}

// TestBecauseKnownUser checks every user's reasons on /v1/recommend
// against model.ExplainUser: they name only items the user rated.
func TestBecauseKnownUser(t *testing.T) {
	m, cat := seenDot(t)
	h := server.New(m, cat).Handler()
	for u := range int32(m.Users.Len()) {
		user := m.Users.Raw(u)
		a := getBecause(t, h, "GET", "/v1/recommend?k=5&user="+user, "")
		var items []string
		for _, r := range a.Recs {
			items = append(items, r.Item)
		}
		want, err := m.ExplainUser(context.Background(), user, items, 0)
		if err != nil {
			t.Fatal(err)
		}
		checkBecause(t, a, want, cat)
		seen, _ := m.SeenItems(u)
		for _, r := range a.Recs {
			for _, b := range *r.Because {
				if i, _ := m.Items.Inner(b.Item); !slices.Contains(seen, i) {
					t.Errorf("user %s item %s: reason %s, which the user did not rate", user, r.Item, b.Item)
				}
			}
		}
	}
}

// TestBecauseNote checks the answers without reasons: one because_note
// saying why, and no item's because.
func TestBecauseNote(t *testing.T) {
	cfg := model.Config{Kind: "mlp", Settings: model.Settings{Dim: 2, Layers: "4", Activation: model.Sigmoid}}.WithDefaults()
	n := model.MaxDeepExplain + 2
	ids := make([]string, n)
	many := map[string]float64{}
	for k := range ids {
		ids[k] = fmt.Sprintf("c%d", k)
		many[ids[k]] = 4
	}
	deep := &model.Model{Config: cfg, Net: model.NewMLP(1, n, cfg), Users: dataset.NewIDMap([]string{"ann"}),
		Items: dataset.NewIDMap(ids), Min: 1, Max: 5}
	body, _ := json.Marshal(map[string]any{"ratings": many, "k": 1})
	for _, tt := range []struct {
		name                 string
		m                    *model.Model
		method, target, body string
		note                 string // in the note
	}{
		{"no seen items", testModel(0.25), "GET", "/v1/recommend?user=ann", "", "keeps no seen items"},
		{"deep, too many ratings", deep, "POST", "/v1/foldin", string(body), fmt.Sprintf("at most %d ratings", model.MaxDeepExplain)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := getBecause(t, server.New(tt.m, nil).Handler(), tt.method, tt.target, tt.body)
			if !strings.Contains(a.Note, tt.note) || a.Exact != nil {
				t.Errorf("because_note %q, because_exact %v: want a note with %q and no because_exact", a.Note, a.Exact, tt.note)
			}
			for _, r := range a.Recs {
				if r.Because != nil {
					t.Errorf("item %s has because %v beside a note", r.Item, *r.Because)
				}
			}
		})
	}
	// Within the limit, the deep net explains by leave-one-out refits,
	// which are not exact.
	a := getBecause(t, server.New(deep, nil).Handler(), "POST", "/v1/foldin", `{"ratings":{"c0":5,"c1":1},"k":2}`)
	if a.Note != "" || a.Exact == nil || *a.Exact || len(a.Recs) != 2 || a.Recs[0].Because == nil {
		t.Errorf("deep fold-in of 2 ratings: note %q, because_exact %v, %+v; want reasons, not exact", a.Note, a.Exact, a.Recs)
	}
}
