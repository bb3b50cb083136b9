package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

// deepModel returns an mlp on the rating scale 1..5 over four items.
func deepModel() *model.Model {
	cfg := model.Config{Kind: "mlp", Settings: model.Settings{Dim: 2, Layers: "4", Activation: model.Sigmoid}}.WithDefaults()
	return &model.Model{
		Config: cfg, Net: model.NewMLP(2, 4, cfg),
		Users: dataset.NewIDMap([]string{"ann", "bob"}),
		Items: dataset.NewIDMap([]string{"go", "rust", "zig", "py"}),
		Min:   1, Max: 5,
	}
}

func post(h http.Handler, ctx context.Context, body string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", "/v1/foldin", strings.NewReader(body)).WithContext(ctx))
	return rec
}

// TestFoldInSlots fills the fold-in slots as slow fold-ins would and
// checks that a further fold-in waits for a slot, is refused with a 503
// envelope when none frees in time, stops when its request ends, and that
// /healthz and /metrics answer meanwhile.
func TestFoldInSlots(t *testing.T) {
	if got := cap(New(deepModel(), nil).slots); got != runtime.GOMAXPROCS(0) {
		t.Errorf("default fold-in slots %d, want GOMAXPROCS %d", got, runtime.GOMAXPROCS(0))
	}
	s := New(deepModel(), nil, WithFoldInLimit(2), WithFoldInWait(0))
	h := s.Handler()
	body := `{"ratings":{"go":5,"rust":1},"k":2}`
	bg := context.Background()
	if rec := post(h, bg, body); rec.Code != http.StatusOK {
		t.Fatalf("free slots: %d %s", rec.Code, rec.Body)
	}
	if len(s.slots) != 0 {
		t.Errorf("%d slots held after the fold-in", len(s.slots))
	}
	s.slots <- struct{}{} // two slow fold-ins running
	s.slots <- struct{}{}
	rec := post(h, bg, body)
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), `"status":"error","error":{"code":"busy"`) || rec.Header().Get("Retry-After") == "" {
		t.Errorf("full slots: %d %v %s, want a 503 busy envelope with Retry-After", rec.Code, rec.Header(), rec.Body)
	}
	for _, target := range []string{"/healthz", "/metrics"} {
		r := httptest.NewRecorder()
		h.ServeHTTP(r, httptest.NewRequest("GET", target, nil))
		if r.Code != http.StatusOK {
			t.Errorf("%s with full slots: %d", target, r.Code)
		}
		if target == "/metrics" && (!strings.Contains(r.Body.String(), "recnet_foldins_running 2\n") || !strings.Contains(r.Body.String(), "recnet_foldin_slots 2\n")) {
			t.Errorf("metrics lack the running fold-ins:\n%s", r.Body)
		}
	}
	// A fold-in whose request has ended is not run.
	<-s.slots
	<-s.slots
	ctx, cancel := context.WithCancel(bg)
	cancel()
	if rec := post(h, ctx, body); rec.Code != StatusClientClosed || len(s.slots) != 0 {
		t.Errorf("canceled fold-in: %d %s, %d slots held", rec.Code, rec.Body, len(s.slots))
	}
}

// TestFoldInSlotWait checks a fold-in that waits for a slot: it gets the
// slot freed while it waits, and stops waiting when its request ends.
// synctest.Wait makes sure the fold-in waits before the slot is freed or
// the request ends; a wait that misses either runs out its hour of fake
// time and answers 503.
func TestFoldInSlotWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(deepModel(), nil, WithFoldInLimit(2), WithFoldInWait(time.Hour))
		h := s.Handler()
		body := `{"ratings":{"go":5,"rust":1},"k":2}`
		s.slots <- struct{}{} // two slow fold-ins running
		s.slots <- struct{}{}
		done := make(chan int)
		go func() { done <- post(h, context.Background(), body).Code }()
		synctest.Wait()
		<-s.slots
		if code := <-done; code != http.StatusOK {
			t.Errorf("queued fold-in: %d", code)
		}
		s.slots <- struct{}{}
		ctx, cancel := context.WithCancel(context.Background())
		go func() { done <- post(h, ctx, body).Code }()
		synctest.Wait()
		cancel()
		if code := <-done; code != StatusClientClosed {
			t.Errorf("canceled queued fold-in: %d", code)
		}
		if len(s.slots) != 2 {
			t.Errorf("%d slots held, want the 2 slow fold-ins'", len(s.slots))
		}
	})
}
