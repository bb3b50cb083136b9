package server_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestErrorsQuoteShort sends 20 KB ids, a 3 KB k, a 20 KB unknown JSON
// field and a 20 KB path: each error body quotes at most a short piece.
func TestErrorsQuoteShort(t *testing.T) {
	h := newServer().Handler()
	long := strings.Repeat("x", 20000)
	digits := strings.Repeat("9", 3000)
	for _, tc := range []struct {
		method, target, body string
		code                 int
	}{
		{"GET", "/v1/predict?user=" + long + "&item=go", "", http.StatusNotFound},
		{"GET", "/v1/predict?user=ann&item=" + long, "", http.StatusNotFound},
		{"GET", "/v1/recommend?user=" + long, "", http.StatusNotFound},
		{"GET", "/v1/similar?item=" + long, "", http.StatusNotFound},
		{"GET", "/v1/recommend?user=ann&k=" + digits, "", http.StatusBadRequest},
		{"GET", "/v1/items?limit=" + long, "", http.StatusBadRequest},
		{"POST", "/v1/foldin", `{"ratings":{"` + long + `":4}}`, http.StatusNotFound},
		{"POST", "/v1/foldin", `{"ratings":{"` + long + `":9}}`, http.StatusBadRequest},
		{"POST", "/v1/foldin", `{"ratings":{"` + long + `":null}}`, http.StatusBadRequest},
		{"POST", "/v1/foldin", `{"ratings":{"go":4},"` + long + `":1}`, http.StatusBadRequest},
		{"POST", "/v1/foldin", `{"ratings":{"` + long + `":4,"` + long + `":3}}`, http.StatusBadRequest},
		{"GET", "/v1/" + long, "", http.StatusNotFound},
		{"GET", "/web/" + long, "", http.StatusNotFound},
	} {
		code, r := do(t, h, tc.method, tc.target, tc.body)
		if code != tc.code || r.Error == nil {
			t.Errorf("%s %.40s: got %d %+v, want %d", tc.method, tc.target, code, r.Error, tc.code)
			continue
		}
		if n := len(r.Error.Message); n > 300 {
			t.Errorf("%s %.40s: message of %d bytes: %.120s...", tc.method, tc.target, n, r.Error.Message)
		}
	}
}

// TestFoldInDuplicateKeys checks that a fold-in body naming an item twice
// (as written or once escaped), or twice ratings, is refused with a 400
// naming the item rather than keeping the last value.
func TestFoldInDuplicateKeys(t *testing.T) {
	h := newServer().Handler()
	for _, tc := range []struct{ body, want string }{
		{`{"ratings":{"go":4,"go":3}}`, `"go"`},
		{`{"ratings":{"go":4,"rust":2,"go":4}}`, `"go"`},
		{`{"ratings":{"go":4,"\u0067o":3}}`, `"go"`},
		{`{"ratings":{"go":4,"go":null}}`, `"go"`},
		{`{"ratings":{"go":4},"ratings":{"rust":3}}`, `ratings`},
		// encoding/json matches field names ignoring case: a variant is
		// refused rather than taken for the field.
		{`{"ratings":{"go":4},"k":3,"K":1}`, `"K"`},
		{`{"ratings":{"go":4},"Ratings":{"rust":3}}`, `"Ratings"`},
		{`{"RATINGS":{"go":4}}`, `"RATINGS"`},
		{`{"ratings":{"go":4},"\u212a":1}`, "\"\u212a\""}, // the Kelvin sign folds to k
	} {
		code, r := do(t, h, "POST", "/v1/foldin", tc.body)
		if code != http.StatusBadRequest || r.Error == nil || !strings.Contains(r.Error.Message, tc.want) {
			t.Errorf("%s: got %d %+v, want 400 naming %s", tc.body, code, r.Error, tc.want)
		}
	}
	for _, body := range []string{`{"ratings":{"go":4,"rust":3}}`, `{"ratings":{},"k":2}`, `{"ratings":null}`} {
		if code, r := do(t, h, "POST", "/v1/foldin", body); code != http.StatusOK {
			t.Errorf("%s: got %d %+v, want 200", body, code, r.Error)
		}
	}
}
