package server_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/recnet/recnet/model"
	"github.com/recnet/recnet/server"
)

// twoModels serves a rating model "ratings" and an implicit one "next"
// whose item "go" has a much higher bias, so that their lists differ.
func twoModels(t *testing.T) *server.Server {
	t.Helper()
	next := testModel(3)
	next.Config.Task = model.TaskImplicit
	s, err := server.NewNamed([]server.Named{{Name: "ratings", Model: testModel(0.25)}, {Name: "next", Model: next}}, testCatalog())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestNamedModels(t *testing.T) {
	h := twoModels(t).Handler()
	first := func(target string) string {
		t.Helper()
		code, r := do(t, h, "GET", target, "")
		if code != http.StatusOK {
			t.Fatalf("%s: %d %+v", target, code, r.Error)
		}
		var d struct {
			Recommendations []struct{ Item string } `json:"recommendations"`
		}
		if err := json.Unmarshal(r.Data, &d); err != nil || len(d.Recommendations) == 0 {
			t.Fatalf("%s: %s (%v)", target, r.Data, err)
		}
		return d.Recommendations[0].Item
	}
	// The first model is the default; model=NAME chooses, in the query
	// of a GET and of the fold-in POST alike.
	def, rat, nxt := first("/v1/recommend?user=bob&k=1"), first("/v1/recommend?user=bob&k=1&model=ratings"), first("/v1/recommend?model=next&user=bob&k=1")
	if def != rat || nxt != "go" || rat == "go" {
		t.Errorf("first items: default %s, ratings %s, next %s; want default = ratings, next go", def, rat, nxt)
	}
	code, r := do(t, h, "POST", "/v1/foldin?model=next", `{"ratings":{"py":5},"k":1}`)
	if code != http.StatusOK || !strings.Contains(string(r.Data), `"item":"go"`) {
		t.Errorf("fold-in with model=next: %d %s", code, r.Data)
	}
	// An escaped parameter name counts too.
	if got := first("/v1/recommend?user=bob&k=1&mod%65l=next"); got != "go" {
		t.Errorf("mod%%65l=next: first item %s, want go", got)
	}

	code, r = do(t, h, "GET", "/v1/model?model=next", "")
	if code != http.StatusOK {
		t.Fatalf("/v1/model?model=next: %d", code)
	}
	var info struct {
		Name, Score string
		Models      []struct{ Name, Kind, Score string }
	}
	if err := json.Unmarshal(r.Data, &info); err != nil {
		t.Fatal(err)
	}
	if info.Name != "next" || info.Score != "probability" || len(info.Models) != 2 ||
		info.Models[0].Name != "ratings" || info.Models[0].Score != "rating" || info.Models[1].Name != "next" || info.Models[1].Kind != "dot" {
		t.Errorf("/v1/model?model=next = %s", r.Data)
	}

	code, r = do(t, h, "GET", "/v1/recommend?user=bob&model=nope", "")
	if code != http.StatusNotFound || r.Error == nil || r.Error.Code != "unknown_model" || !strings.Contains(r.Error.Message, "ratings, next") {
		t.Errorf("model=nope: %d %+v", code, r.Error)
	}
	code, r = do(t, h, "GET", "/v1/recommend?user=bob&model=%zz", "")
	if code != http.StatusBadRequest {
		t.Errorf("model=%%zz: %d %+v", code, r.Error)
	}
	// An empty model= names no model: refused, not the default.
	for _, target := range []string{"/v1/recommend?user=bob&model=", "/v1/recommend?model&user=bob", "/v1/model?model=", "/v1/recommend?user=bob&model=&model=next"} {
		code, r = do(t, h, "GET", target, "")
		if code != http.StatusBadRequest || r.Error == nil || !strings.Contains(r.Error.Message, `"model"`) {
			t.Errorf("%s: %d %+v, want 400 naming model", target, code, r.Error)
		}
	}
	code, r = do(t, h, "POST", "/v1/foldin?model=", `{"ratings":{"py":5},"k":1}`)
	if code != http.StatusBadRequest {
		t.Errorf("fold-in with model=: %d %+v, want 400", code, r.Error)
	}
}

func TestSwapNamed(t *testing.T) {
	s := twoModels(t)
	if err := s.SwapNamed("nope", testModel(0)); err == nil {
		t.Error("SwapNamed(nope) succeeded")
	}
	if err := s.SwapNamed("next", nil); err == nil {
		t.Error("SwapNamed(next, nil) succeeded")
	}
	if err := s.SwapNamed("next", testModel(0.25)); err != nil {
		t.Fatal(err)
	}
	code, r := do(t, s.Handler(), "GET", "/v1/model?model=next", "")
	if code != http.StatusOK || !strings.Contains(string(r.Data), `"name":"next","kind":"dot","score":"rating"`) {
		t.Errorf("after the swap: %d %s", code, r.Data)
	}
	if s.Model().Config.Implicit() {
		t.Error("Model() is not the first model")
	}
}

func TestNewNamedRefuses(t *testing.T) {
	m := testModel(0)
	many := make([]server.Named, server.MaxModels+1)
	for k := range many {
		many[k] = server.Named{Name: strings.Repeat("m", k+1), Model: m}
	}
	for _, tc := range []struct {
		name   string
		models []server.Named
		want   string
	}{
		{"none", nil, "0 models"},
		{"too many", many, "9 models, want 1 to 8"},
		{"duplicate", []server.Named{{"a", m}, {"a", m}}, `two models named "a"`},
		{"nil", []server.Named{{"a", nil}}, "model a is nil"},
		{"empty name", []server.Named{{"", m}}, `model name ""`},
		{"slash", []server.Named{{"a/b", m}}, `model name "a/b"`},
		{"long", []server.Named{{strings.Repeat("x", 33), m}}, "model name"},
	} {
		if _, err := server.NewNamed(tc.models, nil); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
	for _, ok := range []string{"a", "ratings", "next-1", "v1.2_b", strings.Repeat("x", 32)} {
		if err := server.CheckName(ok); err != nil {
			t.Errorf("CheckName(%q): %v", ok, err)
		}
	}
}
