package model

import (
	"fmt"
	"math/rand/v2"
)

// NMF is non-negative matrix factorization, Surprise's NMF without biases:
// a non-negative factor vector per user and per item,
//
//	score(u, i) = <P[u], Q[i]>
//
// trained by the multiplicative updates of Luo et al. (2014) (train.Fit
// with Config.Model "nmf"), which keep every factor non-negative. Scores
// are therefore non-negative, which suits ratings min-max scaled to [0,1].
type NMF struct {
	Users, Items, Dim int
	UserEmb           []float32 // Users x Dim
	ItemEmb           []float32 // Items x Dim
}

// nmfDefaults are the settings of the "nmf" kind. Dim is Surprise's
// n_factors, Epochs n_epochs and L2 both reg_pu and reg_qi; Batch only
// sets how often progress is reported. Surprise's defaults (15 factors,
// reg 0.06, 50 epochs) suit raw 1-5 ratings; these were chosen by
// validation RMSE on ratings min-max scaled to [0,1], recnet's default, on
// the built-in data and MovieLens-100k-shaped low-rank tables. The
// multiplicative updates use no learning rate, optimizer or init setting:
// Optimizer, LR and Init are set only so that Config.Validate accepts the
// defaults, and NMF ignores them.
var nmfDefaults = Config{
	Model: "nmf", Dim: 100, Activation: Linear, Init: "normal", L2: 0.015, BiasL2: -1,
	Optimizer: "sgd", LR: 0.005, Batch: 1024, Epochs: 200, Patience: 10, Seed: 42,
}

func init() {
	Register("nmf", Kind{Defaults: nmfDefaults, Build: func(_ Config, params []Param) (Net, error) {
		dim := factorCols(params, "user_embedding")
		m := &NMF{Dim: dim}
		var err error
		if m.UserEmb, err = findParam(params, "user_embedding", -1, dim); err != nil {
			return nil, err
		}
		if m.ItemEmb, err = findParam(params, "item_embedding", -1, dim); err != nil {
			return nil, err
		}
		if dim == 0 {
			return nil, fmt.Errorf("model: nmf tables have no columns")
		}
		m.Users, m.Items = len(m.UserEmb)/dim, len(m.ItemEmb)/dim
		return m, nil
	}})
}

// NewNMF returns an NMF for the given numbers of users and items with
// every factor drawn uniformly from [0, 1) (Surprise's init_low 0 and
// init_high 1), from cfg's Dim and Seed (zero fields taking the nmf
// defaults).
func NewNMF(users, items int, cfg Config) *NMF {
	if cfg.Model == "" {
		cfg.Model = "nmf"
	}
	cfg = cfg.WithDefaults()
	m := &NMF{
		Users: users, Items: items, Dim: cfg.Dim,
		UserEmb: make([]float32, users*cfg.Dim),
		ItemEmb: make([]float32, items*cfg.Dim),
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x0f3a))
	for _, t := range [][]float32{m.UserEmb, m.ItemEmb} {
		for k := range t {
			t[k] = rng.Float32()
		}
	}
	return m
}

// Kind returns "nmf".
func (m *NMF) Kind() string { return "nmf" }

// Score returns <P[u], Q[i]>.
func (m *NMF) Score(u, i int32) float32 {
	k := m.Dim
	return Dot32(m.UserEmb[int(u)*k:int(u)*k+k], m.ItemEmb[int(i)*k:int(i)*k+k])
}

// Params returns the user and item factor tables.
func (m *NMF) Params() []Param {
	return []Param{
		{"user_embedding", m.Users, m.Dim, m.UserEmb},
		{"item_embedding", m.Items, m.Dim, m.ItemEmb},
	}
}

// Layers describes the net for a summary.
func (m *NMF) Layers() []Layer {
	dim := fmt.Sprintf("(None, %d)", m.Dim)
	return []Layer{
		{"user_embedding", "Embedding (non-negative)", dim, m.Users * m.Dim},
		{"item_embedding", "Embedding (non-negative)", dim, m.Items * m.Dim},
		{"dot", "Dot (per row)", "(None, 1)", 0},
	}
}
