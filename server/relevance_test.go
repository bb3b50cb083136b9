package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
	"github.com/recnet/recnet/server"
	"github.com/recnet/recnet/train"
)

// relevanceModels returns a split of generated course data and a small
// ials and a small ease model fitted on it, whose scores only order the
// items.
func relevanceModels(t *testing.T) (*dataset.Split, []*model.Model) {
	t.Helper()
	d, _ := dataset.GenerateCourses(dataset.CourseConfig{Users: 200, Items: 30, Rows: 1400})
	split, err := dataset.SplitRandom(d, dataset.Fractions{}, 1)
	if err != nil {
		t.Fatal(err)
	}
	var models []*model.Model
	for _, cfg := range []model.Config{
		{Kind: "ials", Training: model.Training{Epochs: 2}, Settings: model.Settings{Dim: 4}},
		{Kind: "ease"},
	} {
		m, err := train.Fit(context.Background(), split, cfg)
		if err != nil {
			t.Fatalf("%s: %v", cfg.Kind, err)
		}
		models = append(models, m)
	}
	return split, models
}

// TestRelevanceModel serves a small ials and a small ease model, whose
// scores only order the items, and checks that /v1/model says their score
// is "relevance", and that /v1/predict and /v1/recommend give the score
// under that name, not as a rating or a probability.
func TestRelevanceModel(t *testing.T) {
	_, models := relevanceModels(t)
	for _, m := range models {
		cfg := m.Config
		if m.ScoreName() != model.ScoreRelevance {
			t.Fatalf("%s: ScoreName %q, want %q", cfg.Kind, m.ScoreName(), model.ScoreRelevance)
		}
		h := server.New(m, nil).Handler()
		user, item := m.Users.Raw(0), m.Items.Raw(0)

		var info struct {
			Data struct {
				Score  string `json:"score"`
				Models []struct {
					Score string `json:"score"`
				} `json:"models"`
			} `json:"data"`
		}
		body := get(t, h, "/v1/model", &info)
		if info.Data.Score != "relevance" || len(info.Data.Models) != 1 || info.Data.Models[0].Score != "relevance" {
			t.Errorf("%s: /v1/model %s; want score relevance, in the list too", cfg.Kind, body)
		}

		var pred struct {
			Data map[string]json.RawMessage `json:"data"`
		}
		body = get(t, h, "/v1/predict?user="+user+"&item="+item, &pred)
		want, err := m.Predict(user, item)
		if err != nil {
			t.Fatal(err)
		}
		var got float64
		if len(pred.Data) != 3 || json.Unmarshal(pred.Data["relevance"], &got) != nil || got != want {
			t.Errorf("%s: /v1/predict %s; want user, item and relevance %v", cfg.Kind, body, want)
		}
		if !strings.HasPrefix(body, `{"status":"success","data":{"user":`) {
			t.Errorf("%s: /v1/predict %s; want user, item, then the score", cfg.Kind, body)
		}

		var recs struct {
			Data struct {
				ScoreKind string `json:"score_kind"`
			} `json:"data"`
		}
		body = get(t, h, "/v1/recommend?user="+user+"&k=2&because=false", &recs)
		if recs.Data.ScoreKind != "relevance" {
			t.Errorf("%s: /v1/recommend %s; want score_kind relevance", cfg.Kind, body)
		}
	}
}

// get answers GET target from h, decoding the body into v, and returns
// the body.
func get(t *testing.T, h http.Handler, target string, v any) string {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", target, nil))
	body := rec.Body.String()
	if rec.Code != 200 {
		t.Fatalf("GET %s: %d %s", target, rec.Code, body)
	}
	if err := json.Unmarshal(rec.Body.Bytes(), v); err != nil {
		t.Fatalf("GET %s: %v: %s", target, err, body)
	}
	return body
}

// TestNextToTake serves what the README's serve instructions do on
// generated course data: a rating model "ratings" beside an implicit one
// "next" (ials, then ease). /v1/model lists "next" with the score
// relevance, by which the page offers its list as what learners like you
// take next; POST /v1/foldin?model=next with the learner's chosen
// courses answers the library's fold-in list for them, which leaves them
// out, under score_kind relevance.
func TestNextToTake(t *testing.T) {
	split, models := relevanceModels(t)
	ratings, err := train.Fit(context.Background(), split, model.Config{Kind: "bias"})
	if err != nil {
		t.Fatal(err)
	}
	for _, next := range models {
		cfg := next.Config
		s, err := server.NewNamed([]server.Named{{Name: "ratings", Model: ratings}, {Name: "next", Model: next}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		h := s.Handler()
		// A tick is all: the page sends the top of the model's range.
		chosen := map[string]float64{split.Items.Raw(0): next.Max, split.Items.Raw(1): next.Max}
		b, err := json.Marshal(map[string]any{"ratings": chosen, "k": 5, "because": false})
		if err != nil {
			t.Fatal(err)
		}
		var info struct {
			Data struct {
				Models []struct{ Name, Score string } `json:"models"`
			} `json:"data"`
		}
		got := get(t, h, "/v1/model", &info)
		if m := info.Data.Models; len(m) != 2 || m[0].Score != "rating" || m[1].Name != "next" || m[1].Score != "relevance" {
			t.Errorf("%s: /v1/model %s; want ratings by rating, next by relevance", cfg.Kind, got)
		}

		code, r := do(t, h, "POST", "/v1/foldin?model=next", string(b))
		var recs struct {
			ScoreKind       string `json:"score_kind"`
			Recommendations []struct {
				Item  string
				Score float64
			} `json:"recommendations"`
		}
		if code != 200 || json.Unmarshal(r.Data, &recs) != nil {
			t.Fatalf("%s: fold-in: %d %s %+v", cfg.Kind, code, r.Data, r.Error)
		}
		want, err := next.FoldIn(chosen, 5, 0)
		if err != nil {
			t.Fatal(err)
		}
		if recs.ScoreKind != "relevance" || len(recs.Recommendations) != len(want.Recs) || want.Cold {
			t.Fatalf("%s: fold-in %s; want score_kind relevance and the %d items of FoldIn", cfg.Kind, r.Data, len(want.Recs))
		}
		for k, rec := range recs.Recommendations {
			if _, took := chosen[rec.Item]; took || rec.Item != want.Recs[k].Item || rec.Score != want.Recs[k].Score {
				t.Errorf("%s: item %d is %s %v; want %s %v, and no chosen course", cfg.Kind, k, rec.Item, rec.Score, want.Recs[k].Item, want.Recs[k].Score)
			}
		}
	}
}
