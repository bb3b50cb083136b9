package server

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

// noteBusy is the because_note of a recommend answer given while every
// fold-in slot was taken.
const noteBusy = "every fold-in slot is busy: the reasons were left out; retry later"

// reason is one entry of an item's "because": a rated item with the
// learner's rating and its share of the score (model.Reason), and its
// catalog title ("" without one).
type reason struct {
	model.Reason
	title string
}

// because explains a list of recommendations: one list of reasons per
// recommended item, in order, with whether every explanation is exact
// (model.Explanation.Exact), or a note saying why there are none. The zero value (not asked) adds nothing.
type because struct {
	lists [][]reason
	exact bool
	note  string
}

// becauseOf keeps the model.MaxReasons top reasons of each explanation
// (model.Explanation.Top), titled from cat, which may be nil.
func becauseOf(exps []model.Explanation, cat *dataset.Catalog) *because {
	b := &because{lists: make([][]reason, len(exps)), exact: true}
	for k, e := range exps {
		b.exact = b.exact && e.Exact
		b.lists[k] = []reason{}
		for _, p := range e.Top(model.MaxReasons) {
			title, _ := label(cat, p.Item)
			b.lists[k] = append(b.lists[k], reason{p, title})
		}
	}
	return b
}

// tooManyToExplain returns the note of a net that explains by refitting
// once per rated item (an mlp or a neumf) given more than
// model.MaxDeepExplain ratings, without paying for the refits; "" when
// the explanation may run.
func tooManyToExplain(m *model.Model, ratings int) string {
	if _, deep := m.Net.(model.DeepNet); !deep || ratings <= model.MaxDeepExplain {
		return ""
	}
	return fmt.Sprintf("a %s net gives reasons for at most %d ratings, and there are %d", m.Net.Kind(), model.MaxDeepExplain, ratings)
}

// explainNote turns an error of model.Explain or model.ExplainUser that
// leaves the list standing (the model keeps no seen items, or its net
// cannot explain) into a because_note; other errors are returned.
func explainNote(err error) (*because, error) {
	if errors.Is(err, model.ErrNoSeen) || errors.Is(err, model.ErrUnsupported) {
		return &because{note: trimModel(err)}, nil
	}
	return nil, err
}

// explainFoldIn explains the fold-in of ratings that gave recs. The caller
// holds a fold-in slot.
func (s *Server) explainFoldIn(ctx context.Context, m *model.Model, ratings map[string]float64, recs []model.Rec) (*because, error) {
	if note := tooManyToExplain(m, len(ratings)); note != "" {
		return &because{note: note}, nil
	}
	exps, err := m.Explain(ctx, ratings, model.Items(recs), 0)
	if err != nil {
		return explainNote(err)
	}
	return becauseOf(exps, s.cat), nil
}

// explainUser explains the recommendations recs of the known user, whose
// explanation is a fold-in of their seen items: it takes a fold-in slot
// if one is free, without waiting (a cheap GET does not queue behind
// fold-ins), and notes instead when every slot is busy.
func (s *Server) explainUser(ctx context.Context, m *model.Model, user string, recs []model.Rec) (*because, *apiError) {
	if !m.HasSeen() { // ExplainUser says so before it folds in: no slot needed
		_, err := m.ExplainUser(ctx, user, nil, 0)
		b, err := explainNote(err)
		if err != nil {
			return nil, s.modelError(err)
		}
		return b, nil
	}
	if u, ok := m.Users.Inner(user); ok {
		if note := tooManyToExplain(m, m.SeenCount(u)); note != "" {
			return &because{note: note}, nil
		}
	}
	if !s.tryFoldIn() {
		return &because{note: noteBusy}, nil
	}
	defer s.releaseFoldIn()
	exps, err := m.ExplainUser(ctx, user, model.Items(recs), 0)
	if err != nil {
		b, err := explainNote(err)
		if err != nil {
			return nil, s.modelError(err)
		}
		return b, nil
	}
	return becauseOf(exps, s.cat), nil
}

// appendHead appends the answer's "because_exact" or "because_note"
// member and a comma; nothing when reasons were not asked for.
func (b *because) appendHead(dst []byte) []byte {
	switch {
	case b == nil:
		return dst
	case b.note != "":
		dst = append(dst, `"because_note":`...)
		dst = appendString(dst, b.note)
	default:
		dst = append(dst, `"because_exact":`...)
		dst = strconv.AppendBool(dst, b.exact)
	}
	return append(dst, ',')
}

// appendItem appends `,"because":[...]` for the k-th recommended item;
// nothing when there are no lists.
func (b *because) appendItem(dst []byte, k int) []byte {
	if b == nil || k >= len(b.lists) {
		return dst
	}
	dst = append(dst, `,"because":[`...)
	for j, r := range b.lists[k] {
		if j > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"item":`...)
		dst = appendString(dst, r.Item)
		dst = append(dst, `,"title":`...)
		dst = appendString(dst, r.title)
		dst = append(dst, `,"rating":`...)
		dst = appendNumber(dst, r.Rating)
		dst = append(dst, `,"share":`...)
		dst = appendNumber(dst, r.Share)
		dst = append(dst, '}')
	}
	return append(dst, ']')
}
