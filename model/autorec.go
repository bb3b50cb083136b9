package model

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
)

// AutoRec is item-based AutoRec (Sedhain et al. 2015): each item i is the
// vector r_i of its training ratings over the users, encoded by one
// hidden layer of Hidden sigmoid units and decoded back over the users:
//
//	h_i = sigmoid(V r_i + b),  r̂_i = (W + 1 s) h_i + c,  score(u, i) = (W_u + s) · h_i + c_u
//
// trained (train.Fit with Config.Kind "autorec") to minimize, over the
// observed entries only,
//
//	½ Σ_(u,i) (r̂_i[u] − t_ui)² + (λ/2)(|W|² + |V|² + |s|²) + (λ_b/2) Σ_u (c_u − μ)²
//
// where t_ui is the rating on the training scale, λ the l2 setting, λ_b
// bias_l2 and μ the training mean (where every c_u starts). The row s,
// shared by every user, and λ_b are recnet's additions to the paper's
// net: s learns from all the users what an item's code says of its
// ratings (an item bias, s · h_i), which a user of a few ratings could
// not learn in W_u alone, and λ_b keeps such a user's c_u near the mean.
// With both, the 5-fold cv RMSE on ml-latest-small went from 0.8500 to
// 0.8455 (at lr 0.003); on the built-in course data (about six ratings a user) 100
// hidden units reached 0.660 on one split with λ_b 1 (bias baseline
// 0.670), about the global mean's 0.82 without it. The input of a rating
// is AutoRecShift + t_ui (AutoRecInput), so that the lowest rating, 0 on
// the training scale, is not read as a missing one. Enc holds V by user (row u
// is the column of V that user u's rating feeds), Dec holds W (row u is
// W_u, the user's "embedding"), and Code caches every item's h_i after
// training, so that a score costs O(Hidden) and the net scores without
// the training ratings.
type AutoRec struct {
	Users, Items, Hidden int
	L2                   float64   // λ of training
	Enc                  []float32 // Users x Hidden: V by user
	EncBias              []float32 // Hidden: b
	Dec                  []float32 // Users x Hidden: W by user
	DecBias              []float32 // Users: c
	Shared               []float32 // Hidden: s, the decoder row every user shares
	Code                 []float32 // Items x Hidden: h_i
}

// autorecKind names the autorec kind.
const autorecKind = "autorec"

// autorecLR is autorec's default learning rate, the one of those measured
// that holds on both development tables (5-fold cv RMSE, `recnet cv
// --kinds autorec`, each from a build with that default): on
// ml-latest-small 0.8539 at 0.0015, 0.8474 at 0.002 and 0.8472 at 0.003;
// on the built-in courses 0.6208 at 0.002 (the bias baseline 0.6748) and the
// global mean's 0.8178 at 0.003 (0.819 at 0.0025, one split). There,
// Adam moves each encoder row a rater feeds by about lr per element, the
// same way for every rater of an item, and an item has some 1,300 raters:
// in the first epoch the steps saturate the codes (after it, 0.8% of the
// items' code values stay inside (0.01, 0.99) at 0.002, none at 0.0025 or
// 0.003), and with none left every item has the same code and the net
// keeps only the mean and the users' offsets. So 0.002 sits near that edge; items of more raters
// would need less.
const autorecLR = 0.002

// AutoRecShift is what AutoRecInput adds to a rating on the training
// scale. It is positive, so that a rating at the bottom of the scale
// differs from no rating, and large enough that the encoder reads which
// users rated an item as well as how high: on ml-latest-small (one 80/10/10
// split, 100 hidden units, λ 3, lr 0.003, batch 16) the test RMSE was
// 0.882 with a shift of 0.1, 0.872 with 0.3, 0.857 with 1, 0.846 with 3,
// 0.863 with 10 and 0.888 with 30. A shift of 3 also makes the input of a
// rating on the 0.5-5 scale look like the raw ratings AutoRec was
// published with.
const AutoRecShift = 3

// AutoRecInput is the encoder's input of a rating t on the training
// scale: AutoRecShift + t.
func AutoRecInput(t float32) float32 { return AutoRecShift + t }

func init() {
	Register(Kind{
		Name: autorecKind,
		Doc:  "item-based AutoRec (Sedhain et al. 2015): each item's ratings through one sigmoid hidden layer of dim units back to its users",
		Defaults: Config{
			Training: Training{Optimizer: "adam", LR: autorecLR, Beta1: 0.9, Beta2: 0.999, Eps: 1e-7, Batch: 16, Epochs: 300, Patience: 10, Seed: 42},
			Settings: Settings{Dim: 500, L2: 3, BiasL2: 1},
		},
		Reads:      append(EpochSettings(), "l2", "bias_l2", "optimizer", "lr", "beta1", "beta2", "eps", "batch", "task"),
		Fixed:      map[string]string{"optimizer": "adam", "task": TaskRating},
		Optimizers: []string{"adam"},
		Why:        "autorec is one sigmoid hidden layer and a linear output, its weights initialized by Glorot (encoder) and at zero (decoder), trained by Adam in batches of items on up to every core (one where a batch holds little work; the same bits for any number), on the rating task",
		Space: []Range{
			{Name: "dim", Values: []string{"100", "200", "300", "500"}, Grid: []string{"300", "500"}},
			{Name: "l2", Lo: 0.01, Hi: 30, Log: true, Grid: []string{"0.3", "1", "3"}},
			{Name: "bias-l2", Lo: 0.01, Hi: 10, Log: true},
			{Name: "lr", Lo: 3e-4, Hi: 1e-2, Log: true, Grid: []string{"0.001", "0.003"}},
			{Name: "batch", Values: []string{"16", "32", "64", "128", "256"}},
		},
		Build: buildAutoRec,
		Count: func(c Config, users, items int) int64 {
			u, i, h := int64(users), int64(items), int64(c.Dim)
			return 2*u*h + 2*h + u + i*h
		},
		Describe: func(c Config) string {
			l2, bl2 := c.PositiveL2()
			return fmt.Sprintf("%d sigmoid hidden units, linear output, L2 %g, bias L2 %g, adam lr %g, batch %d items, %s",
				c.Dim, l2, bl2, c.LR, c.Batch, upToEpochs(c.Epochs))
		},
	})
}

// NewAutoRec returns an AutoRec for the given numbers of users and items
// (cfg's Dim, L2 and Seed, zero fields taking the autorec defaults): the
// encoder drawn from N(0, 2/(Users+Hidden)) (Glorot), the decoder and
// both biases zero, every code sigmoid(0).
func NewAutoRec(users, items int, cfg Config) *AutoRec {
	if cfg.Kind == "" {
		cfg.Kind = autorecKind
	}
	cfg = cfg.WithDefaults()
	h := cfg.Dim
	l2, _ := cfg.PositiveL2()
	n := &AutoRec{Users: users, Items: items, Hidden: h, L2: l2,
		Enc: make([]float32, users*h), EncBias: make([]float32, h),
		Dec: make([]float32, users*h), DecBias: make([]float32, users), Shared: make([]float32, h), Code: make([]float32, items*h)}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0xa7e0))
	std := math.Sqrt(2 / float64(users+h))
	for k := range n.Enc {
		n.Enc[k] = float32(rng.NormFloat64() * std)
	}
	for k := range n.Code {
		n.Code[k] = 0.5
	}
	return n
}

// buildAutoRec rebuilds an autorec net from its tables.
func buildAutoRec(cfg Config, params []Param) (Net, error) {
	cfg = cfg.WithDefaults()
	h := factorCols(params, "user_embedding")
	if h == 0 {
		return nil, fmt.Errorf("model: autorec tables have no hidden units")
	}
	l2, _ := cfg.PositiveL2()
	n := &AutoRec{Hidden: h, L2: l2}
	var err error
	get := func(dst *[]float32, name string, rows, cols int) {
		if err == nil {
			*dst, err = findParam(params, name, rows, cols)
		}
	}
	get(&n.Dec, "user_embedding", -1, h)
	get(&n.DecBias, "user_bias", len(n.Dec)/h, 1)
	get(&n.Shared, "decoder_shared", 1, h)
	get(&n.Code, "item_embedding", -1, h)
	get(&n.Enc, "encoder", len(n.Dec)/h, h)
	get(&n.EncBias, "encoder_bias", 1, h)
	if err != nil {
		return nil, err
	}
	n.Users, n.Items = len(n.DecBias), len(n.Code)/h
	return n, nil
}

// Kind returns "autorec".
func (n *AutoRec) Kind() string { return autorecKind }

// Score returns W_u · h_i + s · h_i + c_u from the cached code of item i.
func (n *AutoRec) Score(u, i int32) float32 {
	h := n.Hidden
	code := n.Code[int(i)*h : int(i)*h+h]
	return Dot32(n.Dec[int(u)*h:int(u)*h+h], code) + Dot32(n.Shared, code) + n.DecBias[u]
}

// Params returns the decoder (user_embedding, user_bias), the items'
// codes (item_embedding) and the encoder.
func (n *AutoRec) Params() []Param {
	return []Param{
		{"user_embedding", n.Users, n.Hidden, n.Dec},
		{"user_bias", n.Users, 1, n.DecBias},
		{"decoder_shared", 1, n.Hidden, n.Shared},
		{"item_embedding", n.Items, n.Hidden, n.Code},
		{"encoder", n.Users, n.Hidden, n.Enc},
		{"encoder_bias", 1, n.Hidden, n.EncBias},
	}
}

// TrainableParams counts the encoder and the decoder, not the codes,
// which are computed from them.
func (n *AutoRec) TrainableParams() int { return 2*n.Users*n.Hidden + 2*n.Hidden + n.Users }

// SummaryRows describes the net for a summary.
func (n *AutoRec) SummaryRows() []SummaryRow {
	hid := fmt.Sprintf("(None, %d)", n.Hidden)
	return []SummaryRow{
		{"item_ratings", "Input (sparse)", fmt.Sprintf("(None, %d)", n.Users), 0},
		{"encoder", "Dense (sigmoid)", hid, n.Users*n.Hidden + n.Hidden},
		{"item_embedding", "Code (cached h)", hid, n.Items * n.Hidden},
		{"user_embedding", "Dense (linear)", fmt.Sprintf("(None, %d)", n.Users), n.Users*n.Hidden + n.Users},
		{"decoder_shared", "Dense (shared row)", "(None, 1)", n.Hidden},
	}
}

// FoldInLambda returns DefaultFoldInLambda. With the codes fixed, a ridge
// of the trained λ would be the training objective of one user's decoder
// row (its bias penalized too), but training stops early, short of that
// optimum: on train's known-answer table (TestAutoRecFoldInAndFile) users
// folded in from their training ratings reached a test RMSE of 0.307 at λ
// 0.03 to 0.1 and 0.332 at the trained λ 1, against 0.296 trained in
// (measured with an input shift of 1; with 3, 0.302 at 0.05 against
// 0.292).
func (n *AutoRec) FoldInLambda() float64 { return DefaultFoldInLambda }

// FoldInUser places a new learner as a new column of the output layer:
// the codes h_i of the items and the shared row s stay as trained (the encoder's input of a
// rated item would change by the learner's one entry; the paper's "new
// column" view leaves it out), and the learner's decoder row and bias
// solve the ridge regression of FoldIn on the rated items' codes (the
// targets less s · h_i, as a dot net's less its item biases), a
// (Hidden+1)-square system. Explain splits a score exactly among the
// rated items, as a dot net's fold-in does.
func (n *AutoRec) FoldInUser(ctx context.Context, rated []Rated, lambda float64) (FoldedUser, error) {
	h := n.Hidden
	bi := make([]float32, n.Items) // s · h_i, the shared row's item bias
	for i := range bi {
		bi[i] = Dot32(n.Shared, n.Code[i*h:i*h+h])
	}
	f := linearFold{dim: h, itemEmb: n.Code, itemBi: bi, act: Linear}
	return foldInLinear(ctx, f, rated, lambda)
}
