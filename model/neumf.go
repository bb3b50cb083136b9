package model

import (
	"context"
	"fmt"
	"math/rand/v2"
)

// NeuMF is Neural Collaborative Filtering's fusion of a generalized matrix
// factorization (GMF) branch and an MLP branch, each with its own
// embeddings, joined in one output unit:
//
//	g = P[u] ⊙ Q[i]                      (GMF, Dim values)
//	h = tower([Pm[u] | Qm[i]])           (MLP)
//	score(u, i) = act(w · [g | h] + b + bu[u] + bi[i])
//
// A bias per user and per item, which the paper's NeuMF lacks, lets the
// model start exactly from a trained dot model (see train.WithPretrained)
// and learn rating offsets without spending the embeddings on them.
type NeuMF struct {
	Users, Items, Dim int
	UserEmb           []float32 // GMF, Users x Dim
	ItemEmb           []float32 // GMF, Items x Dim
	UserBias          []float32 // Users
	ItemBias          []float32 // Items
	MLPUserEmb        []float32 // MLP branch, Users x Dim
	MLPItemEmb        []float32 // MLP branch, Items x Dim
	Hidden            Tower
	Out               DenseLayer // Dim + the tower's width -> 1
}

// neumfKind names the neumf kind.
const neumfKind = "neumf"

func init() {
	// Rating: lr 0.002, L2 3e-5, by the rating search (see dot's Presets).
	Register(deepKind(neumfKind, "GMF + MLP", 0.002, 3e-5, buildNeuMF, countNeuMF))
}

// buildNeuMF rebuilds a neumf net from its tables.
func buildNeuMF(cfg Config, params []Param) (Net, error) {
	cfg = cfg.WithDefaults()
	d := cfg.Dim
	n := &NeuMF{Dim: d}
	var err error
	get := func(dst *[]float32, name string, cols int) {
		if err == nil {
			*dst, err = findParam(params, name, -1, cols)
		}
	}
	get(&n.UserEmb, "user_embedding", d)
	get(&n.ItemEmb, "item_embedding", d)
	get(&n.UserBias, "user_bias", 1)
	get(&n.ItemBias, "item_bias", 1)
	get(&n.MLPUserEmb, "mlp_user_embedding", d)
	get(&n.MLPItemEmb, "mlp_item_embedding", d)
	if err != nil {
		return nil, err
	}
	n.Users, n.Items = len(n.UserBias), len(n.ItemBias)
	if len(n.UserEmb) != n.Users*d || len(n.MLPUserEmb) != n.Users*d ||
		len(n.ItemEmb) != n.Items*d || len(n.MLPItemEmb) != n.Items*d {
		return nil, fmt.Errorf("model: neumf tables disagree on the number of users or items")
	}
	if n.Hidden, err = buildTower(params, 2*d, cfg.Hidden()); err != nil {
		return nil, err
	}
	if n.Out, err = buildDense(params, "output", d+n.Hidden.Width(2*d), 1, cfg.Activation); err != nil {
		return nil, err
	}
	return n, nil
}

// countNeuMF counts two embeddings and a bias a user and an item, the
// hidden layers and the output unit, which also takes the GMF product.
func countNeuMF(cfg Config, users, items int) int64 {
	d := int64(cfg.Dim)
	n, in := countTower((int64(users)+int64(items))*(2*d+1), 2*d, cfg.Hidden())
	return n + in + d + 1
}

// NewNeuMF returns a NeuMF for the given numbers of users and items,
// initialized from cfg: embeddings as NewDot's, biases zero, the dense
// layers by NewDenseLayer, the output unit by Glorot with a zero bias.
func NewNeuMF(users, items int, cfg Config) *NeuMF {
	if cfg.Kind == "" {
		cfg.Kind = neumfKind
	}
	cfg = cfg.WithDefaults()
	d := cfg.Dim
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x7e3f))
	n := &NeuMF{
		Users: users, Items: items, Dim: d,
		UserEmb:    initEmbedding(users, cfg, rng),
		ItemEmb:    initEmbedding(items, cfg, rng),
		UserBias:   make([]float32, users),
		ItemBias:   make([]float32, items),
		MLPUserEmb: initEmbedding(users, cfg, rng),
		MLPItemEmb: initEmbedding(items, cfg, rng),
		Hidden:     NewTower(2*d, cfg.Hidden(), rng),
	}
	n.Out = NewDenseLayer(d+n.Hidden.Width(2*d), 1, cfg.Activation, rng)
	return n
}

// Kind returns "neumf".
func (n *NeuMF) Kind() string { return neumfKind }

// Score returns the net's output for inner user u and item i.
func (n *NeuMF) Score(u, i int32) float32 {
	d := n.Dim
	w := n.Hidden.widest(2 * d)
	p := getScratch(4*w + d)
	buf := *p
	x := buf[:2*d]
	copy(x, n.MLPUserEmb[int(u)*d:int(u)*d+d])
	copy(x[d:], n.MLPItemEmb[int(i)*d:int(i)*d+d])
	h := n.Hidden.Forward(x, buf[w:2*w], buf[2*w:3*w])
	o := buf[3*w : 3*w+d+len(h)]
	pu := n.UserEmb[int(u)*d : int(u)*d+d]
	qi := n.ItemEmb[int(i)*d : int(i)*d+d]
	for f := range pu {
		o[f] = pu[f] * qi[f]
	}
	copy(o[d:], h)
	z := Dot32(o, n.Out.W) + n.Out.B[0] + n.UserBias[u] + n.ItemBias[i]
	scratch.Put(p)
	y, _ := n.Out.Act.Apply(z)
	return y
}

// Params returns the GMF tables, the biases, the MLP tables, the hidden
// layers and the output layer.
func (n *NeuMF) Params() []Param {
	out := []Param{
		{"user_embedding", n.Users, n.Dim, n.UserEmb},
		{"item_embedding", n.Items, n.Dim, n.ItemEmb},
		{"user_bias", n.Users, 1, n.UserBias},
		{"item_bias", n.Items, 1, n.ItemBias},
		{"mlp_user_embedding", n.Users, n.Dim, n.MLPUserEmb},
		{"mlp_item_embedding", n.Items, n.Dim, n.MLPItemEmb},
	}
	out = append(out, n.Hidden.params()...)
	return append(out, n.Out.params("output")...)
}

// SummaryRows describes the net for a summary.
func (n *NeuMF) SummaryRows() []SummaryRow {
	dim := fmt.Sprintf("(None, %d)", n.Dim)
	out := []SummaryRow{
		{"user_embedding", "Embedding (GMF)", dim, n.Users * n.Dim},
		{"item_embedding", "Embedding (GMF)", dim, n.Items * n.Dim},
		{"gmf", "Multiply", dim, 0},
		{"user_bias", "Embedding", "(None, 1)", n.Users},
		{"item_bias", "Embedding", "(None, 1)", n.Items},
		{"mlp_user_embedding", "Embedding (MLP)", dim, n.Users * n.Dim},
		{"mlp_item_embedding", "Embedding (MLP)", dim, n.Items * n.Dim},
		{"concat", "Concatenate", fmt.Sprintf("(None, %d)", 2*n.Dim), 0},
	}
	out = append(out, n.Hidden.layers()...)
	return append(out,
		SummaryRow{"fuse", "Concatenate", fmt.Sprintf("(None, %d)", n.Out.In), 0},
		n.Out.layer("output"),
		SummaryRow{"add_bias", "Add", "(None, 1)", 0})
}

// Deep returns the net's tables.
func (n *NeuMF) Deep() DeepTables {
	return DeepTables{Dim: n.Dim, Users: n.Users, Items: n.Items, UserMLP: n.MLPUserEmb, ItemMLP: n.MLPItemEmb, Hidden: n.Hidden, Out: &n.Out,
		UserGMF: n.UserEmb, ItemGMF: n.ItemEmb, UserBias: n.UserBias, ItemBias: n.ItemBias}
}

// FoldInUser places a new user by full-batch Adam (see FoldIn).
func (n *NeuMF) FoldInUser(ctx context.Context, rated []Rated, lambda float64) (FoldedUser, error) {
	return foldInDeep(ctx, newDeepFold(n.Deep()), rated, lambda)
}

// FoldInLambda returns DefaultDeepFoldInLambda.
func (n *NeuMF) FoldInLambda() float64 { return DefaultDeepFoldInLambda }
