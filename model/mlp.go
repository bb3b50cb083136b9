package model

import (
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
	Register(deepKind(mlpKind, "embeddings through hidden layers", buildMLP, countMLP))
}

// deepKind declares a kind whose embeddings go through hidden layers (mlp,
// neumf): such kinds share their settings, optimizers and search space.
func deepKind(name, doc string, build func(Config, []Param) (Net, error), count func(Config, int, int) int64) Kind {
	return Kind{
		Name:       name,
		Doc:        doc,
		Defaults:   deepDefaults,
		Reads:      append(netSettings(), "layers", "dropout"),
		Why:        name + " trains on one goroutine",
		Optimizers: []string{"adam", "sgd"},
		Space:      deepSpace,
		Build:      build,
		Count:      count,
		Describe:   describeNet,
	}
}

// deepDefaults are the settings of mlp and neumf.
var deepDefaults = Config{
	Training: Training{Optimizer: "adam", LR: 0.001, Beta1: 0.9, Beta2: 0.999, Eps: 1e-7, Batch: 256, Epochs: 50, Patience: 3, Seed: 42},
	Settings: Settings{Dim: 32, Activation: Linear, Init: "normal", InitStd: 0.01, L2: 1e-4, BiasL2: 1e-5, Layers: DefaultLayers},
}

// deepSpace is the search space of mlp and neumf.
var deepSpace = []Range{
	{Name: "dim", Values: []string{"8", "16", "32", "64"}, Grid: []string{"16", "32", "64"}},
	{Name: "layers", Values: []string{"64,32,16", "32,16", "128,64,32", "64", "64,32:tanh,16:tanh"}},
	{Name: "lr", Lo: 3e-4, Hi: 1e-2, Log: true, Grid: []string{"0.001", "0.003"}},
	{Name: "l2", Lo: 1e-6, Hi: 1e-3, Log: true, Grid: []string{"1e-05", "0.0001"}},
	{Name: "dropout", Values: []string{"0", "0.1", "0.2", "0.3"}},
	{Name: "batch", Values: []string{"128", "256", "512"}},
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
