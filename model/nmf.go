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
// with Config.Kind "nmf"), which keep every factor non-negative. Scores
// are therefore non-negative, which suits ratings min-max scaled to [0,1].
type NMF struct {
	Users, Items, Dim int
	UserEmb           []float32 // Users x Dim
	ItemEmb           []float32 // Items x Dim
}

// nmfKind names the nmf kind.
const nmfKind = "nmf"

// The nmf kind's defaults: Dim is Surprise's n_factors, Epochs n_epochs
// and L2 both reg_pu and reg_qi; Batch only sets how often progress is
// reported. Surprise's defaults (15 factors, reg 0.06, 50 epochs) suit raw
// 1-5 ratings; these were chosen by validation RMSE on ratings min-max
// scaled to [0,1], recnet's default, on the built-in data and
// MovieLens-100k-shaped low-rank tables. The multiplicative updates use no
// learning rate, optimizer or init.
func init() {
	Register(Kind{
		Name: nmfKind,
		Doc:  "non-negative MF",
		Defaults: Config{
			Training: Training{Batch: 1024, Epochs: 200, Patience: 10, Seed: 42},
			Settings: Settings{Dim: 100, Activation: Linear, L2: 0.015, BiasL2: -1},
		},
		Reads: append(EpochSettings(), "l2", "activation", "task"),
		Fixed: map[string]string{"activation": string(Linear), "task": TaskRating},
		Why:   "nmf trains by multiplicative updates (no learning rate, optimizer, batches, init, bias penalty, threads or layers; linear output, rating task)",
		Space: []Range{
			{Name: "dim", Lo: 5, Hi: 60, Int: true, Grid: []string{"15", "30"}},
			{Name: "l2", Lo: 0.006, Hi: 0.6, Log: true, Grid: []string{"0.03", "0.06", "0.12"}},
			{Name: "epochs", Lo: 10, Hi: 200, Int: true},
		},
		Build: buildNMF,
		Count: countEmbeddings,
		Describe: func(c Config) string {
			return fmt.Sprintf("dim %d, multiplicative updates, reg %g, %s, patience %d", c.Dim, max(c.L2, 0), upToEpochs(c.Epochs), c.Patience)
		},
	})
}

// buildNMF rebuilds an nmf net from its tables.
func buildNMF(_ Config, params []Param) (Net, error) {
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
}

// NewNMF returns an NMF for the given numbers of users and items with
// every factor drawn uniformly from [0, 1) (Surprise's init_low 0 and
// init_high 1), from cfg's Dim and Seed (zero fields taking the nmf
// defaults).
func NewNMF(users, items int, cfg Config) *NMF {
	if cfg.Kind == "" {
		cfg.Kind = nmfKind
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
func (m *NMF) Kind() string { return nmfKind }

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

// SummaryRows describes the net for a summary.
func (m *NMF) SummaryRows() []SummaryRow {
	dim := fmt.Sprintf("(None, %d)", m.Dim)
	return []SummaryRow{
		{"user_embedding", "Embedding (non-negative)", dim, m.Users * m.Dim},
		{"item_embedding", "Embedding (non-negative)", dim, m.Items * m.Dim},
		{dotLayer, "Dot (per row)", "(None, 1)", 0},
	}
}
