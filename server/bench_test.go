package server_test

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
	"github.com/recnet/recnet/server"
)

// benchModel returns a dot model shaped like the built-in default one:
// 33,901 users, the first 126 courses of the built-in catalog, dim 32,
// with seeded random weights.
func benchModel() (*model.Model, *dataset.Catalog) {
	const users, items, dim = 33901, 126, 32
	cat := dataset.BuiltinCatalog()
	rng := rand.New(rand.NewPCG(1, 2))
	fill := func(n int, sd float64) []float32 {
		v := make([]float32, n)
		for k := range v {
			v[k] = float32(rng.NormFloat64() * sd)
		}
		return v
	}
	uids := make([]string, users)
	for k := range uids {
		uids[k] = fmt.Sprint(100000 + k*7)
	}
	iids := make([]string, items)
	for k := range iids {
		iids[k] = cat.Courses[k].ID
	}
	m := &model.Model{
		Config: model.Config{Settings: model.Settings{Dim: dim, Activation: model.Linear}},
		Net: &model.Dot{
			Users: users, Items: items, Dim: dim, Act: model.Linear,
			UserEmb: fill(users*dim, 0.2), ItemEmb: fill(items*dim, 0.2),
			UserBias: fill(users, 0.05), ItemBias: fill(items, 0.05),
		},
		Users: dataset.NewIDMap(uids),
		Items: dataset.NewIDMap(iids),
		Min:   3,
		Max:   5,
	}
	return m, cat
}

// discardWriter is a ResponseWriter that keeps only the status and the
// byte count, so that a benchmark measures the handler alone.
type discardWriter struct {
	h      http.Header
	status int
	n      int
}

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) WriteHeader(code int)        { w.status = code }
func (w *discardWriter) Write(b []byte) (int, error) { w.n += len(b); return len(b), nil }

// BenchmarkRecommend measures GET /v1/recommend?k=10 through the handler
// (handler) beside the model's ranking alone (model), on a model shaped
// like the built-in default one, users drawn in turn from 1024 requests
// built beforehand. The ratio handler/model is the cost of the HTTP layer
// (query parsing, labelling, JSON encoding, metrics).
func BenchmarkRecommend(b *testing.B) {
	m, cat := benchModel()
	rng := rand.New(rand.NewPCG(3, 4))
	users := make([]string, 1024)
	reqs := make([]*http.Request, len(users))
	for k := range reqs {
		users[k] = m.Users.Raw(int32(rng.IntN(m.Users.Len())))
		reqs[k] = httptest.NewRequest("GET", "/v1/recommend?user="+users[k]+"&k=10", nil)
	}
	b.Run("handler", func(b *testing.B) {
		h := server.New(m, cat).Handler()
		w := &discardWriter{h: http.Header{}}
		b.ReportAllocs()
		k := 0
		for b.Loop() {
			clear(w.h)
			h.ServeHTTP(w, reqs[k%len(reqs)])
			if w.status != http.StatusOK {
				b.Fatalf("status %d", w.status)
			}
			k++
		}
		b.ReportMetric(float64(w.n)/float64(k), "B/resp")
	})
	b.Run("model", func(b *testing.B) {
		b.ReportAllocs()
		k := 0
		for b.Loop() {
			if _, err := m.Recommend(users[k%len(users)], 10, model.RecommendOptions{}); err != nil {
				b.Fatal(err)
			}
			k++
		}
	})
}
