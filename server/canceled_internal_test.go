package server

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/recnet/recnet/model"
)

// TestCanceledNotBusy checks that a fold-in whose client gave up (its
// request's context canceled while it waited for a slot, or before) is
// counted apart from the 503s of a busy server, with status 499 (client
// closed request), and that every metric has its HELP and TYPE lines.
func TestCanceledNotBusy(t *testing.T) {
	s := New(deepModel(), nil, WithFoldInLimit(1), WithFoldInWait(0))
	h := s.Handler()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	body := `{"ratings":{"go":5,"rust":1},"k":2}`
	if rec := post(h, ctx, body); rec.Code != StatusClientClosed || !strings.Contains(rec.Body.String(), `"code":"canceled"`) {
		t.Errorf("canceled fold-in: %d %s, want %d canceled", rec.Code, rec.Body, StatusClientClosed)
	}
	r := httptest.NewRecorder()
	h.ServeHTTP(r, httptest.NewRequest("GET", "/metrics", nil))
	text := r.Body.String()
	if strings.Contains(text, `code="503"`) || !strings.Contains(text, `code="499"`) {
		t.Errorf("a canceled fold-in is not counted as 499 apart from 503:\n%s", text)
	}
	for _, line := range strings.Split(text, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, _, _ := strings.Cut(line, " ")
		name, _, _ = strings.Cut(name, "{")
		name = strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(name, "_bucket"), "_sum"), "_count")
		if !strings.Contains(text, "# HELP "+name+" ") || !strings.Contains(text, "# TYPE "+name+" ") {
			t.Errorf("metric %s has no HELP or TYPE line", name)
		}
	}
}

// TestPredictImplicit checks that /v1/predict labels an implicit-task
// model's score as a probability, and a rating model's as a rating, and
// that /v1/model says which (the web page labels its scores by it).
func TestPredictImplicit(t *testing.T) {
	cases := []struct {
		task, field, not string
	}{
		{model.TaskImplicit, `"probability":`, `"rating":`},
		{model.TaskRating, `"rating":`, `"probability":`},
	}
	for _, c := range []struct{ task, want string }{
		{model.TaskImplicit, `"score":"probability"`},
		{model.TaskRating, `"score":"rating"`},
	} {
		m := deepModel()
		m.Config.Task = c.task
		r := httptest.NewRecorder()
		New(m, nil).Handler().ServeHTTP(r, httptest.NewRequest("GET", "/v1/model", nil))
		if body := r.Body.String(); r.Code != 200 || !strings.Contains(body, c.want) {
			t.Errorf("task %s: /v1/model %d %s; want %s", c.task, r.Code, body, c.want)
		}
	}
	for _, c := range cases {
		m := deepModel()
		m.Config.Task = c.task
		r := httptest.NewRecorder()
		New(m, nil).Handler().ServeHTTP(r, httptest.NewRequest("GET", "/v1/predict?user=ann&item=go", nil))
		if body := r.Body.String(); r.Code != 200 || !strings.Contains(body, c.field) || strings.Contains(body, c.not) {
			t.Errorf("task %s: %d %s; want %s and no %s", c.task, r.Code, body, c.field, c.not)
		}
	}
}
