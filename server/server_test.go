package server_test

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
	"github.com/recnet/recnet/server"
)

// testModel returns a 3-user, 4-item dot model on the rating scale 1..5
// whose item bias is biasItem0 for item "go".
func testModel(biasItem0 float32) *model.Model {
	return &model.Model{
		Config: model.Config{Settings: model.Settings{Dim: 2, Activation: model.Linear}},
		Net: &model.Dot{
			Users: 3, Items: 4, Dim: 2, Act: model.Linear,
			UserEmb:  []float32{0.5, 0, 0, 0.5, 0.25, 0.25},
			ItemEmb:  []float32{1, 0, 0, 1, 0.5, 0.5, 0.1, 0.2},
			UserBias: []float32{0, 0.25, 0.1},
			ItemBias: []float32{biasItem0, 0, 0.5, 0.1},
		},
		Users:     dataset.NewIDMap([]string{"ann", "bob", "cy"}),
		Items:     dataset.NewIDMap([]string{"go", "rust", "zig", "py"}),
		Min:       1,
		Max:       5,
		History:   []model.Epoch{{Epoch: 1, Loss: 0.5, ValLoss: math.NaN(), ValRMSE: math.NaN(), ValNDCG: math.NaN(), Seconds: 0.1}},
		BestEpoch: 0,
	}
}

// testCatalog labels three of the four items.
func testCatalog() *dataset.Catalog {
	return &dataset.Catalog{
		Genres: []string{"Systems", "Scripting"},
		Courses: []dataset.Course{
			{ID: "go", Title: "Go Basics", Genres: []string{"Systems"}},
			{ID: "rust", Title: "Rust in Depth", Genres: []string{"Systems"}},
			{ID: "py", Title: "Python for Data", Genres: []string{"Scripting"}},
		},
	}
}

// response is the envelope as a client decodes it.
type response struct {
	Status string          `json:"status"`
	Data   json.RawMessage `json:"data"`
	Error  *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// do sends a request to h and decodes the envelope.
func do(t *testing.T, h http.Handler, method, target, body string) (int, response) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, target, rd)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Fatalf("%s %s: Content-Type %q", method, target, ct)
	}
	var r response
	dec := json.NewDecoder(rec.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("%s %s: decode envelope: %v", method, target, err)
	}
	return rec.Code, r
}

func newServer() *server.Server {
	return server.New(testModel(0.25), testCatalog())
}

func TestSuccess(t *testing.T) {
	h := newServer().Handler()
	tests := []struct {
		name, method, target, body string
		want                       string // data, compact JSON
	}{
		{"predict", "GET", "/v1/predict?user=ann&item=go", "",
			`{"user":"ann","item":"go","rating":4}`},
		{"recommend", "GET", "/v1/recommend?user=bob&k=2", "",
			`{"user":"bob","score_kind":"rating","seen_left_out":false,"because_note":"the model keeps no seen items: cannot explain through the user's ratings","recommendations":[{"item":"zig","title":"","genres":[],"score":5},{"item":"rust","title":"Rust in Depth","genres":["Systems"],"score":4}]}`},
		{"recommend default k", "GET", "/v1/recommend?user=ann", "",
			`{"user":"ann","score_kind":"rating","seen_left_out":false,"because_note":"the model keeps no seen items: cannot explain through the user's ratings","recommendations":[{"item":"go","title":"Go Basics","genres":["Systems"],"score":4},{"item":"zig","title":"","genres":[],"score":4},{"item":"py","title":"Python for Data","genres":["Scripting"],"score":1.600000023841858},{"item":"rust","title":"Rust in Depth","genres":["Systems"],"score":1}]}`},
		{"similar", "GET", "/v1/similar?item=go&k=1", "",
			`{"item":"go","similar":[{"item":"zig","title":"","genres":[],"score":0.7071067811865475}]}`},
		{"foldin cold", "POST", "/v1/foldin", `{"ratings":{},"k":2}`,
			`{"cold":true,"score_kind":"rating","because_exact":true,"recommendations":[{"item":"zig","title":"","genres":[],"score":3,"because":[]}, {"item":"go","title":"Go Basics","genres":["Systems"],"score":2,"because":[]}]}`},
		{"foldin without because", "POST", "/v1/foldin", `{"ratings":{},"k":1,"because":false}`,
			`{"cold":true,"score_kind":"rating","recommendations":[{"item":"zig","title":"","genres":[],"score":3}]}`},
		{"recommend without because", "GET", "/v1/recommend?user=bob&k=1&because=false", "",
			`{"user":"bob","score_kind":"rating","seen_left_out":false,"recommendations":[{"item":"zig","title":"","genres":[],"score":5}]}`},
		{"items all", "GET", "/v1/items", "",
			`{"total":4,"items":[{"item":"go","title":"Go Basics","genres":["Systems"]},{"item":"rust","title":"Rust in Depth","genres":["Systems"]},{"item":"zig","title":"","genres":[]},{"item":"py","title":"Python for Data","genres":["Scripting"]}]}`},
		{"items by title", "GET", "/v1/items?q=PYTHON", "",
			`{"total":1,"items":[{"item":"py","title":"Python for Data","genres":["Scripting"]}]}`},
		{"items by id", "GET", "/v1/items?q=ZI", "",
			`{"total":1,"items":[{"item":"zig","title":"","genres":[]}]}`},
		{"items limit", "GET", "/v1/items?q=s&limit=1", "",
			`{"total":2,"items":[{"item":"go","title":"Go Basics","genres":["Systems"]}]}`},
		{"model", "GET", "/v1/model", "",
			`{"name":"default","kind":"dot","score":"rating","step":null,"similar":true,"config":{"kind":"","training":{"no_scale":false,"optimizer":"","lr":0,"beta1":0,"beta2":0,"eps":0,"batch":0,"epochs":0,"patience":0,"seed":0},"settings":{"dim":2,"activation":"linear","init":"","init_std":0,"l2":0,"bias_l2":0}},"users":3,"items":4,"min":1,"max":5,"history":[{"epoch":1,"loss":0.5,"val_loss":null,"val_rmse":null,"seconds":0.1}],"best_epoch":null,` +
				`"models":[{"name":"default","kind":"dot","score":"rating","min":1,"max":5,"step":null,"similar":true}]}`},
		{"healthz", "GET", "/healthz", "", `{"ok":true}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, r := do(t, h, tt.method, tt.target, tt.body)
			if code != http.StatusOK || r.Status != "success" || r.Error != nil {
				t.Fatalf("got %d %+v, want 200 success", code, r)
			}
			assertJSON(t, r.Data, tt.want)
		})
	}
}

// assertJSON fails unless got and want encode the same JSON value.
func assertJSON(t *testing.T, got json.RawMessage, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("data %s: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("want %s: %v", want, err)
	}
	gb, _ := json.Marshal(g)
	wb, _ := json.Marshal(w)
	if string(gb) != string(wb) {
		t.Errorf("data\n got %s\nwant %s", gb, wb)
	}
}

func TestFoldInWarm(t *testing.T) {
	h := newServer().Handler()
	code, r := do(t, h, "POST", "/v1/foldin", `{"ratings":{"go":5,"rust":1}}`)
	if code != http.StatusOK {
		t.Fatalf("got %d %+v", code, r)
	}
	var d struct {
		Cold bool `json:"cold"`
		Recs []struct {
			Item string `json:"item"`
		} `json:"recommendations"`
	}
	if err := json.Unmarshal(r.Data, &d); err != nil {
		t.Fatal(err)
	}
	if d.Cold || len(d.Recs) != 2 {
		t.Fatalf("got %s, want warm start with the 2 unrated items", r.Data)
	}
	for _, rc := range d.Recs {
		if rc.Item == "go" || rc.Item == "rust" {
			t.Errorf("rated item %s recommended", rc.Item)
		}
	}
}

func TestErrors(t *testing.T) {
	h := newServer().Handler()
	many := make([]string, 501)
	for k := range many {
		many[k] = fmt.Sprintf("%q:3", fmt.Sprint("i", k))
	}
	tests := []struct {
		name, method, target, body string
		status                     int
		code                       string
	}{
		{"predict no user", "GET", "/v1/predict?item=go", "", 400, "bad_request"},
		{"predict empty item", "GET", "/v1/predict?user=ann&item=", "", 400, "bad_request"},
		{"predict unknown user", "GET", "/v1/predict?user=zed&item=go", "", 404, "unknown_user"},
		{"predict unknown item", "GET", "/v1/predict?user=ann&item=cobol", "", 404, "unknown_item"},
		{"predict bad query", "GET", "/v1/predict?user=%zz&item=go", "", 400, "bad_request"},
		{"recommend no user", "GET", "/v1/recommend", "", 400, "bad_request"},
		{"recommend unknown user", "GET", "/v1/recommend?user=zed", "", 404, "unknown_user"},
		{"recommend k 0", "GET", "/v1/recommend?user=ann&k=0", "", 400, "bad_request"},
		{"recommend k 101", "GET", "/v1/recommend?user=ann&k=101", "", 400, "bad_request"},
		{"recommend k word", "GET", "/v1/recommend?user=ann&k=ten", "", 400, "bad_request"},
		{"similar no item", "GET", "/v1/similar?k=3", "", 400, "bad_request"},
		{"similar unknown item", "GET", "/v1/similar?item=cobol", "", 404, "unknown_item"},
		{"similar k -1", "GET", "/v1/similar?item=go&k=-1", "", 400, "bad_request"},
		{"items limit 0", "GET", "/v1/items?limit=0", "", 400, "bad_request"},
		{"foldin unknown field", "POST", "/v1/foldin", `{"ratings":{"go":5},"lambda":1}`, 400, "bad_request"},
		{"foldin empty body", "POST", "/v1/foldin", "", 400, "bad_request"},
		{"foldin bad json", "POST", "/v1/foldin", `{"ratings":`, 400, "bad_request"},
		{"foldin trailing data", "POST", "/v1/foldin", `{"ratings":{}} {}`, 400, "bad_request"},
		{"foldin string rating", "POST", "/v1/foldin", `{"ratings":{"go":"5"}}`, 400, "bad_request"},
		{"foldin empty id", "POST", "/v1/foldin", `{"ratings":{"":5}}`, 400, "bad_request"},
		{"foldin k 0", "POST", "/v1/foldin", `{"ratings":{},"k":0}`, 400, "bad_request"},
		{"foldin k 101", "POST", "/v1/foldin", `{"ratings":{},"k":101}`, 400, "bad_request"},
		{"foldin unknown item", "POST", "/v1/foldin", `{"ratings":{"cobol":5}}`, 404, "unknown_item"},
		{"foldin too many ratings", "POST", "/v1/foldin", `{"ratings":{` + strings.Join(many, ",") + `}}`, 400, "bad_request"},
		{"foldin too large", "POST", "/v1/foldin", `{"ratings":{"go":5},"k":1` + strings.Repeat(" ", 64<<10) + `}`, 413, "too_large"},
		{"predict POST", "POST", "/v1/predict?user=ann&item=go", "", 405, "method_not_allowed"},
		{"foldin GET", "GET", "/v1/foldin", "", 405, "method_not_allowed"},
		{"model DELETE", "DELETE", "/v1/model", "", 405, "method_not_allowed"},
		{"healthz PUT", "PUT", "/healthz", "", 405, "method_not_allowed"},
		{"metrics POST", "POST", "/metrics", "", 405, "method_not_allowed"},
		{"unknown path", "GET", "/v1/nope", "", 404, "not_found"},
		{"unknown root path", "GET", "/nope", "", 404, "not_found"},
		{"trailing slash", "GET", "/v1/predict/", "", 404, "not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, r := do(t, h, tt.method, tt.target, tt.body)
			if code != tt.status || r.Status != "error" || r.Error == nil || r.Error.Code != tt.code {
				t.Fatalf("got %d %s %+v, want %d %s", code, r.Status, r.Error, tt.status, tt.code)
			}
			if r.Error.Message == "" || r.Data != nil {
				t.Errorf("got message %q data %s", r.Error.Message, r.Data)
			}
		})
	}
}

func TestMethodNotAllowedSetsAllow(t *testing.T) {
	rec := httptest.NewRecorder()
	newServer().Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/v1/foldin", nil))
	if got := rec.Header().Get("Allow"); got != "POST" {
		t.Errorf("Allow %q, want POST", got)
	}
}

func TestUnsupported(t *testing.T) {
	m := testModel(0.25)
	m.Net = &model.Bias{Mu: 0.5, UserBias: make([]float32, 3), ItemBias: make([]float32, 4)}
	h := server.New(m, nil).Handler()
	for _, tt := range []struct{ method, target, body string }{
		{"GET", "/v1/similar?item=go", ""},
		{"POST", "/v1/foldin", `{"ratings":{"go":5}}`},
	} {
		code, r := do(t, h, tt.method, tt.target, tt.body)
		if code != http.StatusUnprocessableEntity || r.Error == nil || r.Error.Code != "unsupported" {
			t.Errorf("%s %s: got %d %+v, want 422 unsupported", tt.method, tt.target, code, r.Error)
		}
	}
}

func TestSwapConcurrent(t *testing.T) {
	s := server.New(testModel(0.25), nil)
	h := s.Handler()
	// The two models predict ann/go as 4 and 5; every response must be one
	// of them.
	a, b := testModel(0.25), testModel(0.5)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for k := 0; ; k++ {
			select {
			case <-stop:
				return
			default:
			}
			if k%2 == 0 {
				s.Swap(b)
			} else {
				s.Swap(a)
			}
		}
	}()
	var cwg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		cwg.Add(1)
		go func() {
			defer cwg.Done()
			for range 200 {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest("GET", "/v1/predict?user=ann&item=go", nil))
				var r struct {
					Status string `json:"status"`
					Data   struct {
						Rating float64 `json:"rating"`
					} `json:"data"`
				}
				if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil || rec.Code != 200 || (r.Data.Rating != 4 && r.Data.Rating != 5) {
					errs <- fmt.Errorf("got %d %s (%v)", rec.Code, rec.Body, err)
					return
				}
			}
		}()
	}
	cwg.Wait()
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	s.Swap(nil) // ignored
	s.Swap(b)
	if s.Model() != b {
		t.Error("Model is not the last swapped in")
	}
}

func TestMetrics(t *testing.T) {
	h := newServer().Handler()
	for range 3 {
		do(t, h, "GET", "/v1/predict?user=ann&item=go", "")
	}
	do(t, h, "GET", "/v1/predict?user=zed&item=go", "")
	do(t, h, "GET", "/no/such/path", "")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain") {
		t.Fatalf("got %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	body := rec.Body.String()
	for _, want := range []string{
		"# TYPE recnet_requests_total counter\n",
		`recnet_requests_total{path="/v1/predict",code="200"} 3` + "\n",
		`recnet_requests_total{path="/v1/predict",code="404"} 1` + "\n",
		`recnet_requests_total{path="other",code="404"} 1` + "\n",
		"# TYPE recnet_request_duration_seconds histogram\n",
		`recnet_request_duration_seconds_bucket{path="/v1/predict",le="+Inf"} 4` + "\n",
		`recnet_request_duration_seconds_count{path="/v1/predict"} 4` + "\n",
		`recnet_request_duration_seconds_sum{path="/v1/predict"} `,
		`recnet_request_duration_seconds_bucket{path="/v1/predict",le="0.001"} `,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "/no/such/path") {
		t.Errorf("metrics label an unknown path:\n%s", body)
	}
	if strings.Contains(body, "--") {
		t.Errorf("the library's metrics name a command-line flag:\n%s", body)
	}
}

func TestErrorLog(t *testing.T) {
	m := testModel(0.25)
	m.Config.LR = math.NaN() // cannot be encoded
	var logged []error
	h := server.New(m, nil, server.WithErrorLog(func(err error) { logged = append(logged, err) })).Handler()
	code, r := do(t, h, "GET", "/v1/model", "")
	if code != 500 || r.Error == nil || r.Error.Code != "internal" {
		t.Fatalf("got %d %+v, want 500 internal", code, r.Error)
	}
	if len(logged) != 1 || !strings.HasPrefix(logged[0].Error(), "server: ") {
		t.Errorf("logged %v, want one server: error", logged)
	}
}

// TestSwapRelabels checks that after Swap the hot endpoints label the new
// model's items from the catalog, including an item the old model lacked.
func TestSwapRelabels(t *testing.T) {
	s := newServer()
	m := testModel(0.25)
	m.Items = dataset.NewIDMap([]string{"go", "rust", "zig", "py2"})
	s.Swap(m)
	cat := testCatalog()
	cat.Courses = append(cat.Courses, dataset.Course{ID: "py2", Title: "Python 2", Genres: []string{"Scripting"}})
	s2 := server.New(testModel(0.25), cat)
	s2.Swap(m)
	for _, tt := range []struct {
		s    *server.Server
		want string
	}{
		{s, `{"item":"py2","title":"","genres":[],"score":2.799999952316284}`},
		{s2, `{"item":"py2","title":"Python 2","genres":["Scripting"],"score":2.799999952316284}`},
	} {
		_, r := do(t, tt.s.Handler(), "GET", "/v1/recommend?user=bob&k=4", "")
		var d struct {
			Recs []json.RawMessage `json:"recommendations"`
		}
		if err := json.Unmarshal(r.Data, &d); err != nil || len(d.Recs) != 4 {
			t.Fatalf("got %s (%v)", r.Data, err)
		}
		assertJSON(t, d.Recs[3], tt.want)
	}
}

// TestColdUser: a user the model knows by id but kept no seen row of gets
// 422 cold_user from /v1/recommend, not a list that is the same for
// anyone; the others still get theirs.
func TestColdUser(t *testing.T) {
	h := coldServer(t)
	code, r := do(t, h, "GET", "/v1/recommend?user=cy", "")
	if code != http.StatusUnprocessableEntity || r.Error == nil || r.Error.Code != "cold_user" || !strings.Contains(r.Error.Message, "/v1/foldin") {
		t.Errorf("cold user: got %d %+v, want 422 cold_user naming /v1/foldin", code, r.Error)
	}
	if code, r := do(t, h, "GET", "/v1/recommend?user=bob", ""); code != http.StatusOK {
		t.Errorf("known user: got %d %+v, want 200", code, r.Error)
	}
}

// TestColdItem: similar items of an item no user had in the fitted rows
// is 422 cold_item, not a list of meaningless cosines.
func TestColdItem(t *testing.T) {
	h := coldServer(t)
	if code, r := do(t, h, "GET", "/v1/similar?item=py", ""); code != http.StatusUnprocessableEntity || r.Error == nil || r.Error.Code != "cold_item" {
		t.Errorf("cold item: got %d %+v, want 422 cold_item", code, r.Error)
	}
	if code, r := do(t, h, "GET", "/v1/similar?item=rust", ""); code != http.StatusOK {
		t.Errorf("trained item: got %d %+v, want 200", code, r.Error)
	}
}

// coldServer serves testModel keeping as seen only ann's go and bob's
// rust: cy is a cold user, zig and py cold items.
func coldServer(t *testing.T) http.Handler {
	t.Helper()
	m := testModel(0.25)
	seen, err := model.NewSeen(3, 4, dataset.Ratings{User: []int32{0, 1}, Item: []int32{0, 1}, Value: []float32{5, 4}})
	if err != nil {
		t.Fatal(err)
	}
	m.Seen = seen
	return server.New(m, nil).Handler()
}
