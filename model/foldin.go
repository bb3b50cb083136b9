package model

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/recnet/recnet/internal/quote"
	"github.com/recnet/recnet/internal/topk"
)

// DefaultFoldInLambda is the ridge penalty FoldIn uses when given 0. It
// was chosen on low-rank test data (see foldin_test.go), where it gives a
// folded-in user about the test RMSE of the same user trained in.
const DefaultFoldInLambda = 0.05

// sigmoidClip keeps the targets of a sigmoid net inside (0, 1) before
// their logit is taken: targets are clipped to [sigmoidClip, 1-sigmoidClip].
const sigmoidClip = 0.01

// FoldInResult is the outcome of FoldIn.
type FoldInResult struct {
	// Recs are the recommended items, best first, with their unclipped
	// scores on the original scale (see Rec).
	Recs []Rec
	// Cold is set when there were no ratings: Recs rank items by item bias
	// alone and UserEmb and UserBias are zero.
	Cold bool
	// UserEmb and UserBias are the new user's embedding and bias (for an
	// MLP or a NeuMF, the MLP-branch embedding; an MLP has no bias).
	UserEmb  []float32
	UserBias float32
	// GMFUserEmb is a NeuMF user's GMF embedding.
	GMFUserEmb []float32
}

// FoldIn recommends k items to a new user from their ratings (raw item id
// to rating on the original scale) without retraining: it holds the item
// tables fixed and solves the ridge regression
//
//	min_{p,b} Σ_i (y_i - <p, q_i> - b)² + λ(|p|² + b²)
//
// for the user's embedding p and bias b, a (Dim+1)x(Dim+1) linear system
// solved by Cholesky. For a dot net y_i = t_i - bi[i], where t_i is the
// rating on the training scale (ToScale) for a linear or relu output, and
// the logit of that clipped to [0.01, 0.99] for a sigmoid output; for an
// mf net y_i = t_i - mu - bi[i]. For an mlp or a neumf, which have no
// closed form, it minimizes Σ_i (score_i - t_i)² + λ|p|² over the user's
// parameters by full-batch Adam (300 steps, deterministic), with lambda 0
// meaning DefaultDeepFoldInLambda. Other nets give an error wrapping
// ErrUnsupported.
//
// The rated items are left out of Recs, which are ranked as Recommend
// ranks them. With no ratings FoldIn is a cold start: p and b are zero,
// items rank by item bias alone and Cold is set. lambda 0 means
// DefaultFoldInLambda; a negative or non-finite lambda is an error. An
// unknown item id gives an error wrapping ErrUnknownItem, a rating that
// CheckRating refuses an error wrapping ErrBadRating; k < 1 is an error,
// and when fewer than k items are candidates all are returned.
func (m *Model) FoldIn(ratings map[string]float64, k int, lambda float64) (FoldInResult, error) {
	return m.FoldInContext(context.Background(), ratings, k, lambda)
}

// ErrBadRating is wrapped by the errors of CheckRating.
var ErrBadRating = errors.New("model: bad rating")

// CheckRating returns an error wrapping ErrBadRating, naming the item, if
// the rating r of item is not finite or, for a model with a range (Min
// and Max not both 0), outside Min..Max. A model whose training values
// were all one value (Min == Max: a table of interactions, 1..1, or of
// one rating) takes only that value.
func (m *Model) CheckRating(item string, r float64) error {
	switch {
	case !Finite(r):
		return fmt.Errorf("%w %g of item %s: not finite", ErrBadRating, r, quote.Short(item))
	case m.Min == m.Max && m.Min != 0 && r != m.Min:
		return fmt.Errorf("%w %g of item %s: the model learned from values that were all %g (interactions), and takes only %g", ErrBadRating, r, quote.Short(item), m.Min, m.Min)
	case m.Max > m.Min && (r < m.Min || r > m.Max):
		return fmt.Errorf("%w %g of item %s: outside the model's range %g..%g", ErrBadRating, r, quote.Short(item), m.Min, m.Max)
	}
	return nil
}

// FoldInContext is FoldIn stopping early, with ctx's error, when ctx is
// done: the iterative fold-in of an mlp or a neumf checks it at each of
// its steps, the others before they start. Its results are FoldIn's.
func (m *Model) FoldInContext(ctx context.Context, ratings map[string]float64, k int, lambda float64) (FoldInResult, error) {
	if err := ctx.Err(); err != nil {
		return FoldInResult{}, err
	}
	if err := checkK(k); err != nil {
		return FoldInResult{}, err
	}
	if lambda != 0 && (!(lambda > 0) || !Finite(lambda)) {
		return FoldInResult{}, fmt.Errorf("model: fold-in lambda must be positive and finite, got %g", lambda)
	}
	net, ok := m.Net.(FoldInNet)
	if !ok {
		return FoldInResult{}, fmt.Errorf("%w: cannot fold in a user of a %s net", ErrUnsupported, m.Net.Kind())
	}
	if lambda == 0 {
		lambda = net.FoldInLambda()
	}
	rated, seen, err := m.foldInTargets(ratings)
	if err != nil {
		return FoldInResult{}, err
	}
	if len(rated) == 0 && m.ScoreName() == ScoreRelevance {
		return m.coldByPopularity(k)
	}
	user, err := net.FoldInUser(ctx, rated, lambda)
	if err != nil {
		return FoldInResult{}, err
	}
	res := FoldInResult{Cold: len(rated) == 0, UserEmb: user.Emb, UserBias: user.Bias, GMFUserEmb: user.GMFEmb}
	top := topk.Select(nil, m.Items.Len(), k,
		func(i int32) bool { return seen[i] },
		func(i int32) float64 { return float64(user.Score(i)) })
	res.Recs = make([]Rec, len(top))
	for j, r := range top {
		res.Recs[j] = m.rec(r.Item, float32(r.Score))
	}
	return res, nil
}

// A FoldInNet is a net that can place a user it was not trained on, from
// their ratings, its item tables fixed: FoldIn works with the nets that
// implement it.
type FoldInNet interface {
	Net
	// FoldInUser fits a new user to the rated items (in increasing inner
	// id, with their ratings on the training scale; none for a cold
	// start) with the penalty lambda (positive), and returns the user. It
	// returns ctx's error when ctx is done first.
	FoldInUser(ctx context.Context, rated []Rated, lambda float64) (FoldedUser, error)
	// FoldInLambda is the penalty FoldIn uses when given 0; 0 when the
	// fold-in takes no penalty (ease).
	FoldInLambda() float64
}

// Rated is an item a user rated, with the rating on the training scale.
type Rated struct {
	Item   int32
	Target float64
}

// FoldedUser is a user a FoldInNet placed: its parameters, and its score
// of every item. Its functions are not safe for concurrent use.
type FoldedUser struct {
	// Emb and Bias are the user's embedding and bias (for an mlp or a
	// neumf, the MLP-branch embedding; an mlp has no bias). GMFEmb is a
	// neumf user's GMF embedding.
	Emb    []float32
	Bias   float32
	GMFEmb []float32
	// Score scores item i (an inner id) for the user, on the training
	// scale.
	Score func(i int32) float32
	// Explain returns the pre-activation score z of item i (before the
	// output activation, on the training scale), and splits it into a
	// base, which no rating moves, and one part for each rated item (in
	// the order FoldInUser got them). When Exact, z = base + Σ parts; a
	// net whose score is not linear in the ratings documents its
	// approximation. nil when the net cannot explain.
	Explain func(i int32) (z, base float64, parts []float64)
	Exact   bool
}

// foldInLinear is FoldInUser for a dot or an mf net: the closed form of f.
func foldInLinear(ctx context.Context, f linearFold, rated []Rated, lambda float64) (FoldedUser, error) {
	if err := ctx.Err(); err != nil {
		return FoldedUser{}, err
	}
	u := FoldedUser{Emb: make([]float32, f.dim)}
	s := f.ratedSum(rated)
	rows := f.rows(rated, s)
	var l []float64
	if len(rated) > 0 {
		var err error
		if u.Bias, l, err = f.solve(rows, lambda, u.Emb); err != nil {
			return FoldedUser{}, err
		}
	}
	for c, v := range s {
		u.Emb[c] += v
	}
	u.Score = func(i int32) float32 { return f.score(u.Emb, u.Bias, i) }
	u.Explain = func(i int32) (float64, float64, []float64) { return f.explain(rows, l, i) }
	u.Exact = true
	return u, nil
}

// linearFold is the closed-form fold-in of a dot or an mf net: its item
// tables, mf's global mean, the output activation and, with the svdpp
// setting, the y table (nil without).
//
// With y, the user's vector is p + s, s = |N|^-½ Σ_j y_j over the rated
// items (RatedSum), and the ridge penalty is on p as in training: the
// targets lose <s, q_j> before the solve, and s is added to its p.
type linearFold struct {
	dim             int
	itemEmb, itemBi []float32
	mu              float32
	act             Activation
	mf              bool
	rated           []float32
}

// ratedSum returns the svdpp part s of the vector of a user who rated the
// items of targets, or nil for a net without y.
func (f linearFold) ratedSum(targets []Rated) []float32 {
	if f.rated == nil {
		return nil
	}
	items := make([]int32, len(targets))
	for j, r := range targets {
		items[j] = r.Item
	}
	s := make([]float32, f.dim)
	RatedSum(s, f.rated, items)
	return s
}

// ratedRow is a rated item with the regression target y of its rating.
type ratedRow struct {
	item int32
	y    float64
}

// rows returns the regression targets of the ratings: the training-scale
// rating (its logit, clipped, for a sigmoid output) less the item bias,
// mf's mean and <s, q_i> (s the svdpp part, nil without).
func (f linearFold) rows(targets []Rated, s []float32) []ratedRow {
	rows := make([]ratedRow, len(targets))
	for j, r := range targets {
		t := r.Target
		if f.act == Sigmoid {
			t = min(max(t, sigmoidClip), 1-sigmoidClip)
			t = math.Log(t / (1 - t))
		}
		rows[j] = ratedRow{r.Item, t - float64(f.mu) - float64(f.itemBi[r.Item])}
		if s != nil {
			rows[j].y -= float64(Dot32(s, f.itemEmb[int(r.Item)*f.dim:int(r.Item)*f.dim+f.dim]))
		}
	}
	return rows
}

// solve solves the ridge regression of FoldIn on rows: it writes the user
// embedding into emb and returns the user bias and the Cholesky factor of
// the system, which explains a score (explainLinear).
func (f linearFold) solve(rows []ratedRow, lambda float64, emb []float32) (float32, []float64, error) {
	// Normal equations of x_i = (q_i, 1): (Σ x xᵀ + λI) w = Σ x y.
	dim := f.dim
	n := dim + 1
	a := make([]float64, n*n)
	rhs := make([]float64, n)
	x := make([]float64, n)
	for _, r := range rows {
		q := f.itemEmb[int(r.item)*dim : int(r.item)*dim+dim]
		for c, v := range q {
			x[c] = float64(v)
		}
		x[dim] = 1
		for c := range n {
			rhs[c] += x[c] * r.y
			for g := range c + 1 {
				a[c*n+g] += x[c] * x[g]
			}
		}
	}
	for c := range n {
		a[c*n+c] += lambda
		for g := range c {
			a[g*n+c] = a[c*n+g]
		}
	}
	w, err := solveCholesky(a, rhs, n)
	if err != nil {
		return 0, nil, err
	}
	for c := range dim {
		emb[c] = float32(w[c])
	}
	return float32(w[dim]), a, nil
}

// score returns the training-scale score of item i for a user of
// embedding emb and bias b.
func (f linearFold) score(emb []float32, b float32, i int32) float32 {
	q := f.itemEmb[int(i)*f.dim : int(i)*f.dim+f.dim]
	s := Dot32(emb, q) + b + f.itemBi[i]
	if f.mf {
		return f.mu + s
	}
	y, _ := f.act.Apply(s)
	return y
}

// foldInTarget is the fold-in's target of a rating r: r on the training
// scale; for a model of the implicit task, which learned from
// interactions, 1, or r on its original scale for a kind that weighs an
// interaction by its value (one that reads "alpha": ials's confidence
// 1 + α·r).
func (m *Model) foldInTarget(r float64) float64 {
	if m.Config.Implicit() {
		if k, ok := kinds[m.Config.Kind]; ok && k.ReadsSetting("alpha") {
			return max(r, 0)
		}
		return 1
	}
	return float64(m.ToScale(r))
}

// foldInTargets returns the rated items in inner id order (so that sums do
// not depend on map order) with their ratings on the training scale, and
// the set of rated items.
func (m *Model) foldInTargets(ratings map[string]float64) ([]Rated, map[int32]bool, error) {
	keys := make([]string, 0, len(ratings))
	for raw := range ratings {
		keys = append(keys, raw)
	}
	slices.Sort(keys)
	rows := make([]Rated, 0, len(keys))
	seen := make(map[int32]bool, len(keys))
	for _, raw := range keys {
		i, ok := m.Items.Inner(raw)
		if !ok {
			return nil, nil, fmt.Errorf("%w %s", ErrUnknownItem, quote.Short(raw))
		}
		r := ratings[raw]
		if err := m.CheckRating(raw, r); err != nil {
			return nil, nil, err
		}
		rows = append(rows, Rated{i, m.foldInTarget(r)})
		seen[i] = true
	}
	slices.SortFunc(rows, func(a, b Rated) int { return int(a.Item) - int(b.Item) })
	return rows, seen, nil
}

// errNotPositiveDefinite is returned by solveCholesky for a matrix that is
// not (numerically) positive definite.
var errNotPositiveDefinite = errors.New("model: fold-in system is not positive definite")

// solveCholesky solves a w = b for a symmetric positive definite n x n
// matrix a (row-major) by Cholesky factorization a = L Lᵀ, overwriting a
// with L in its lower triangle. It returns w.
func solveCholesky(a, b []float64, n int) ([]float64, error) {
	if err := factorCholesky(a, n); err != nil {
		return nil, err
	}
	return solveFactored(a, b, n), nil
}

// factorCholesky overwrites the lower triangle of the symmetric positive
// definite n x n matrix a with L, where a = L Lᵀ.
func factorCholesky(a []float64, n int) error {
	for j := range n {
		lj := a[j*n : j*n+j] // row j of L left of the diagonal
		s := a[j*n+j]
		for _, v := range lj {
			s -= v * v
		}
		if !(s > 0) {
			return errNotPositiveDefinite
		}
		d := math.Sqrt(s)
		a[j*n+j] = d
		for i := j + 1; i < n; i++ {
			li := a[i*n : i*n+j : i*n+j]
			s := a[i*n+j]
			for k, v := range lj {
				s -= li[k] * v
			}
			a[i*n+j] = s / d
		}
	}
	return nil
}

// solveFactored solves L Lᵀ w = b for the factor L of factorCholesky.
func solveFactored(l, b []float64, n int) []float64 {
	// Forward: L z = b, then back: Lᵀ w = z.
	w := slices.Clone(b)
	for i := range n {
		s := w[i]
		for k := range i {
			s -= l[i*n+k] * w[k]
		}
		w[i] = s / l[i*n+i]
	}
	for i := n - 1; i >= 0; i-- {
		s := w[i]
		for k := i + 1; k < n; k++ {
			s -= l[k*n+i] * w[k]
		}
		w[i] = s / l[i*n+i]
	}
	return w
}

// coldByPopularity is the cold start of a kind whose scores only order
// items and that has no item biases (ials, ease: a learner with no ratings
// scores every item 0): the items ranked by how many users rated them in
// training (Model.Seen), the count as the score. It wraps ErrNoSeen when
// the model keeps no seen items.
func (m *Model) coldByPopularity(k int) (FoldInResult, error) {
	if !m.HasSeen() {
		return FoldInResult{}, fmt.Errorf("%w: a model of kind %s ranks a learner with no ratings by popularity, from its seen items", ErrNoSeen, m.Net.Kind())
	}
	counts := make([]float64, m.Items.Len())
	for _, e := range m.Seen.Packed {
		counts[e>>8]++
	}
	top := topk.Select(nil, len(counts), k, nil, func(i int32) float64 { return counts[i] })
	res := FoldInResult{Cold: true, Recs: make([]Rec, len(top))}
	for j, r := range top {
		res.Recs[j] = Rec{Item: m.Items.Raw(r.Item), Score: r.Score}
	}
	return res, nil
}
