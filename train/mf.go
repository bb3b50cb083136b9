package train

import (
	"context"
	"fmt"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

func init() { Register("mf", Fitter{Fit: fitMF, RowFloats: dotRowFloats}) }

// fitMF trains biased matrix factorization as Surprise's SVD does: the
// global mean fixed at the training mean, biases starting at zero, factors
// at N(0, InitStd²), then per-rating SGD. Users and items without a
// training rating get zero factors, so that they score mu + bu + bi as
// Surprise scores an unknown user or item.
func fitMF(ctx context.Context, s *dataset.Split, m *model.Model, o *Options) error {
	cfg := m.Config
	if cfg.Optimizer != "sgd" {
		return fmt.Errorf("train: mf trains by per-rating SGD, not %s", cfg.Optimizer)
	}
	if cfg.Activation != model.Linear {
		return fmt.Errorf("train: mf has no output activation (got %s)", cfg.Activation)
	}
	net := model.NewMF(s.Users.Len(), s.Items.Len(), cfg)
	net.Mu = model.FitMean(m.ScaleRatings(s.Train)).Mu
	uSeen, iSeen := mfSeen(s.Train, net.Users, net.Items)
	mfZeroUnseen(net.UserEmb, uSeen, net.Dim)
	mfZeroUnseen(net.ItemEmb, iSeen, net.Dim)
	m.Net = net
	if err := checkRated(cfg, o); err != nil {
		return err
	}
	if cfg.Blocked() {
		return fitBlocked(ctx, s, m, newBlockedKernel(s, m, net.UserEmb, net.UserBias, net.ItemEmb, net.ItemBias, net.Mu), o)
	}
	k := newMFKernel(net, cfg)
	if cfg.SVDpp {
		net.Rated = newRated(s, cfg)
		k.withRated(s, net, cfg)
	}
	return loop(ctx, s, m, k, o)
}

// mfSeen reports which users and which items have a rating in r.
func mfSeen(r dataset.Ratings, users, items int) (u, i []bool) {
	u, i = make([]bool, users), make([]bool, items)
	for k := range r.User {
		u[r.User[k]] = true
		i[r.Item[k]] = true
	}
	return u, i
}

// mfZeroUnseen zeroes the rows (of dim values) of t whose seen flag is
// false.
func mfZeroUnseen(t []float32, seen []bool, dim int) {
	for r, ok := range seen {
		if !ok {
			clear(t[r*dim : (r+1)*dim])
		}
	}
}

// mfKernel trains a model.MF by per-rating SGD on packed tables: row r
// holds the factors then the bias, padded to a multiple of 16 floats so
// that a row starts on a cache line.
type mfKernel struct {
	dim, stride  int
	users, items []float32
	mu           float32
	lr           float32
	reg, breg    float32 // Surprise's reg_pu = reg_qi, and reg_bu = reg_bi
	net          *model.MF
	rated        *mfRated // set when training with the svdpp setting
}

func newMFKernel(net *model.MF, cfg model.Config) *mfKernel {
	d := net.Dim
	stride := (d + 1 + 15) &^ 15
	reg, breg := cfg.PositiveL2()
	k := &mfKernel{
		dim: d, stride: stride, mu: net.Mu, lr: float32(cfg.LR), reg: float32(reg), breg: float32(breg),
		users: make([]float32, net.Users*stride), items: make([]float32, net.Items*stride), net: net,
	}
	mfPack(k.users, stride, d, net.UserEmb, net.UserBias)
	mfPack(k.items, stride, d, net.ItemEmb, net.ItemBias)
	return k
}

// mfPack copies an embedding table and its biases into packed rows.
func mfPack(dst []float32, stride, d int, emb, bias []float32) {
	for r := range bias {
		w := dst[r*stride:]
		copy(w[:d], emb[r*d:(r+1)*d])
		w[d] = bias[r]
	}
}

// mfUnpack copies packed rows back into an embedding table and its biases.
func mfUnpack(src []float32, stride, d int, emb, bias []float32) {
	for r := range bias {
		w := src[r*stride:]
		copy(emb[r*d:(r+1)*d], w[:d])
		bias[r] = w[d]
	}
}

// row returns packed row r of t.
func (k *mfKernel) row(t []float32, r int32) []float32 {
	o := int(r) * k.stride
	return t[o : o+k.stride : o+k.stride]
}

// epoch makes one SGD step per row, in the given order, calling after (if
// not nil) every batch rows.
func (k *mfKernel) epoch(us, is []int32, ts []float32, batch int, after func(b int, sse float64) error) (float64, error) {
	if k.rated != nil {
		return k.ratedEpoch(us, is, ts, batch, after)
	}
	var sse float64
	n := len(us)
	for b, lo := 0, 0; lo < n; b, lo = b+1, lo+batch {
		hi := min(lo+batch, n)
		sse += k.steps(us[lo:hi], is[lo:hi], ts[lo:hi])
		if after != nil {
			if err := after(b, sse); err != nil {
				return sse, err
			}
		}
	}
	return sse, nil
}

// steps makes one SGD step per row as Surprise's SVD does and returns the
// sum of the squared errors before each step:
//
//	err = r - (mu + bu + bi + <pu, qi>)
//	bu += lr (err - breg bu);  bi += lr (err - breg bi)
//	pu += lr (err qi - reg pu);  qi += lr (err pu - reg qi)
//
// where qi's update uses pu from before the step.
func (k *mfKernel) steps(us, is []int32, ts []float32) float64 {
	d := k.dim
	is = is[:len(us)]
	ts = ts[:len(us)]
	lr, mu := k.lr, k.mu
	shrink, bshrink := 1-lr*k.reg, 1-lr*k.breg
	var sse float64
	for r, u := range us {
		pu := k.row(k.users, u)
		qi := k.row(k.items, is[r])
		p := pu[:d]
		q := qi[:len(p)]
		e := ts[r] - (mu + pu[d] + qi[d] + model.Dot32(p, q))
		sse += float64(e * e)
		g := lr * e
		pu[d] = bshrink*pu[d] + g
		qi[d] = bshrink*qi[d] + g
		for f, pf := range p {
			qf := q[f]
			p[f] = shrink*pf + g*qf
			q[f] = shrink*qf + g*pf
		}
	}
	return sse
}

// score returns mu + bu + bi + <pu, qi> from the packed tables.
func (k *mfKernel) score(u, i int32) float32 {
	if k.rated != nil {
		return k.ratedScore(u, i)
	}
	d := k.dim
	pu, qi := k.row(k.users, u), k.row(k.items, i)
	return k.mu + pu[d] + qi[d] + model.Dot32(pu[:d], qi[:d])
}

// store copies the packed tables into the net.
func (k *mfKernel) store() {
	mfUnpack(k.users, k.stride, k.dim, k.net.UserEmb, k.net.UserBias)
	mfUnpack(k.items, k.stride, k.dim, k.net.ItemEmb, k.net.ItemBias)
	if k.rated != nil {
		k.storeRated()
	}
}
