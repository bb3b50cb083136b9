package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/recnet/recnet/internal/quote"

	"github.com/recnet/recnet/model"
)

// Error codes of the envelope.
const (
	codeBadRequest       = "bad_request"
	codeNotFound         = "not_found"
	codeUnknownUser      = "unknown_user"
	codeUnknownItem      = "unknown_item"
	codeColdUser         = "cold_user"
	codeColdItem         = "cold_item"
	codeUnknownModel     = "unknown_model"
	codeMethodNotAllowed = "method_not_allowed"
	codeTooLarge         = "too_large"
	codeUnsupported      = "unsupported"
	codeInternal         = "internal"
	codeBusy             = "busy"
	codeCanceled         = "canceled"
)

// apiError is an error reported to the client.
type apiError struct {
	status  int
	code    string
	message string
}

// badRequest returns a bad_request error with a formatted message.
func badRequest(format string, args ...any) *apiError {
	return &apiError{http.StatusBadRequest, codeBadRequest, fmt.Sprintf(format, args...)}
}

// envelope is the body of every JSON response.
type envelope struct {
	Status string     `json:"status"`
	Data   any        `json:"data,omitempty"`
	Error  *errorBody `json:"error,omitempty"`
}

// errorBody is the error member of an error envelope.
type errorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// writeData writes a success envelope and returns the HTTP status written.
func (s *Server) writeData(w http.ResponseWriter, data any) int {
	p, err := encodeSuccess(data)
	if err != nil {
		s.logError(fmt.Errorf("server: encode response: %w", err))
		return s.writeError(w, &apiError{http.StatusInternalServerError, codeInternal, "cannot encode the response"})
	}
	status := s.write(w, http.StatusOK, *p)
	putBuf(p)
	return status
}

// writeError writes an error envelope and returns the HTTP status written.
func (s *Server) writeError(w http.ResponseWriter, e *apiError) int {
	if e.status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	b, err := json.Marshal(envelope{Status: "error", Error: &errorBody{e.code, e.message}})
	if err != nil { // only strings: cannot happen
		s.logError(fmt.Errorf("server: encode error response: %w", err))
		b = []byte(`{"status":"error","error":{"code":"internal","message":"cannot encode the response"}}`)
	}
	return s.write(w, e.status, append(b, '\n'))
}

// Header values of every JSON response, shared read-only: assigning them
// saves Header.Set its canonicalizing and an allocation per header.
var (
	jsonContentType = []string{"application/json"}
	noSniff         = []string{"nosniff"}
)

// write sends a JSON body, which ends in a newline, with the given status.
func (s *Server) write(w http.ResponseWriter, status int, body []byte) int {
	h := w.Header()
	h["Content-Type"] = jsonContentType
	h["X-Content-Type-Options"] = noSniff
	w.WriteHeader(status)
	if _, err := w.Write(body); err != nil {
		s.logError(fmt.Errorf("server: write response: %w", err))
	}
	return status
}

// modelError maps an error of the model package to the client error.
func (s *Server) modelError(err error) *apiError {
	switch {
	case errors.Is(err, model.ErrUnknownUser):
		return &apiError{http.StatusNotFound, codeUnknownUser, trimModel(err)}
	case errors.Is(err, model.ErrUnknownItem):
		return &apiError{http.StatusNotFound, codeUnknownItem, trimModel(err)}
	case errors.Is(err, model.ErrColdUser):
		return &apiError{http.StatusUnprocessableEntity, codeColdUser, trimModel(err) + " (POST /v1/foldin)"}
	case errors.Is(err, model.ErrColdItem):
		return &apiError{http.StatusUnprocessableEntity, codeColdItem, trimModel(err)}
	case errors.Is(err, model.ErrUnsupported):
		return &apiError{http.StatusUnprocessableEntity, codeUnsupported, trimModel(err)}
	case errors.Is(err, model.ErrBadRating):
		return badRequest("%s", trimModel(err))
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		return errEnded
	}
	s.logError(fmt.Errorf("server: %w", err))
	return &apiError{http.StatusInternalServerError, codeInternal, trimModel(err)}
}

// trimModel returns err's message without the "model: " prefix.
func trimModel(err error) string {
	return strings.TrimPrefix(err.Error(), "model: ")
}

// query returns the first values of the query parameters a and b, ""
// for one that is absent, parsing the query string strictly.
func query(r *http.Request, a, b string) (string, string, *apiError) {
	va, vb, err := queryPair(r.URL.RawQuery, a, b)
	if err != nil {
		return "", "", badRequest("bad query string: %v", err)
	}
	return va, vb, nil
}

// requiredID returns v, the value of the query parameter name, which must
// not be empty.
func requiredID(v, name string) (string, *apiError) {
	if v == "" {
		return "", badRequest("parameter %q is required", name)
	}
	return v, nil
}

// intParam returns v, the value of the integer query parameter name, as
// an integer: def when v is empty, otherwise checked to be in lo..hi.
func intParam(v, name string, def, lo, hi int) (int, *apiError) {
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, badRequest("parameter %s=%s: want an integer in %d..%d", name, quote.Short(v), lo, hi)
	}
	return n, nil
}

// item is an item labelled from the catalog.
type item struct {
	Item   string   `json:"item"`
	Title  string   `json:"title"`
	Genres []string `json:"genres"`
}

func (s *Server) predict(r *http.Request, sv *served) (any, *apiError) {
	user, it, e := query(r, "user", "item")
	if e != nil {
		return nil, e
	}
	user, e = requiredID(user, "user")
	if e != nil {
		return nil, e
	}
	it, e = requiredID(it, "item")
	if e != nil {
		return nil, e
	}
	score, err := sv.m.Predict(user, it)
	if err != nil {
		return nil, s.modelError(err)
	}
	return &predictData{user, it, sv.m.ScoreName(), score}, nil
}

// predictData is the answer of predict: {"user":U,"item":I,NAME:S}, the
// score under the model's ScoreName ("rating", "probability" or
// "relevance").
type predictData struct {
	user, item, name string
	score            float64
}

func (d *predictData) appendJSON(b []byte) []byte {
	b = append(b, `{"user":`...)
	b = appendString(b, d.user)
	b = append(b, `,"item":`...)
	b = appendString(b, d.item)
	b = append(b, ',')
	b = appendString(b, d.name)
	b = append(b, ':')
	b = appendNumber(b, d.score)
	return append(b, '}')
}

// idAndK reads the required id parameter name and k (1..MaxK, default
// DefaultK) from the query.
func idAndK(r *http.Request, name string) (string, int, *apiError) {
	id, kv, e := query(r, name, "k")
	if e != nil {
		return "", 0, e
	}
	id, e = requiredID(id, name)
	if e != nil {
		return "", 0, e
	}
	k, e := intParam(kv, "k", DefaultK, 1, MaxK)
	return id, k, e
}

// recommend answers {"user":U,"score_kind":K,"seen_left_out":B,
// "because_exact":E,"recommendations":[{"item","title","genres","score"[,"beyond"],"because"}]},
// leaving out the user's seen items unless include_seen=true, with
// "because_note" instead of "because_exact" and the lists when the user's
// ratings cannot be explained, and neither with because=false.
func (s *Server) recommend(r *http.Request, sv *served) (any, *apiError) {
	user, k, e := idAndK(r, "user")
	if e != nil {
		return nil, e
	}
	iv, bv, e := query(r, "include_seen", "because")
	if e != nil {
		return nil, e
	}
	include, e := boolParam(iv, "include_seen", false)
	if e != nil {
		return nil, e
	}
	explain, e := boolParam(bv, "because", true)
	if e != nil {
		return nil, e
	}
	rs, err := sv.m.Recommend(user, k, model.RecommendOptions{IncludeSeen: include})
	if err != nil {
		return nil, s.modelError(err)
	}
	var why *because
	if explain {
		if why, e = s.explainUser(r.Context(), sv.m, user, rs); e != nil {
			return nil, e
		}
	}
	left := sv.m.HasSeen() && !include
	return &recsData{key: "user", id: user, scoreKind: sv.m.ScoreName(), seenLeftOut: &left,
		list: "recommendations", recs: rs, because: why, labels: sv.labels, cat: s.cat}, nil
}

// boolParam returns v, the value of the boolean query parameter name:
// def when v is empty, else "true" or "false".
func boolParam(v, name string, def bool) (bool, *apiError) {
	switch v {
	case "":
		return def, nil
	case "false":
		return false, nil
	case "true":
		return true, nil
	}
	return false, badRequest("parameter %s=%s: want true or false", name, quote.Short(v))
}

// similar answers {"item":I,"similar":[{"item","title","genres","score"}]}.
func (s *Server) similar(r *http.Request, sv *served) (any, *apiError) {
	it, k, e := idAndK(r, "item")
	if e != nil {
		return nil, e
	}
	rs, err := sv.m.Similar(it, k)
	if err != nil {
		return nil, s.modelError(err)
	}
	return &recsData{key: "item", id: it, list: "similar", recs: rs, labels: sv.labels, cat: s.cat}, nil
}

// foldInRequest is the body of POST /v1/foldin; a null rating is nil.
type foldInRequest struct {
	Ratings map[string]*float64 `json:"ratings"`
	K       *int                `json:"k"`
	Because *bool               `json:"because"` // reasons for each item; default true
}

// foldIn answers {"cold":C,"score_kind":K,"because_exact":B,
// "recommendations":[{"item","title","genres","score"[,"beyond"],"because"}]},
// with "because_note" instead of "because_exact" and the lists when the
// learner's ratings cannot be explained, and neither with "because":false.
func (s *Server) foldIn(r *http.Request, sv *served) (any, *apiError) {
	req, e := readFoldIn(r)
	if e != nil {
		return nil, e
	}
	ratings, k, e := req.check()
	if e != nil {
		return nil, e
	}
	for id, v := range ratings { // before waiting for a slot
		if err := sv.m.CheckRating(id, v); err != nil {
			return nil, s.modelError(err)
		}
	}
	if e := s.acquireFoldIn(r.Context()); e != nil {
		return nil, e
	}
	defer s.releaseFoldIn()
	res, err := sv.m.FoldInContext(r.Context(), ratings, k, 0)
	if err != nil {
		return nil, s.modelError(err)
	}
	var why *because
	if req.Because == nil || *req.Because {
		if why, err = s.explainFoldIn(r.Context(), sv.m, ratings, res.Recs); err != nil {
			return nil, s.modelError(err)
		}
	}
	return &recsData{cold: &res.Cold, scoreKind: sv.m.ScoreName(), list: "recommendations", recs: res.Recs, because: why, labels: sv.labels, cat: s.cat}, nil
}

// readFoldIn reads and decodes the body of a fold-in request, at most
// MaxBodyBytes of one JSON object with no unknown or repeated key.
func readFoldIn(r *http.Request) (*foldInRequest, *apiError) {
	b, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, MaxBodyBytes))
	var req foldInRequest
	if err == nil {
		err = checkKeys(b, "ratings", "k", "because")
	}
	if err == nil {
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		err = dec.Decode(&req)
		if err == nil && dec.Decode(new(json.RawMessage)) != io.EOF {
			err = errors.New("data after the JSON object")
		}
	}
	var tooBig *http.MaxBytesError
	switch {
	case err == nil:
		return &req, nil
	case errors.As(err, &tooBig):
		return nil, &apiError{http.StatusRequestEntityTooLarge, codeTooLarge,
			fmt.Sprintf("request body is larger than %d bytes", MaxBodyBytes)}
	case err == io.EOF:
		return nil, badRequest("request body is empty: want {\"ratings\":{...},\"k\":10}")
	}
	return nil, badRequest("bad request body: %s", shortMessage(err.Error()))
}

// check returns the request's ratings, at most MaxRatings of them with
// non-empty ids and no null, and its k, in 1..MaxK (default DefaultK).
func (req *foldInRequest) check() (map[string]float64, int, *apiError) {
	if len(req.Ratings) > MaxRatings {
		return nil, 0, badRequest("%d ratings: at most %d are accepted", len(req.Ratings), MaxRatings)
	}
	ratings := make(map[string]float64, len(req.Ratings))
	for id, v := range req.Ratings {
		if id == "" {
			return nil, 0, badRequest("empty item id in ratings")
		}
		if v == nil {
			return nil, 0, badRequest("rating of item %s is null", quote.Short(id))
		}
		ratings[id] = *v
	}
	k := DefaultK
	if req.K != nil {
		k = *req.K
		if k < 1 || k > MaxK {
			return nil, 0, badRequest("k=%d: want an integer in 1..%d", k, MaxK)
		}
	}
	return ratings, k, nil
}

func (s *Server) items(r *http.Request, sv *served) (any, *apiError) {
	lv, qv, e := query(r, "limit", "q")
	if e != nil {
		return nil, e
	}
	limit, e := intParam(lv, "limit", DefaultLimit, 1, MaxLimit)
	if e != nil {
		return nil, e
	}
	needle := strings.ToLower(qv)
	out := []item{}
	total := 0
	for _, id := range sv.m.Items.IDs() {
		title, genres := label(s.cat, id)
		if needle != "" && !strings.Contains(strings.ToLower(id), needle) && !strings.Contains(strings.ToLower(title), needle) {
			continue
		}
		total++
		if len(out) < limit {
			out = append(out, item{id, title, genres})
		}
	}
	return struct {
		Total int    `json:"total"`
		Items []item `json:"items"`
	}{total, out}, nil
}

// modelInfo describes the chosen model, and lists every served model.
func (s *Server) modelInfo(_ *http.Request, sv *served) (any, *apiError) {
	m := sv.m
	hist := m.History // model.Epoch encodes NaN losses as null
	if hist == nil {
		hist = []model.Epoch{}
	}
	var best *int
	if m.BestEpoch > 0 {
		best = &m.BestEpoch
	}
	cfg, err := json.Marshal(m.Config)
	if err != nil {
		return nil, s.modelError(fmt.Errorf("encode config: %w", err))
	}
	return struct {
		modelEntry
		Config    json.RawMessage `json:"config"`
		Users     int             `json:"users"`
		Items     int             `json:"items"`
		History   []model.Epoch   `json:"history"`
		BestEpoch *int            `json:"best_epoch"`
		Models    []modelEntry    `json:"models"`
	}{entry(sv.name, m), cfg, m.Users.Len(), m.Items.Len(), hist, best, s.entries()}, nil
}

func (s *Server) healthz(*http.Request, *served) (any, *apiError) {
	return struct {
		OK bool `json:"ok"`
	}{true}, nil
}
