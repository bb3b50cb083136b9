package train

import (
	"context"
	"errors"
	"fmt"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

func init() {
	Register(model.BlendKind, Fitter{Fit: fitBlend, Check: checkBlend})
}

// ErrNoValidation is wrapped by the error of a blend fitted on a split
// without a validation part, where its weights are fitted.
var ErrNoValidation = errors.New("no validation rows")

// checkBlend refuses a blend on a split without validation rows.
func checkBlend(_ model.Config, s *dataset.Split) error {
	if s.Valid.Len() == 0 {
		return fmt.Errorf("train: a blend fits its weights on the validation part: %s has %w", s.Name, ErrNoValidation)
	}
	return nil
}

// fitBlend fits a blend (model.Blend): each member on s.Train, by Fit with
// the member's settings (early stopping on s.Valid as usual), taking the
// blend's no_scale and, where it gives none, its seed; then the weights
// w ≥ 0 and the intercept c on s.Valid (BlendWeights). The members are
// not refitted on the training and validation parts together: the weights
// are fitted to the members as they are, and a refit would change them
// (its number of epochs, for one). The progress callback hears every
// member's epochs in turn.
func fitBlend(ctx context.Context, s *dataset.Split, m *model.Model, o *Options) error {
	configs := m.Config.MemberList()
	nets := make([]model.Net, len(configs))
	fitted := make([]model.Config, len(configs))
	var opts []Option
	if o.Progress != nil {
		opts = append(opts, WithProgress(o.Progress))
	}
	opts = append(opts, WithoutSeen())
	for k, mc := range configs {
		mc.NoScale = m.Config.NoScale
		if mc.Seed == 0 {
			mc.Seed = m.Config.Seed
		}
		mm, err := Fit(ctx, s, mc, opts...)
		if err != nil {
			return fmt.Errorf("blend member %d (%s): %w", k+1, mc.WithDefaults().Kind, err)
		}
		nets[k], fitted[k] = mm.Net, mm.Config
	}
	w, err := BlendWeights(nets, s.Valid, m.ScaleRatings(s.Valid))
	if err != nil {
		return err
	}
	users, items := s.Users.Len(), s.Items.Len()
	m.Config.Members = &fitted
	m.Net = model.NewBlend(nets, fitted, w, users, items)
	return nil
}

// BlendWeights returns the weights w ≥ 0 of nets, then an intercept c,
// that minimize the squared error of c + Σ_k w_k s_k(u, i) against
// targets (one per row of r, on the training scale): the least squares
// of the centred scores and targets under w ≥ 0 (NNLS), whose intercept
// c = ȳ - Σ_k w_k x̄_k is then exact. Sums are in float64. Every single
// net (its weight 1, the others 0, no intercept) is among the candidates,
// so the blend's error on r is at most the best net's.
func BlendWeights(nets []model.Net, r dataset.Ratings, targets []float32) ([]float32, error) {
	k, n := len(nets), r.Len()
	if n == 0 {
		return nil, fmt.Errorf("train: blend weights: %w", ErrNoValidation)
	}
	x := make([]float64, n*k)
	mean := make([]float64, k+1) // the scores' means, then the targets'
	for row := range n {
		u, i := r.User[row], r.Item[row]
		for j, net := range nets {
			v := float64(net.Score(u, i))
			x[row*k+j] = v
			mean[j] += v
		}
		mean[k] += float64(targets[row])
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	g, rhs := make([]float64, k*k), make([]float64, k)
	for row := range n {
		xr := x[row*k : row*k+k]
		y := float64(targets[row]) - mean[k]
		for a := range k {
			da := xr[a] - mean[a]
			rhs[a] += da * y
			for b := range a + 1 {
				g[a*k+b] += da * (xr[b] - mean[b])
			}
		}
	}
	for a := range k {
		for b := range a {
			g[b*k+a] = g[a*k+b]
		}
	}
	w := NNLS(nil, g, rhs, k)
	out := make([]float32, k+1)
	c := mean[k]
	for j, v := range w {
		out[j] = float32(v)
		c -= v * mean[j]
	}
	out[k] = float32(c)
	if !model.Finite(c) {
		return nil, fmt.Errorf("train: blend weights: the intercept is %v (a member's scores are not finite)", c)
	}
	return out, nil
}
