package server_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/recnet/recnet/server"
)

// TestFoldInBadRatings lists fold-in ratings that must be refused with a
// 400 naming the item: not finite, null, or outside the model's 1..5.
func TestFoldInBadRatings(t *testing.T) {
	h := newServer().Handler()
	for _, tc := range []struct{ body, item string }{
		{`{"ratings":{"go":9}}`, "go"},
		{`{"ratings":{"go":4,"rust":-1000}}`, "rust"},
		{`{"ratings":{"zig":null}}`, "zig"},
		{`{"ratings":{"py":0.5}}`, "py"},
		{`{"ratings":{"go":5.000001}}`, "go"},
		{`{"ratings":{"go":1e400}}`, ""}, // not a float64: a JSON error
	} {
		code, r := do(t, h, "POST", "/v1/foldin", tc.body)
		if code != http.StatusBadRequest || r.Error == nil || r.Error.Code != "bad_request" || !strings.Contains(r.Error.Message, tc.item) {
			t.Errorf("%s: got %d %+v, want 400 bad_request naming %q", tc.body, code, r.Error, tc.item)
		}
	}
	if code, r := do(t, h, "POST", "/v1/foldin", `{"ratings":{"go":1,"rust":5},"k":1}`); code != http.StatusOK {
		t.Errorf("ratings at the ends of the range: %d %+v", code, r.Error)
	}
}

// TestFoldInInteractionModel checks that a model trained on interactions
// alone (range 1..1) folds in 1 and refuses any other value with a 400
// naming the item, as recommend --rated does.
func TestFoldInInteractionModel(t *testing.T) {
	m := testModel(0.25)
	m.Min, m.Max = 1, 1
	h := server.New(m, nil).Handler()
	for _, body := range []string{`{"ratings":{"go":-50}}`, `{"ratings":{"go":5}}`, `{"ratings":{"go":1,"rust":0}}`} {
		code, r := do(t, h, "POST", "/v1/foldin", body)
		if code != http.StatusBadRequest || r.Error == nil || !strings.Contains(r.Error.Message, "takes only 1") {
			t.Errorf("%s: got %d %+v, want 400 saying the model takes only 1", body, code, r.Error)
		}
	}
	if code, r := do(t, h, "POST", "/v1/foldin", `{"ratings":{"go":1,"rust":1},"k":1}`); code != http.StatusOK {
		t.Errorf("interactions of value 1: %d %+v", code, r.Error)
	}
}

// TestHead checks that HEAD is answered wherever GET is, with GET's status
// and headers.
func TestHead(t *testing.T) {
	h := newServer().Handler()
	for _, target := range []string{"/healthz", "/v1/model", "/v1/items", "/v1/recommend?user=ann", "/v1/predict?user=ann&item=go", "/v1/similar?item=go", "/metrics", "/", "/v1/recommend?user=zed"} {
		get, head := httptest.NewRecorder(), httptest.NewRecorder()
		h.ServeHTTP(get, httptest.NewRequest("GET", target, nil))
		h.ServeHTTP(head, httptest.NewRequest("HEAD", target, nil))
		if head.Code != get.Code || head.Header().Get("Content-Type") != get.Header().Get("Content-Type") {
			t.Errorf("HEAD %s: %d %q, GET: %d %q", target, head.Code, head.Header().Get("Content-Type"), get.Code, get.Header().Get("Content-Type"))
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("PUT", "/healthz", nil))
	if got := rec.Header().Get("Allow"); got != "GET, HEAD" {
		t.Errorf("Allow %q, want GET, HEAD", got)
	}
}

func TestMetricsNoSniff(t *testing.T) {
	rec := httptest.NewRecorder()
	newServer().Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if got := rec.Header().Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("X-Content-Type-Options %q, want nosniff", got)
	}
}
