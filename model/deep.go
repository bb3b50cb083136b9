package model

// DeepTables are the tables of a net whose embeddings go through hidden
// layers (mlp, neumf), as the trainer and the fold-in use them. They alias
// the net's own.
type DeepTables struct {
	Dim, Users, Items int
	// UserMLP and ItemMLP are the embeddings that go through the tower.
	UserMLP, ItemMLP []float32
	Hidden           Tower
	Out              *DenseLayer
	// A neumf's GMF branch: its embeddings and the biases; nil for an
	// mlp.
	UserGMF, ItemGMF, UserBias, ItemBias []float32
}

// A DeepNet is a net whose embeddings go through hidden layers.
type DeepNet interface {
	Net
	// Deep returns the net's tables.
	Deep() DeepTables
}

// deepKind declares a kind whose embeddings go through hidden layers (mlp,
// neumf): such kinds share their settings (deepDefaults, but lr and l2 on
// the rating task), optimizers and search space.
func deepKind(name, doc string, lr, l2 float64, build func(Config, []Param) (Net, error), count func(Config, int, int) int64) Kind {
	defaults := deepDefaults
	defaults.LR, defaults.L2 = lr, l2 // the rating task's
	return Kind{
		Name:       name,
		Doc:        doc,
		Defaults:   defaults,
		Reads:      append(netSettings(), "layers", "dropout"),
		Why:        name + " is a net trained by an optimizer on one goroutine, with no confidence weights",
		Optimizers: []string{"adam", "sgd"},
		Space:      deepSpace,
		// Not searched by cross-validation on the implicit task (see the
		// README): deepDefaults, and DefaultNegatives.
		ImplicitDefaults: Config{Training: Training{LR: deepDefaults.LR, Negatives: DefaultNegatives}, Settings: Settings{L2: deepDefaults.L2}},
		Build:            build,
		Count:            count,
		Describe:         describeNet,
	}
}

// deepDefaults are the settings of mlp and neumf on the implicit task; on
// the rating task each kind sets its own lr and L2 (deepKind).
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
	{Name: "negatives", Values: NegativesSpace},
}
