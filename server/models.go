package server

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"

	"github.com/recnet/recnet/internal/quote"
	"github.com/recnet/recnet/model"
)

// DefaultName is the name New gives its one model.
const DefaultName = "default"

// maxNameLen is the longest model name CheckName accepts.
const maxNameLen = 32

// modelParam is the query parameter that chooses a model by name.
const modelParam = "model"

// Named is a model with the name requests choose it by.
type Named struct {
	Name  string
	Model *model.Model
}

// CheckName returns an error unless name can name a served model: 1 to 32
// ASCII letters, digits, '-', '_' and '.', so that it stands in a URL as
// it is.
func CheckName(name string) error {
	ok := name != "" && len(name) <= maxNameLen
	for _, c := range []byte(name) {
		ok = ok && ('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.')
	}
	if !ok {
		return fmt.Errorf("server: model name %s: want 1 to %d letters, digits, '-', '_' or '.'", quote.Short(name), maxNameLen)
	}
	return nil
}

// slot holds one named model, swapped atomically.
type slot struct {
	name string
	cur  atomic.Pointer[served]
}

// pick returns the model the request names with model=NAME, or the first
// one without the parameter; an empty model= is refused. The query is parsed again only when it may hold the parameter.
func (s *Server) pick(r *http.Request) (*served, *apiError) {
	raw := r.URL.RawQuery
	if !strings.Contains(raw, modelParam) && !strings.Contains(raw, "%") && !strings.Contains(raw, ";") {
		return s.models[0].cur.Load(), nil
	}
	name, _, e := query(r, modelParam, modelParam)
	if e != nil {
		return nil, e
	}
	if name == "" {
		if q, _ := url.ParseQuery(raw); q.Has(modelParam) { // model= names no model: not the default
			return nil, badRequest("parameter %q is empty: want a model's name, one of %s", modelParam, strings.Join(s.names(), ", "))
		}
		return s.models[0].cur.Load(), nil
	}
	k, ok := s.byName[name]
	if !ok {
		return nil, &apiError{http.StatusNotFound, codeUnknownModel,
			fmt.Sprintf("no model named %s; serving %s", quote.Short(name), strings.Join(s.names(), ", "))}
	}
	return s.models[k].cur.Load(), nil
}

// names returns the models' names in order.
func (s *Server) names() []string {
	out := make([]string, len(s.models))
	for k, sl := range s.models {
		out[k] = sl.name
	}
	return out
}

// modelEntry describes one served model in /v1/model's list.
type modelEntry struct {
	Name  string        `json:"name"`
	Kind  string        `json:"kind"`
	Score string        `json:"score"` // what its rankings give: model.Model.ScoreName (rating, probability or relevance)
	Min   model.Number  `json:"min"`
	Max   model.Number  `json:"max"`
	Step  *model.Number `json:"step"` // between ratings; null when unknown, 0 for a continuous scale
	// Similar is whether /v1/similar works for the model: false for a
	// kind without item embeddings (mean, bias, ease).
	Similar bool `json:"similar"`
}

// entry describes the model m named name.
func entry(name string, m *model.Model) modelEntry {
	kind := ""
	if m.Net != nil {
		kind = m.Net.Kind()
	}
	return modelEntry{name, kind, m.ScoreName(), model.Number(m.Min), model.Number(m.Max), ratingStep(m), m.Net != nil && m.HasItemEmbeddings()}
}

// ratingStep returns the step between the ratings m was trained on
// (model.Model.Step: 1 for 3/4/5, 0.5 for MovieLens), or nil for a
// continuous scale or a model file that does not record it.
func ratingStep(m *model.Model) *model.Number {
	if !(m.Step > 0) {
		return nil
	}
	n := model.Number(m.Step)
	return &n
}

// entries lists every served model, in order.
func (s *Server) entries() []modelEntry {
	out := make([]modelEntry, len(s.models))
	for k, sl := range s.models {
		out[k] = entry(sl.name, sl.cur.Load().m)
	}
	return out
}
