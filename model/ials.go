package model

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"

	"github.com/recnet/recnet/internal/f32"
)

// IALS is implicit alternating least squares (Hu, Koren & Volinsky 2008):
// a user and an item factor vector, no biases, and
//
//	score(u, i) = <P[u], Q[i]>
//
// trained (train.Fit with Config.Kind "ials") to minimize
//
//	Σ_u Σ_i c_ui (p_ui − <P[u], Q[i]>)² + Σ_u λ_u |P[u]|² + Σ_i λ_i |Q[i]|²
//
// over every (user, item) cell, where p_ui is 1 for an interaction and 0
// otherwise and the confidence c_ui is 1 + α·r_ui on an interaction of
// value r_ui (its rating on the original scale, or 1 on a table of 0/1
// interactions) and 1 elsewhere. The penalty is scaled as Rendle et al.
// 2022 scale it with ν = 1: λ_u = λ·Σ_i c_ui = λ·(items + α·Σ_i r_ui)
// for a user, and λ_i = λ·(users + α·Σ_u r_ui) for an item, so that λ
// weighs against the row's whole loss. The scores only order the items
// (ScoreRelevance).
type IALS struct {
	Users, Items, Dim int
	Alpha, L2         float64   // α and λ, which FoldInUser uses
	UserEmb           []float32 // Users x Dim
	ItemEmb           []float32 // Items x Dim

	gramOnce sync.Once
	gram     []float64 // ItemEmbᵀ ItemEmb, for fold-in
}

// DefaultCGSteps is the ials kind's default number of conjugate-gradient
// steps a row and half-step (Config.CGSteps).
const DefaultCGSteps = 3

// ialsKind names the ials kind.
const ialsKind = "ials"

// IALSKind names the ials kind for other packages (a model read from
// another engine's ALS factors, model/sparkals).
const IALSKind = ialsKind

// The ials kind's defaults (dim 128, λ 0.005, α 1, 15 iterations) were
// chosen by cross-validation on ml-latest-small, over time, against three
// generated tables together (selection's TestImplicitDefaultsSearch; see
// the README).
func init() {
	Register(Kind{
		Name:  ialsKind,
		Doc:   "implicit ALS (Hu, Koren & Volinsky 2008)",
		Score: ScoreRelevance,
		Defaults: Config{
			Training: Training{Task: TaskImplicit, Epochs: 15, Seed: 42},
			Settings: Settings{Dim: 128, L2: 0.005, Alpha: 1, CGSteps: DefaultCGSteps},
		},
		Reads: []string{"dim", "epochs", "l2", "alpha", "cg_steps", "task"},
		Fixed: map[string]string{"task": TaskImplicit},
		Why:   "ials solves each user and item row by least squares (conjugate gradients or exactly), every cell weighted by its confidence (no optimizer, batches, biases, layers, sampled negatives or early stopping)",
		Space: []Range{
			{Name: "dim", Values: []string{"16", "32", "64", "128", "256"}, Grid: []string{"32", "64", "128"}},
			{Name: "l2", Lo: 1e-4, Hi: 0.1, Log: true, Grid: []string{"0.0005", "0.002", "0.01"}},
			{Name: "alpha", Lo: 0.1, Hi: 100, Log: true, Grid: []string{"0.5", "2", "10"}},
			{Name: "epochs", Lo: 4, Hi: 30, Int: true},
		},
		Build: buildIALS,
		Count: func(c Config, users, items int) int64 { return (int64(users) + int64(items)) * int64(c.Dim) },
		Describe: func(c Config) string {
			solve := "exact row solves"
			if c.CGSteps > 0 {
				solve = fmt.Sprintf("%d conjugate-gradient step(s) a row", c.CGSteps)
			}
			iterations := "iterations"
			if c.Epochs == 1 {
				iterations = "iteration"
			}
			return fmt.Sprintf("dim %d, alpha %g (confidence 1 + alpha·r), L2 %g (scaled by each row's confidence), %d %s of %s",
				c.Dim, c.Alpha, max(c.L2, 0), c.Epochs, iterations, solve)
		},
	})
}

// buildIALS rebuilds an ials net from its tables.
func buildIALS(cfg Config, params []Param) (Net, error) {
	cfg = cfg.WithDefaults()
	dim := factorCols(params, "user_embedding")
	n := &IALS{Dim: dim, Alpha: cfg.Alpha, L2: max(cfg.L2, 0)}
	var err error
	if n.UserEmb, err = findParam(params, "user_embedding", -1, dim); err != nil {
		return nil, err
	}
	if n.ItemEmb, err = findParam(params, "item_embedding", -1, dim); err != nil {
		return nil, err
	}
	if dim == 0 {
		return nil, fmt.Errorf("model: ials tables have no columns")
	}
	n.Users, n.Items = len(n.UserEmb)/dim, len(n.ItemEmb)/dim
	return n, nil
}

// NewIALS returns an IALS for the given numbers of users and items, its
// user factors zero and its item factors drawn from N(0, (0.1/√Dim)²) as
// Rendle et al. 2022 draw them (cfg's Dim, Alpha, L2 and Seed, zero fields
// taking the ials defaults).
func NewIALS(users, items int, cfg Config) *IALS {
	if cfg.Kind == "" {
		cfg.Kind = ialsKind
	}
	cfg = cfg.WithDefaults()
	n := &IALS{Users: users, Items: items, Dim: cfg.Dim, Alpha: cfg.Alpha, L2: max(cfg.L2, 0),
		UserEmb: make([]float32, users*cfg.Dim), ItemEmb: make([]float32, items*cfg.Dim)}
	fillEmbedding(n.ItemEmb, items, Config{Settings: Settings{Init: "normal", InitStd: 0.1 / math.Sqrt(float64(cfg.Dim))}}, rand.New(rand.NewPCG(cfg.Seed, 0x1a15)))
	return n
}

// Kind returns "ials".
func (n *IALS) Kind() string { return ialsKind }

// Score returns <P[u], Q[i]>.
func (n *IALS) Score(u, i int32) float32 {
	k := n.Dim
	return Dot32(n.UserEmb[int(u)*k:int(u)*k+k], n.ItemEmb[int(i)*k:int(i)*k+k])
}

// Params returns the user and the item factors.
func (n *IALS) Params() []Param {
	return []Param{
		{"user_embedding", n.Users, n.Dim, n.UserEmb},
		{"item_embedding", n.Items, n.Dim, n.ItemEmb},
	}
}

// SummaryRows describes the net for a summary.
func (n *IALS) SummaryRows() []SummaryRow {
	dim := fmt.Sprintf("(None, %d)", n.Dim)
	return []SummaryRow{
		{"user_embedding", "Embedding", dim, n.Users * n.Dim},
		{"item_embedding", "Embedding", dim, n.Items * n.Dim},
		{dotLayer, "Dot (per row)", "(None, 1)", 0},
	}
}

// FoldInLambda returns the trained λ: a fold-in with it is the user
// half-step of training.
func (n *IALS) FoldInLambda() float64 { return n.L2 }

// FoldInUser places a new user as a user half-step of training places a
// user of the same items, with the item factors fixed: one weighted
// ridge solve (ALSRow), its penalty lambda scaled as IALS says. The
// ratings' values do not matter (each is an interaction). The score of
// item i splits exactly among the rated items j: with A the solve's
// matrix, score = Σ_j (1+α)·Q[i]ᵀA⁻¹Q[j].
func (n *IALS) FoldInUser(ctx context.Context, rated []Rated, lambda float64) (FoldedUser, error) {
	if err := ctx.Err(); err != nil {
		return FoldedUser{}, err
	}
	n.gramOnce.Do(func() { n.gram = Gram(nil, n.ItemEmb, n.Items, n.Dim) })
	items := make([]int32, len(rated))
	vals := make([]float32, len(rated))
	for j, r := range rated {
		items[j], vals[j] = r.Item, float32(r.Target)
	}
	row := ALSRow{Dim: n.Dim, Alpha: n.Alpha, L2: lambda, Others: n.Items, Gram: n.gram}
	u := FoldedUser{Emb: make([]float32, n.Dim), Exact: true}
	if err := row.Solve(u.Emb, n.ItemEmb, items, vals); err != nil {
		return FoldedUser{}, err
	}
	u.Score = func(i int32) float32 { return Dot32(u.Emb, n.ItemEmb[int(i)*n.Dim:int(i)*n.Dim+n.Dim]) }
	u.Explain = func(i int32) (float64, float64, []float64) { return row.explain(n.ItemEmb, items, vals, i) }
	return u, nil
}

// Gram sets dst (dim x dim, allocated when too short) to YᵀY for the
// rows x dim table y, summed in float64, and returns it.
func Gram(dst []float64, y []float32, rows, dim int) []float64 {
	if len(dst) < dim*dim {
		dst = make([]float64, dim*dim)
	}
	dst = dst[:dim*dim]
	clear(dst)
	for r := range rows {
		v := y[r*dim : r*dim+dim]
		for a, x := range v {
			if x == 0 {
				continue
			}
			g := dst[a*dim : a*dim+dim]
			for b := range a + 1 {
				g[b] += float64(x) * float64(v[b])
			}
		}
	}
	for a := range dim {
		for b := range a {
			dst[b*dim+a] = dst[a*dim+b]
		}
	}
	return dst
}

// ALSRow solves one row of an ials half-step: the factors x of a user
// (or an item) of interactions with the rows J of the fixed table Y
// (the items, or the users) minimize
//
//	Σ_j c_j (p_j − <x, y_j>)² + λ_x |x|²
//
// over every row j of Y, c_j = 1 + α·r_j and p_j = 1 for j in J (r_j
// the interaction's value; 1 when the values are nil), c_j = 1 and p_j =
// 0 elsewhere, λ_x = L2·(Others + α·Σ_{j∈J} r_j). The normal equations
//
//	(YᵀY + α Σ_{j∈J} r_j y_j y_jᵀ + λ_x I) x = Σ_{j∈J} (1+α·r_j) y_j
//
// are formed so that values all 1 give the same bits as nil values.
// take the Gramian YᵀY (Gram), computed once per half-step, so a row
// costs O(|J|·Dim² + Dim³). Solve keeps its buffers: an ALSRow is for
// one goroutine.
type ALSRow struct {
	Dim       int
	Alpha, L2 float64
	Others    int       // rows of Y
	Gram      []float64 // YᵀY, Dim x Dim

	a, b []float64 // the system, then a's Cholesky factor
	ys   []float32 // the rows of J, gathered
	ws   []float32 // the rows of J, each times its value
	yy   []float32 // their Gramian

	// Gram32 is Gram in float32, which CG reads (Gram32 sets it).
	Gram32     []float32
	res, p, ap []float32 // CG's residual, direction and A·direction
	t          []float32 // y_jᵀv for the rows of J
}

// SetGram32 sets Gram32 from Gram, reusing its storage.
func (r *ALSRow) SetGram32() {
	r.Gram32 = slices.Grow(r.Gram32[:0], len(r.Gram))[:len(r.Gram)]
	for c, v := range r.Gram {
		r.Gram32[c] = float32(v)
	}
}

// CG runs up to steps steps of conjugate gradients on the row's normal
// equations (those of Solve, vals the values of rows or nil), from x's
// current value (a warm start), in float32. A step costs O(Dim² + |J|·Dim):
// A·p is Gram32·p + λ_x p + α Σ_{j∈J} r_j y_j (y_jᵀp), A never formed; one more pass of the same cost
// computes the first residual. It stops early when the residual is
// exactly zero. With no interactions x is zero (the exact solution).
// Gram32 must be set (SetGram32).
func (r *ALSRow) CG(x []float32, y []float32, rows []int32, vals []float32, steps int) {
	d := r.Dim
	x = x[:d]
	if len(rows) == 0 {
		clear(x)
		return
	}
	if cap(r.res) < d {
		r.res, r.p, r.ap = make([]float32, d), make([]float32, d), make([]float32, d)
	}
	res, p, ap := r.res[:d], r.p[:d], r.ap[:d]
	n := len(rows)
	r.ys = slices.Grow(r.ys[:0], n*d)[:n*d]
	r.t = slices.Grow(r.t[:0], n)[:n]
	for k, j := range rows {
		copy(r.ys[k*d:k*d+d], y[int(j)*d:int(j)*d+d])
	}
	lambda := float32(r.L2 * (float64(r.Others) + r.Alpha*valueSum(vals, n)))
	// res = b − A x, with b = Σ (1+α·r_j) y_j: the pass of A x, each row's
	// weight shifted by −(1+α·r_j), negated.
	r.apply(ap, x, r.ys, vals, n, lambda, true)
	for c, v := range ap {
		res[c] = -v
	}
	copy(p, res)
	rs := f32.Dot(res, res)
	for range steps {
		if rs == 0 {
			return
		}
		r.apply(ap, p, r.ys, vals, n, lambda, false)
		pap := f32.Dot(p, ap)
		if !(pap > 0) {
			return
		}
		a := rs / pap
		f32.SubScaled(x, p, -a)
		f32.SubScaled(res, ap, a)
		next := f32.Dot(res, res)
		beta := next / rs
		for c, v := range res {
			p[c] = v + beta*p[c]
		}
		rs = next
	}
}

// apply sets dst = Gram32·v + λ v + Σ_{j∈J} (α r_j y_jᵀv − s_j) y_j, from
// the rows of J gathered in ys (|J| x Dim) and their values vals (nil: all
// 1), s_j = 1 + α·r_j when shift is set and 0 otherwise, by the matrix
// kernels: t = ys·v, then dst += tᵀ·ys.
func (r *ALSRow) apply(dst, v, ys, vals []float32, n int, lambda float32, shift bool) {
	d := r.Dim
	f32.MulNN(dst, v, r.Gram32, 1, d, d, false) // vᵀG = Gv, G symmetric
	for c, x := range v {
		dst[c] += lambda * x
	}
	t := r.t[:n]
	f32.MulNN(t, ys, v, n, d, 1, false)
	for k, x := range t {
		v := 1.0
		if vals != nil {
			v = float64(vals[k])
		}
		var sh float32
		if shift {
			sh = float32(1 + r.Alpha*v)
		}
		t[k] = float32(r.Alpha*v)*x - sh
	}
	f32.MulNN(dst, t, ys, 1, n, d, true)
}

// Solve writes the row's factors into x (Dim values), from the fixed
// table y (Others x Dim) and the row's interactions J (indices into y,
// without repeats) with their values vals (nil: all 1). With no interactions x is zero. It returns an error
// when the system is not positive definite (no penalty and a degenerate
// Y).
func (r *ALSRow) Solve(x []float32, y []float32, rows []int32, vals []float32) error {
	d := r.Dim
	if len(rows) == 0 {
		clear(x[:d])
		return nil
	}
	if cap(r.a) < d*d {
		r.a, r.b, r.yy = make([]float64, d*d), make([]float64, d), make([]float32, d*d)
	}
	r.a, r.b = r.a[:d*d], r.b[:d]
	if need := len(rows) * d; cap(r.ys) < need {
		r.ys, r.ws = make([]float32, need), make([]float32, need)
	}
	ys, ws := r.ys[:len(rows)*d], r.ws[:len(rows)*d]
	// b = (1+α) Σ y_j + α Σ (r_j − 1) y_j: the second sum is exactly 0 on
	// values of 1.
	clear(r.b)
	extra := make([]float64, d)
	for k, j := range rows {
		v := y[int(j)*d : int(j)*d+d]
		copy(ys[k*d:], v)
		rv := float32(1)
		if vals != nil {
			rv = vals[k]
		}
		for c, f := range v {
			r.b[c] += float64(f)
			ws[k*d+c] = rv * f
			extra[c] += float64(rv-1) * float64(f)
		}
	}
	f32.MulTN(r.yy, ys, ws, d, len(rows), d, false)
	lambda := r.L2 * (float64(r.Others) + r.Alpha*valueSum(vals, len(rows)))
	for c := range d * d {
		r.a[c] = r.Gram[c] + r.Alpha*float64(r.yy[c])
	}
	for c := range d {
		r.a[c*d+c] += lambda
		r.b[c] = r.b[c]*(1+r.Alpha) + r.Alpha*extra[c]
	}
	// MulTN's sums need not be symmetric to the bit: take the lower triangle.
	if err := factorCholesky(r.a, d); err != nil {
		return fmt.Errorf("model: ials row of %d interactions: %w", len(rows), err)
	}
	w := solveFactored(r.a, r.b, d)
	for c := range d {
		x[c] = float32(w[c])
	}
	return nil
}

// explain splits the score of item i for the row last solved from the
// fixed rows of J: part_j = (1+α·r_j)·y_iᵀA⁻¹y_j, whose sum is the score
// (before the factors' rounding to float32). With no interactions every
// part is empty and the score is zero.
func (r *ALSRow) explain(y []float32, rows []int32, vals []float32, i int32) (z, base float64, parts []float64) {
	if len(rows) == 0 {
		return 0, 0, nil
	}
	d := r.Dim
	yi := make([]float64, d)
	for c, v := range y[int(i)*d : int(i)*d+d] {
		yi[c] = float64(v)
	}
	v := solveFactored(r.a, yi, d) // A⁻¹ y_i
	parts = make([]float64, len(rows))
	for k, j := range rows {
		var s float64
		for c, f := range y[int(j)*d : int(j)*d+d] {
			s += v[c] * float64(f)
		}
		rv := 1.0
		if vals != nil {
			rv = float64(vals[k])
		}
		parts[k] = (1 + r.Alpha*rv) * s
		z += parts[k]
	}
	return z, 0, parts
}

// valueSum returns the sum of the n values vals, or n when vals is nil
// (every value 1).
func valueSum(vals []float32, n int) float64 {
	if vals == nil {
		return float64(n)
	}
	var s float64
	for _, v := range vals {
		s += float64(v)
	}
	return s
}
