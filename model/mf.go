package model

import (
	"context"
	"fmt"
	"math/rand/v2"
)

// MF is classic biased matrix factorization, Surprise's SVD: a global mean,
// a bias per user and per item and a user and an item factor vector,
//
//	score(u, i) = mu + bu[u] + bi[i] + <P[u], Q[i]>
//
// trained by stochastic gradient descent one rating at a time (train.Fit
// with Config.Kind "mf"). The score is not clipped; Model.FromScale clips
// ratings to the data's range.
type MF struct {
	Users, Items, Dim int
	Mu                float32   // global mean of the training targets
	UserEmb           []float32 // Users x Dim
	ItemEmb           []float32 // Items x Dim
	UserBias          []float32 // Users
	ItemBias          []float32 // Items
	// Rated is SVD++'s y table (Items x Dim) with the svdpp setting, nil
	// otherwise; UserEmb then holds each user's whole vector (see Dot).
	Rated []float32
}

// mfKind names the mf kind.
const mfKind = "mf"

// The mf kind's defaults: Dim is Surprise's n_factors, LR lr_all, L2 the
// factors' reg (reg_pu, reg_qi), BiasL2 the biases' (reg_bu, reg_bi),
// InitStd init_std_dev and Epochs n_epochs; Batch only sets how often
// progress is reported, and the optimizer is always per-rating SGD.
// Surprise's defaults (100 factors, lr 0.005, reg 0.02, init std 0.1, 20
// epochs) suit raw 1-5 ratings; these were chosen by validation RMSE on
// ratings min-max scaled to [0,1], recnet's default, on the built-in data
// and MovieLens-100k-shaped low-rank tables. From a small init the factors
// take a while to leave zero, during which the validation RMSE can stall:
// hence the patience of 20 epochs.
func init() {
	Register(Kind{
		Name: mfKind,
		Doc:  "biased MF by SGD",
		Defaults: Config{
			Training: Training{Optimizer: "sgd", LR: 0.03, Batch: 1024, Epochs: 200, Patience: 20, Seed: 42},
			Settings: Settings{Dim: 64, Activation: Linear, Init: "normal", InitStd: 0.01, L2: 0.005, BiasL2: 0.02},
		},
		Reads:      append(EpochSettings(), "init_std", "lr", "l2", "bias_l2", "optimizer", "activation", "init", "task", "svdpp", "schedule", "threads"),
		Fixed:      map[string]string{"optimizer": "sgd", "activation": string(Linear), "init": "normal", "task": TaskRating},
		Why:        "mf trains one rating at a time by its own SGD (normal init, linear output, rating task; no moments, batches or layers; threads with the blocked schedule)",
		Check:      checkBlocked,
		Optimizers: []string{"sgd"},
		Space: []Range{
			{Name: "dim", Lo: 10, Hi: 200, Int: true, Grid: []string{"50", "100"}},
			{Name: "lr", Lo: 0.002, Hi: 0.05, Log: true, Grid: []string{"0.01", "0.02"}},
			{Name: "l2", Lo: 5e-4, Hi: 0.05, Log: true, Grid: []string{"0.002", "0.005", "0.02"}},
			{Name: "epochs", Lo: 10, Hi: 200, Int: true},
			// No svdpp: it makes an epoch two to four times dearer, and
			// six random trials on a low-rank table (selection's
			// TestTunedKnownAnswer) drew worse with it in the space.
		},
		Build: buildMF,
		Count: countEmbeddings,
		Describe: func(c Config) string {
			sched := ""
			if c.Blocked() {
				sched = fmt.Sprintf(", blocked schedule on %d threads", max(c.Threads, 1))
			}
			return fmt.Sprintf("dim %d%s, per-rating SGD lr %g, reg %g (biases %g)%s, %s, patience %d",
				c.Dim, svdppSays(c), c.LR, max(c.L2, 0), max(c.BiasL2, 0), sched, upToEpochs(c.Epochs), c.Patience)
		},
	})
}

// buildMF rebuilds an mf net from its tables.
func buildMF(cfg Config, params []Param) (Net, error) {
	dim := factorCols(params, "user_embedding")
	m := &MF{Dim: dim}
	mu, err := findParam(params, meanTable, 1, 1)
	get := func(dst *[]float32, name string, cols int) {
		if err == nil {
			*dst, err = findParam(params, name, -1, cols)
		}
	}
	get(&m.UserEmb, "user_embedding", dim)
	get(&m.UserBias, "user_bias", 1)
	get(&m.ItemEmb, "item_embedding", dim)
	get(&m.ItemBias, "item_bias", 1)
	if err != nil {
		return nil, err
	}
	m.Mu = mu[0]
	m.Users, m.Items = len(m.UserBias), len(m.ItemBias)
	if len(m.UserEmb) != m.Users*dim || len(m.ItemEmb) != m.Items*dim {
		return nil, fmt.Errorf("model: mf tables disagree on the number of users or items")
	}
	if m.Rated, err = readRated(cfg, params, m.Items, dim); err != nil {
		return nil, err
	}
	return m, nil
}

// factorCols returns the number of columns of the table called name, or 0
// if there is none (findParam then reports it missing).
func factorCols(params []Param, name string) int {
	for _, p := range params {
		if p.Name == name {
			return p.Cols
		}
	}
	return 0
}

// NewMF returns an MF for the given numbers of users and items with its
// factors drawn from N(0, InitStd²) (cfg's Dim, InitStd and Seed, zero
// fields taking the mf defaults), its biases and global mean zero.
func NewMF(users, items int, cfg Config) *MF {
	if cfg.Kind == "" {
		cfg.Kind = mfKind
	}
	cfg = cfg.WithDefaults()
	m := &MF{
		Users: users, Items: items, Dim: cfg.Dim,
		UserEmb:  make([]float32, users*cfg.Dim),
		ItemEmb:  make([]float32, items*cfg.Dim),
		UserBias: make([]float32, users),
		ItemBias: make([]float32, items),
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x3f5d))
	for _, t := range [][]float32{m.UserEmb, m.ItemEmb} {
		for k := range t {
			t[k] = float32(rng.NormFloat64() * cfg.InitStd)
		}
	}
	return m
}

// Kind returns "mf".
func (m *MF) Kind() string { return mfKind }

// Score returns mu + bu[u] + bi[i] + <P[u], Q[i]>.
func (m *MF) Score(u, i int32) float32 {
	k := m.Dim
	p := m.UserEmb[int(u)*k : int(u)*k+k]
	q := m.ItemEmb[int(i)*k : int(i)*k+k]
	return m.Mu + m.UserBias[u] + m.ItemBias[i] + Dot32(p, q)
}

// Params returns the global mean (1x1) and the four tables.
func (m *MF) Params() []Param {
	return append([]Param{
		{meanTable, 1, 1, []float32{m.Mu}},
		{"user_embedding", m.Users, m.Dim, m.UserEmb},
		{"user_bias", m.Users, 1, m.UserBias},
		{"item_embedding", m.Items, m.Dim, m.ItemEmb},
		{"item_bias", m.Items, 1, m.ItemBias},
	}, ratedParams(m.Items, m.Dim, m.Rated)...)
}

// TrainableParams counts every parameter but the global mean, which is the
// training mean and is not trained.
func (m *MF) TrainableParams() int { return (m.Users+m.Items)*(m.Dim+1) + len(m.Rated) }

// SummaryRows describes the net for a summary.
func (m *MF) SummaryRows() []SummaryRow {
	dim := fmt.Sprintf("(None, %d)", m.Dim)
	return append([]SummaryRow{
		{meanTable, "Constant", "(None, 1)", 1},
		{"user_embedding", "Embedding", dim, m.Users * m.Dim},
		{"user_bias", "Embedding", "(None, 1)", m.Users},
		{"item_embedding", "Embedding", dim, m.Items * m.Dim},
		{"item_bias", "Embedding", "(None, 1)", m.Items},
		{dotLayer, "Dot (per row)", "(None, 1)", 0},
		{"add", "Add", "(None, 1)", 0},
	}, ratedSummary(m.Items, m.Dim, dim, m.Rated)...)
}

// FoldInUser places a new user by the closed form of FoldIn.
func (m *MF) FoldInUser(ctx context.Context, rated []Rated, lambda float64) (FoldedUser, error) {
	f := linearFold{dim: m.Dim, itemEmb: m.ItemEmb, itemBi: m.ItemBias, mu: m.Mu, act: Linear, mf: true, rated: m.Rated}
	return foldInLinear(ctx, f, rated, lambda)
}

// FoldInLambda returns DefaultFoldInLambda.
func (m *MF) FoldInLambda() float64 { return DefaultFoldInLambda }
