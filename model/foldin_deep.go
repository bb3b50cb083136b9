package model

import (
	"context"
	"math"
	"sync"

	"github.com/recnet/recnet/internal/f32"
)

// DefaultDeepFoldInLambda is the penalty FoldIn uses for an mlp or a neumf
// when given 0. Like DefaultFoldInLambda it was chosen on low-rank test
// data (foldin_test.go): with it a folded-in user's test RMSE is within 10%
// of the same user trained in, for both nets (0.05 left the mlp's 25% off).
const DefaultDeepFoldInLambda = 0.2

// Fold-in of deep nets: full-batch Adam on the new user's parameters, the
// step size decaying linearly to zero over foldInSteps steps.
const (
	foldInSteps = 300
	foldInLR    = 0.03
)

// deepFold scores and differentiates an MLP or a NeuMF with respect to one
// user's parameters, every other table fixed. The parameters are laid out
// as the MLP-branch embedding (Dim), then for a NeuMF the GMF embedding
// (Dim) and the user bias.
type deepFold struct {
	d        int
	neumf    bool
	hidden   Tower
	out      DenseLayer
	itemMLP  []float32 // Items x Dim
	itemGMF  []float32 // NeuMF: Items x Dim
	itemBias []float32 // NeuMF: Items
	x, o     []float32 // the tower's input, the output unit's input
	zs, as   [][]float32
	dh, din  []float32
}

// newDeepFold returns the fold-in of a net of tables t, with its buffers.
func newDeepFold(t DeepTables) *deepFold {
	f := &deepFold{d: t.Dim, hidden: t.Hidden, out: *t.Out, itemMLP: t.ItemMLP,
		neumf: t.ItemGMF != nil, itemGMF: t.ItemGMF, itemBias: t.ItemBias}
	w := f.hidden.widest(2 * f.d)
	f.x, f.o = make([]float32, 2*f.d), make([]float32, f.out.In)
	for _, l := range f.hidden {
		f.zs, f.as = append(f.zs, make([]float32, l.Out)), append(f.as, make([]float32, l.Out))
	}
	f.dh, f.din = make([]float32, w), make([]float32, w)
	return f
}

// params returns the number of user parameters.
func (f *deepFold) params() int {
	if f.neumf {
		return 2*f.d + 1
	}
	return f.d
}

// forward returns the pre-activation of the output unit for user
// parameters p and item i, keeping every layer's values for backward.
func (f *deepFold) forward(p []float32, i int32) float32 {
	d := f.d
	copy(f.x[:d], p[:d])
	copy(f.x[d:], f.itemMLP[int(i)*d:int(i)*d+d])
	in := f.x
	for l := range f.hidden {
		f.hidden[l].forward(f.zs[l], f.as[l], in)
		in = f.as[l]
	}
	o := in
	if f.neumf {
		o = f.o
		qg := f.itemGMF[int(i)*d : int(i)*d+d]
		for j, q := range qg {
			o[j] = p[d+j] * q
		}
		copy(o[d:], in)
	}
	z := Dot32(o, f.out.W) + f.out.B[0]
	if f.neumf {
		z += p[2*d] + f.itemBias[i]
	}
	return z
}

// backward adds to g the gradient with respect to the user parameters of
// gz times the pre-activation forward last computed (for item i).
func (f *deepFold) backward(p, g []float32, i int32, gz float32) {
	d := f.d
	w := f.out.W
	if f.neumf {
		g[2*d] += gz
		qg := f.itemGMF[int(i)*d : int(i)*d+d]
		for j, q := range qg {
			g[d+j] += gz * w[j] * q
		}
		w = w[d:]
	}
	dh := f.dh[:len(w)]
	for j, wj := range w {
		dh[j] = gz * wj
	}
	din := f.din
	for l := len(f.hidden) - 1; l >= 0; l-- {
		L := &f.hidden[l]
		L.Act.Backward(dh, dh, f.zs[l], f.as[l])
		next := din[:L.In]
		for j := range next {
			next[j] = Dot32(L.W[j*L.Out:j*L.Out+L.Out], dh)
		}
		dh, din = next, dh[:cap(dh)]
	}
	for j := range d {
		g[j] += dh[j]
	}
}

// foldInDeep is FoldInUser for an MLP or a NeuMF. No closed form exists,
// so it minimizes the same objective, Σ_i (act(z_i) - t_i)² + λ|p|² over
// the user's parameters p (see deepFold), by full-batch Adam from p = 0
// with a step size decaying to zero; the result is deterministic. Emb is
// the MLP-branch embedding; for a NeuMF, GMFEmb and Bias are set too. It
// returns ctx's error when ctx is done before a step.
func foldInDeep(ctx context.Context, f *deepFold, rows []Rated, lambda float64) (FoldedUser, error) {
	p, err := f.fit(ctx, rows, lambda)
	if err != nil {
		return FoldedUser{}, err
	}
	act := f.out.Act
	u := FoldedUser{Emb: p[:f.d]}
	if f.neumf {
		u.GMFEmb, u.Bias = p[f.d:2*f.d], p[2*f.d]
	}
	u.Score = func(i int32) float32 { y, _ := act.Apply(f.forward(p, i)); return y }
	if len(rows) <= MaxDeepExplain {
		u.Explain = f.leaveOneOut(ctx, rows, lambda, p)
	}
	return u, nil
}

// fit returns the user parameters that fold rows in (zero for no rows),
// or ctx's error when ctx is done before a step.
func (f *deepFold) fit(ctx context.Context, rows []Rated, lambda float64) ([]float32, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	act := f.out.Act
	n := f.params()
	p := make([]float32, n)
	if len(rows) == 0 {
		return p, nil
	}
	g, mo, v := make([]float32, n), make([]float32, n), make([]float32, n)
	const b1, b2, eps = 0.9, 0.999, 1e-8
	for step := 1; step <= foldInSteps; step++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for j := range g {
			g[j] = float32(2 * lambda * float64(p[j]))
		}
		for _, r := range rows {
			y, dy := act.Apply(f.forward(p, r.Item))
			f.backward(p, g, r.Item, 2*(y-float32(r.Target))*dy)
		}
		lr := foldInLR * (1 - float64(step-1)/foldInSteps) * math.Sqrt(1-math.Pow(b2, float64(step))) / (1 - math.Pow(b1, float64(step)))
		f32.Adam(p, mo, v, g, b1, 1-b1, b2, 1-b2, lr, eps) // the last step in float64
	}
	return p, nil
}

// MaxDeepExplain is the most rated items whose parts an mlp or a neumf
// explains: each part refits the user without one item (FoldedUser.Explain
// of a deep net), so the cost grows with their square: about 0.4 s of one
// core at 10 ratings and dim 32, 16 s at 64.
const MaxDeepExplain = 10

// leaveOneOut returns the Explain of a deep fold-in, an approximation: no
// closed form splits the score of a net with hidden layers. The base is
// the pre-activation of a cold user (no rating); the part of rated item j
// is how much the pre-activation drops when the user is folded in again
// without j. The parts add up to the score less the base only when the
// score is linear in the ratings; the refits run once, on the first call.
func (f *deepFold) leaveOneOut(ctx context.Context, rows []Rated, lambda float64, p []float32) func(int32) (float64, float64, []float64) {
	var (
		once    sync.Once
		without [][]float32 // the user refitted without each rated item; nil when ctx ended first
	)
	cold := make([]float32, len(p))
	return func(i int32) (float64, float64, []float64) {
		once.Do(func() {
			rest := make([]Rated, 0, len(rows))
			var all [][]float32
			for j := range rows {
				rest = append(append(rest[:0], rows[:j]...), rows[j+1:]...)
				q, err := f.fit(ctx, rest, lambda)
				if err != nil {
					return // ctx is done: Explain's caller checks it
				}
				all = append(all, q)
			}
			without = all
		})
		if without == nil {
			return 0, 0, nil
		}
		full := float64(f.forward(p, i))
		parts := make([]float64, len(rows))
		for j, q := range without {
			parts[j] = full - float64(f.forward(q, i))
		}
		return full, float64(f.forward(cold, i)), parts
	}
}
