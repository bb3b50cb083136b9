package model

import (
	"context"
	"fmt"
	"math/rand/v2"
)

// MLP is the multilayer-perceptron recommender of Neural Collaborative
// Filtering's MLP branch: the user's and the item's embeddings are
// concatenated and go through hidden dense layers, then one output unit
// with the output activation:
//
//	score(u, i) = act(w · tower([P[u] | Q[i]]) + b)
//
// It has no per-user or per-item bias: the tower can learn them from the
// embeddings.
type MLP struct {
	Users, Items, Dim int
	UserEmb           []float32 // Users x Dim
	ItemEmb           []float32 // Items x Dim
	Hidden            Tower
	Out               DenseLayer // one unit
}

// DefaultLayers are the hidden layers of mlp and neumf when Config.Layers
// is empty: NCF's tower of halving widths.
const DefaultLayers = "64,32,16"

// mlpKind names the mlp kind.
const mlpKind = "mlp"

func init() {
	// Rating: lr 0.002, L2 3e-4, by the rating search (see dot's Presets).
	Register(deepKind(mlpKind, "embeddings through hidden layers", 0.002, 3e-4, buildMLP, countMLP))
}

// buildMLP rebuilds an mlp net from its tables.
func buildMLP(cfg Config, params []Param) (Net, error) {
	cfg = cfg.WithDefaults()
	m := &MLP{Dim: cfg.Dim}
	var err error
	if m.UserEmb, err = findParam(params, "user_embedding", -1, cfg.Dim); err != nil {
		return nil, err
	}
	if m.ItemEmb, err = findParam(params, "item_embedding", -1, cfg.Dim); err != nil {
		return nil, err
	}
	m.Users, m.Items = len(m.UserEmb)/cfg.Dim, len(m.ItemEmb)/cfg.Dim
	if m.Hidden, err = buildTower(params, 2*cfg.Dim, cfg.Hidden()); err != nil {
		return nil, err
	}
	if m.Out, err = buildDense(params, "output", m.Hidden.Width(2*cfg.Dim), 1, cfg.Activation); err != nil {
		return nil, err
	}
	return m, nil
}

// countMLP counts an embedding a user and an item, the hidden layers and
// the output unit.
func countMLP(cfg Config, users, items int) int64 {
	n, in := (int64(users)+int64(items))*int64(cfg.Dim), 2*int64(cfg.Dim)
	n, in = countTower(n, in, cfg.Hidden())
	return n + in + 1
}

// countTower adds the weights of hidden layers taking in values to n, and
// returns it with the width of their output.
func countTower(n, in int64, hidden []Dense) (int64, int64) {
	for _, l := range hidden {
		n += in*int64(l.Units) + int64(l.Units)
		in = int64(l.Units)
	}
	return n, in
}

// NewMLP returns an MLP for the given numbers of users and items,
// initialized from cfg: embeddings as NewDot's, dense layers by
// NewDenseLayer, the output unit by Glorot with a zero bias.
func NewMLP(users, items int, cfg Config) *MLP {
	if cfg.Kind == "" {
		cfg.Kind = mlpKind
	}
	cfg = cfg.WithDefaults()
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x31f))
	m := &MLP{
		Users: users, Items: items, Dim: cfg.Dim,
		UserEmb: initEmbedding(users, cfg, rng),
		ItemEmb: initEmbedding(items, cfg, rng),
		Hidden:  NewTower(2*cfg.Dim, cfg.Hidden(), rng),
	}
	m.Out = NewDenseLayer(m.Hidden.Width(2*cfg.Dim), 1, cfg.Activation, rng)
	return m
}

// Kind returns "mlp".
func (m *MLP) Kind() string { return mlpKind }

// Score returns the net's output for inner user u and item i.
func (m *MLP) Score(u, i int32) float32 {
	d := m.Dim
	w := m.Hidden.widest(2 * d)
	p := getScratch(4 * w)
	buf := *p
	x := buf[:2*d]
	copy(x, m.UserEmb[int(u)*d:int(u)*d+d])
	copy(x[d:], m.ItemEmb[int(i)*d:int(i)*d+d])
	h := m.Hidden.Forward(x, buf[w:2*w], buf[2*w:3*w])
	y := buf[3*w : 3*w+1]
	m.Out.Forward(y, h)
	s := y[0]
	scratch.Put(p)
	return s
}

// Params returns the embeddings, the hidden layers and the output layer.
func (m *MLP) Params() []Param {
	out := []Param{
		{"user_embedding", m.Users, m.Dim, m.UserEmb},
		{"item_embedding", m.Items, m.Dim, m.ItemEmb},
	}
	out = append(out, m.Hidden.params()...)
	return append(out, m.Out.params("output")...)
}

// SummaryRows describes the net for a summary.
func (m *MLP) SummaryRows() []SummaryRow {
	dim := fmt.Sprintf("(None, %d)", m.Dim)
	out := []SummaryRow{
		{"user_embedding", "Embedding", dim, m.Users * m.Dim},
		{"item_embedding", "Embedding", dim, m.Items * m.Dim},
		{"concat", "Concatenate", fmt.Sprintf("(None, %d)", 2*m.Dim), 0},
	}
	out = append(out, m.Hidden.layers()...)
	return append(out, m.Out.layer("output"))
}

// initEmbedding returns a rows x cfg.Dim table initialized as cfg.Init
// says (see NewDot).
func initEmbedding(rows int, cfg Config, rng *rand.Rand) []float32 {
	t := make([]float32, rows*cfg.Dim)
	fillEmbedding(t, rows, cfg, rng)
	return t
}

// Deep returns the net's tables.
func (m *MLP) Deep() DeepTables {
	return DeepTables{Dim: m.Dim, Users: m.Users, Items: m.Items, UserMLP: m.UserEmb, ItemMLP: m.ItemEmb, Hidden: m.Hidden, Out: &m.Out}
}

// FoldInUser places a new user by full-batch Adam (see FoldIn).
func (m *MLP) FoldInUser(ctx context.Context, rated []Rated, lambda float64) (FoldedUser, error) {
	return foldInDeep(ctx, newDeepFold(m.Deep()), rated, lambda)
}

// FoldInLambda returns DefaultDeepFoldInLambda.
func (m *MLP) FoldInLambda() float64 { return DefaultDeepFoldInLambda }
