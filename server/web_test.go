package server_test

import (
	"net/http/httptest"
	"strings"
	"testing"
)

func TestWebPage(t *testing.T) {
	h := newServer().Handler()
	tests := []struct {
		target, ctype, want string
	}{
		{"/", "text/html; charset=utf-8", `<script src="/web/app.js"`},
		{"/web/app.js", "text/javascript; charset=utf-8", "/v1/foldin"},
		{"/web/style.css", "text/css; charset=utf-8", ":focus-visible"},
	}
	for _, tt := range tests {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", tt.target, nil))
		if rec.Code != 200 {
			t.Errorf("GET %s: status %d", tt.target, rec.Code)
			continue
		}
		if ct := rec.Header().Get("Content-Type"); ct != tt.ctype {
			t.Errorf("GET %s: Content-Type %q, want %q", tt.target, ct, tt.ctype)
		}
		if !strings.Contains(rec.Body.String(), tt.want) {
			t.Errorf("GET %s: body lacks %q", tt.target, tt.want)
		}
	}
}

func TestWebNotFound(t *testing.T) {
	h := newServer().Handler()
	for _, target := range []string{"/web/nope.js", "/web/", "/web/../server.go", "/index.html", "/web"} {
		code, r := do(t, h, "GET", target, "")
		if code != 404 || r.Error == nil || r.Error.Code != "not_found" {
			t.Errorf("GET %s: got %d %+v, want 404 not_found", target, code, r.Error)
		}
	}
	code, r := do(t, h, "POST", "/", "")
	if code != 405 || r.Error == nil || r.Error.Code != "method_not_allowed" {
		t.Errorf("POST /: got %d %+v, want 405", code, r.Error)
	}
}
