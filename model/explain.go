package model

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/recnet/recnet/internal/quote"
)

// explain splits the pre-activation score of item i for the user that
// rows and the Cholesky factor l of the ridge system (A = Σ x xᵀ + λI,
// x = (q, 1)) fold in. The user's parameters are w = A⁻¹ Σ_j x_j y_j, so
// the pre-activation x_i·w + b_i (+ mu) is exactly
//
//	b_i (+ mu) + Σ_j (x_iᵀ A⁻¹ x_j) y_j
//
// and the part of rated item j is (x_iᵀ A⁻¹ x_j) y_j, where y_j is its
// target less its own bias terms. With the svdpp setting y_j also loses
// <s, q_j> and the user's vector gains s = |N|^-½ Σ_j y'_j (y' the y
// table), so rated item j's part also holds |N|^-½ <y'_j, q_i>: the split
// stays exact. With no rows (a cold start) every part is empty and the
// base is the whole score.
func (f linearFold) explain(rows []ratedRow, l []float64, i int32) (z, base float64, parts []float64) {
	base = float64(f.itemBi[i])
	if f.mf {
		base += float64(f.mu)
	}
	if len(rows) == 0 {
		return base, base, nil
	}
	n := f.dim + 1
	x := f.x(i, make([]float64, n))
	v := solveFactored(l, x, n) // A⁻¹ x_i
	parts = make([]float64, len(rows))
	xj := make([]float64, n)
	for j, r := range rows {
		f.x(r.item, xj)
		var dot float64
		for c := range n {
			dot += v[c] * xj[c]
		}
		parts[j] = dot * r.y
		if f.rated != nil {
			parts[j] += float64(RatedScale(len(rows))) * float64(Dot32(f.rated[int(r.item)*f.dim:int(r.item)*f.dim+f.dim], f.itemEmb[int(i)*f.dim:int(i)*f.dim+f.dim]))
		}
		z += parts[j]
	}
	return base + z, base, parts
}

// x writes item i's row of the ridge system, (q_i, 1), into dst.
func (f linearFold) x(i int32, dst []float64) []float64 {
	q := f.itemEmb[int(i)*f.dim : int(i)*f.dim+f.dim]
	for c, v := range q {
		dst[c] = float64(v)
	}
	dst[f.dim] = 1
	return dst
}

// Reason is a rated item's part in a recommended item's score.
type Reason struct {
	Item   string  `json:"item"`   // the rated item's raw id
	Rating float64 `json:"rating"` // the learner's rating of it, on the original scale
	Part   float64 `json:"part"`   // its part of the score, on Explanation.Scale
	Share  float64 `json:"share"`  // Part over the sum of every part's size: the shares' sizes add up to 1
}

// Explanation splits a recommended item's score into a base, which no
// rating moves (the item's bias terms), and one part for each rated item:
// Score = Base + Σ Parts.Part, within float rounding when Exact.
type Explanation struct {
	Item  string   `json:"item"`
	Score float64  `json:"score"`
	Base  float64  `json:"base"`
	Parts []Reason `json:"parts"` // every rated item, the largest part first
	// Scale names what Score, Base and the parts measure: ScoreRating
	// for a net with a linear or relu output (the unclipped predicted
	// rating on the original scale; for relu, the score before the relu
	// cuts it at zero), "logit" for a sigmoid output (the log-odds of a
	// probability, or of a scaled rating), ScoreRelevance for a kind whose
	// scores only order the items (ials, ease).
	Scale string `json:"scale"`
	// Exact is set when the score is linear in the ratings (dot, mf: the
	// fold-in is a ridge solve), the split is exact, and Score is the
	// score the list shows; an mlp or a neumf gives leave-one-out parts,
	// which need not add up, and a known user's explanation (ExplainUser)
	// explains a refold of the user.
	Exact bool `json:"exact"`
}

// ErrNoSeen is wrapped by the errors of what needs the items a known user
// rated when the model keeps none (trained with train.WithoutSeen).
var ErrNoSeen = errors.New("model: the model keeps no seen items")

// ScaleLogit names the scale of an explained sigmoid output.
const ScaleLogit = "logit"

// Explain folds in a new user from ratings (raw item id to rating on the
// original scale, as FoldIn takes them) and splits the score of each of
// items for that user among the rated items. lambda is FoldIn's. It wraps
// ErrUnsupported for a net that cannot fold in or explain (or an mlp or a
// neumf given more than MaxDeepExplain ratings), and ErrUnknownItem for an
// unknown item.
func (m *Model) Explain(ctx context.Context, ratings map[string]float64, items []string, lambda float64) ([]Explanation, error) {
	rated, _, err := m.foldInTargets(ratings)
	if err != nil {
		return nil, err
	}
	orig := make([]float64, len(rated))
	for j, r := range rated {
		orig[j] = ratings[m.Items.Raw(r.Item)]
	}
	return m.explainRated(ctx, rated, orig, items, lambda)
}

// explainRated is Explain for rated items in increasing inner id, with
// their targets on the training scale and, in orig, their ratings.
func (m *Model) explainRated(ctx context.Context, rated []Rated, orig []float64, items []string, lambda float64) ([]Explanation, error) {
	net, ok := m.Net.(FoldInNet)
	if !ok {
		return nil, fmt.Errorf("%w: cannot fold in a user of a %s net", ErrUnsupported, m.Net.Kind())
	}
	if _, deep := m.Net.(DeepNet); deep && len(rated) > MaxDeepExplain {
		return nil, fmt.Errorf("%w: kind %s explains at most %d ratings (one refit a rating), and there are %d", ErrUnsupported, m.Net.Kind(), MaxDeepExplain, len(rated))
	}
	if lambda != 0 && (!(lambda > 0) || !Finite(lambda)) {
		return nil, fmt.Errorf("model: fold-in lambda must be positive and finite, got %g", lambda)
	}
	if lambda == 0 {
		lambda = net.FoldInLambda() // 0 for a net that takes no penalty (ease)
	}
	user, err := net.FoldInUser(ctx, rated, lambda)
	if err != nil {
		return nil, err
	}
	if user.Explain == nil {
		return nil, fmt.Errorf("%w: kind %s explains at most %d ratings (one refit a rating), and there are %d", ErrUnsupported, m.Net.Kind(), MaxDeepExplain, len(rated))
	}
	out := make([]Explanation, len(items))
	for k, raw := range items {
		i, ok := m.Items.Inner(raw)
		if !ok {
			return nil, fmt.Errorf("%w %s", ErrUnknownItem, quote.Short(raw))
		}
		z, base, parts := user.Explain(i)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		out[k] = m.explanation(raw, rated, orig, z, base, parts)
		out[k].Exact = user.Exact
	}
	return out, nil
}

// explanation maps a split of a pre-activation on the training scale to
// the scale Explanation names, with the parts sorted.
func (m *Model) explanation(item string, rated []Rated, orig []float64, z, base float64, parts []float64) Explanation {
	e := Explanation{Item: item, Scale: ScaleLogit}
	offset, span := 0.0, 1.0
	if m.ScoreName() == ScoreRelevance {
		e.Scale = ScoreRelevance // a dot product with no output (ials)
	} else if cfg := m.Config.WithDefaults(); cfg.Activation != Sigmoid {
		e.Scale = ScoreRating
		if !cfg.NoScale && m.Max > m.Min {
			offset, span = m.Min, m.Max-m.Min
		}
	}
	e.Base, e.Score = offset+base*span, offset+z*span
	var sum float64 // of the parts' sizes: a share says how much of all the moving one rating did
	for _, p := range parts {
		sum += math.Abs(p)
	}
	for j, p := range parts {
		share := 0.0
		if sum > 0 {
			share = p / sum
		}
		e.Parts = append(e.Parts, Reason{Item: m.Items.Raw(rated[j].Item), Rating: orig[j], Part: p * span, Share: share})
	}
	sort.SliceStable(e.Parts, func(a, b int) bool { return e.Parts[a].Part > e.Parts[b].Part })
	return e
}

// ExplainUser splits the score of each of items for a known user among
// the items the user rated in training (Model.SeenItems), the same way
// Explain splits a new learner's: it folds the user in again from those
// ratings. The parts add up to that refold's score (Explanation.Score),
// which is near the trained user's and, for most kinds, not it: an
// explanation of a known user is Exact only when the refold's score is the
// trained user's to the bit (ease, which scores a known user from the same
// items). It wraps ErrUnsupported for a net that cannot fold
// in, ErrNoSeen when the model keeps no seen items, and ErrUnknownUser for
// an unknown user.
func (m *Model) ExplainUser(ctx context.Context, user string, items []string, lambda float64) ([]Explanation, error) {
	u, ok := m.Users.Inner(user)
	if !ok {
		return nil, fmt.Errorf("%w %s", ErrUnknownUser, quote.Short(user))
	}
	if _, ok := m.Net.(FoldInNet); !ok {
		return nil, fmt.Errorf("%w: cannot fold in a user of a %s net", ErrUnsupported, m.Net.Kind())
	}
	if !m.HasSeen() {
		return nil, fmt.Errorf("%w: cannot explain through the user's ratings", ErrNoSeen)
	}
	seen, ratings := m.SeenItems(u) // in increasing inner id
	items0 := seen
	if rn, ok := m.Net.(userRowNet); ok {
		items0 = rn.userRow(u) // what the net scores the user from
	}
	rated, orig := make([]Rated, len(items0)), make([]float64, len(items0))
	for j, i := range items0 {
		orig[j] = 1 // an interaction, for an item the seen rows lack
		if k, found := slices.BinarySearch(seen, i); found {
			orig[j] = float64(ratings[k])
		}
		rated[j] = Rated{i, m.foldInTarget(orig[j])}
	}
	es, err := m.explainRated(ctx, rated, orig, items, lambda)
	for k := range es {
		// The parts explain the refold's score; exact when that is the
		// trained user's.
		i, _ := m.Items.Inner(es[k].Item)
		es[k].Exact = es[k].Exact && es[k].Scale == m.ScoreName() && es[k].Score == m.Unscale(m.Net.Score(u, i))
	}
	return es, err
}

// A userRowNet keeps each known user's items and scores the user from
// them (ease): userRow returns user u's, in increasing inner id. They are
// the training rows, which may be fewer than the seen items.
type userRowNet interface {
	userRow(u int32) []int32
}

// MaxReasons is how many rated items a recommendation names as its
// reasons (Top): the CLI's --explain and the API's "because".
const MaxReasons = 3

// Top returns the rated items that raised e's score most: its largest
// positive parts, at most n, the largest first; none when no rating
// raised the score.
func (e Explanation) Top(n int) []Reason {
	var out []Reason
	for _, p := range e.Parts {
		if len(out) == n || !(p.Part > 0) {
			break
		}
		out = append(out, p)
	}
	return out
}

// Items returns the items of recs, in order.
func Items(recs []Rec) []string {
	out := make([]string, len(recs))
	for k, r := range recs {
		out[k] = r.Item
	}
	return out
}
