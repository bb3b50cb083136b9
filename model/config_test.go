package model_test

import (
	"cmp"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/recnet/recnet/model"
)

func TestWithDefaults(t *testing.T) {
	def := model.Presets["default"]
	if got := (model.Config{}).WithDefaults(); got != def {
		t.Errorf("zero config with defaults:\n%+v\nwant the default preset\n%+v", got, def)
	}

	set := model.Config{
		Kind:     "bias",
		Training: model.Training{NoScale: true, Optimizer: "sgd", LR: 0.1, Beta1: 0.5, Beta2: 0.75, Eps: 1e-3, Batch: 7, Epochs: 3, Patience: -1, Seed: 99},
		Settings: model.Settings{Dim: 8, Activation: model.Sigmoid, Init: "he_normal", InitStd: 0.5, L2: -1, BiasL2: 0.25},
	}
	if got := set.WithDefaults(); got != set {
		t.Errorf("a config with every field set changed:\n%+v\nwant\n%+v", got, set)
	}

	// A partly set config keeps its fields and takes the rest.
	part := model.Config{Training: model.Training{LR: 0.01, Patience: -1}, Settings: model.Settings{Dim: 16, L2: -1}}
	got := part.WithDefaults()
	want := def
	want.Dim, want.LR, want.Patience, want.L2 = 16, 0.01, -1, -1
	if got != want {
		t.Errorf("partly set config with defaults:\n%+v\nwant\n%+v", got, want)
	}
	if part.Kind != "" || part.Batch != 0 {
		t.Error("WithDefaults changed its receiver")
	}
}

// TestAdaGradDefaultLR: a zero learning rate means AdaGradLR for the
// adagrad optimizer and the preset's for the others; a set one stays.
func TestAdaGradDefaultLR(t *testing.T) {
	for _, tc := range []struct {
		c    model.Config
		want float64
	}{
		{model.Config{Training: model.Training{Optimizer: "adagrad"}}, model.AdaGradLR},
		{model.Config{Training: model.Training{Optimizer: "adagrad", LR: 0.2}}, 0.2},
		{model.Config{Training: model.Training{Optimizer: "sgd"}}, model.Presets["default"].LR},
		{model.Config{}, model.Presets["default"].LR},
	} {
		if got := tc.c.WithDefaults().LR; got != tc.want {
			t.Errorf("%+v: lr %g, want %g", tc.c, got, tc.want)
		}
		if got := model.DefaultLR(tc.c.WithDefaults().Optimizer); tc.c.LR == 0 && got != tc.want {
			t.Errorf("DefaultLR(%q) = %g, want %g", tc.c.Optimizer, got, tc.want)
		}
	}
}

func TestPositiveL2(t *testing.T) {
	tests := []struct {
		l2, biasL2 float64
		emb, bias  float64
	}{
		{-1, -1, 0, 0},
		{-1e-9, 0.5, 0, 0.5},
		{1e-4, -3, 1e-4, 0},
		{0.25, 0.125, 0.25, 0.125},
	}
	for _, tt := range tests {
		c := model.Config{Settings: model.Settings{L2: tt.l2, BiasL2: tt.biasL2}}.WithDefaults()
		emb, bias := c.PositiveL2()
		if emb != tt.emb || bias != tt.bias {
			t.Errorf("L2 %g, bias L2 %g: PositiveL2 = %g, %g; want %g, %g", tt.l2, tt.biasL2, emb, bias, tt.emb, tt.bias)
		}
	}
	// Zero is the default, not none.
	emb, bias := model.Config{}.WithDefaults().PositiveL2()
	if d := model.Presets["default"]; emb != d.L2 || bias != d.BiasL2 {
		t.Errorf("zero L2 with defaults: %g, %g; want the default preset's %g, %g", emb, bias, d.L2, d.BiasL2)
	}
}

func TestValidate(t *testing.T) {
	good := model.Presets["default"]
	tests := []struct {
		name   string
		change func(*model.Config)
		want   string // "" for valid
	}{
		{"default", func(*model.Config) {}, ""},
		{"zero fields take defaults", func(c *model.Config) { *c = model.Config{} }, ""},
		{"dim 1", func(c *model.Config) { c.Dim = 1 }, ""},
		{"dim 4096", func(c *model.Config) { c.Dim = 4096 }, ""},
		{"sgd", func(c *model.Config) { c.Optimizer = "sgd" }, ""},
		{"adagrad", func(c *model.Config) { c.Optimizer = "adagrad" }, ""},
		{"he_normal", func(c *model.Config) { c.Init = "he_normal" }, ""},
		{"relu", func(c *model.Config) { c.Activation = model.ReLU }, ""},
		{"sigmoid", func(c *model.Config) { c.Activation = model.Sigmoid }, ""},
		{"beta1 0", func(c *model.Config) { c.Beta1 = 0 }, ""}, // zero is the default 0.9
		{"no L2, no early stop", func(c *model.Config) { c.L2, c.BiasL2, c.Patience = -1, -1, -1 }, ""},

		{"dim negative", func(c *model.Config) { c.Dim = -1 }, "dim"},
		{"dim too big", func(c *model.Config) { c.Dim = 4097 }, "dim"},
		{"batch negative", func(c *model.Config) { c.Batch = -5 }, "batch"},
		{"epochs negative", func(c *model.Config) { c.Epochs = -1 }, "epochs"},
		{"lr negative", func(c *model.Config) { c.LR = -0.001 }, "learning rate"},
		{"lr NaN", func(c *model.Config) { c.LR = math.NaN() }, "learning rate"},
		{"lr infinite", func(c *model.Config) { c.LR = math.Inf(1) }, "learning rate"},
		{"beta1 1", func(c *model.Config) { c.Beta1 = 1 }, "betas"},
		{"beta1 -Inf", func(c *model.Config) { c.Beta1 = math.Inf(-1) }, "betas"},
		{"beta2 1", func(c *model.Config) { c.Beta2 = 1 }, "betas"},
		{"beta2 above 1", func(c *model.Config) { c.Beta2 = 1.5 }, "betas"},
		{"beta2 NaN", func(c *model.Config) { c.Beta2 = math.NaN() }, "betas"},
		{"L2 NaN", func(c *model.Config) { c.L2 = math.NaN() }, "finite"},
		{"bias L2 infinite", func(c *model.Config) { c.BiasL2 = math.Inf(1) }, "finite"},
		{"init std NaN", func(c *model.Config) { c.InitStd = math.NaN() }, "finite"},
		{"eps infinite", func(c *model.Config) { c.Eps = math.Inf(-1) }, "finite"},
		{"optimizer", func(c *model.Config) { c.Optimizer = "rmsprop" }, "optimizer"},
		{"optimizer case", func(c *model.Config) { c.Optimizer = "Adam" }, "optimizer"},
		{"adagrad mlp", func(c *model.Config) { c.Optimizer, c.Kind = "adagrad", "mlp" }, "adagrad"},
		{"adagrad mf", func(c *model.Config) { c.Optimizer, c.Kind = "adagrad", "mf" }, "adagrad"},
		{"init", func(c *model.Config) { c.Init = "glorot_uniform" }, "init"},
		{"activation", func(c *model.Config) { c.Activation = "swish" }, "activation"},
		{"task", func(c *model.Config) { c.Task = "explicit" }, "task"},
		{"implicit", func(c *model.Config) { c.Task = model.TaskImplicit }, ""},
		{"negatives", func(c *model.Config) { c.Task, c.Negatives = model.TaskImplicit, -2 }, "negatives"},
		{"dropout", func(c *model.Config) { c.Dropout = 1 }, "dropout"},
		{"dropout NaN", func(c *model.Config) { c.Dropout = math.NaN() }, "dropout"},
		{"layers", func(c *model.Config) { c.Layers = "64,x" }, "width"},
		{"layer activation", func(c *model.Config) { c.Layers = "64:swish" }, "activation"},
		{"layers ok", func(c *model.Config) { c.Layers = "64:tanh, 32" }, ""},
		{"threads", func(c *model.Config) { c.Threads = -1 }, "threads"},
		{"ials", func(c *model.Config) { *c = model.Config{Kind: "ials"} }, ""},
		{"alpha negative", func(c *model.Config) { *c = model.Config{Kind: "ials", Settings: model.Settings{Alpha: -1}} }, "alpha"},
		{"alpha NaN", func(c *model.Config) { *c = model.Config{Kind: "ials", Settings: model.Settings{Alpha: math.NaN()}} }, "alpha"},
		{"alpha infinite", func(c *model.Config) { *c = model.Config{Kind: "ials", Settings: model.Settings{Alpha: math.Inf(1)}} }, "alpha"},
		{"alpha given to dot", func(c *model.Config) { c.Alpha = -2 }, "alpha"},
		{"ials rating task", func(c *model.Config) {
			*c = model.Config{Kind: "ials", Training: model.Training{Task: model.TaskRating}}
		}, "task"},

		// Upper bounds on what would exhaust the machine.
		{"batch at its limit", func(c *model.Config) { c.Batch = model.MaxBatch }, ""},
		{"batch 1e9", func(c *model.Config) { c.Batch = 1e9 }, "batch"},
		{"threads at their limit", func(c *model.Config) { c.Threads = model.MaxThreads }, ""},
		{"threads 1000", func(c *model.Config) { c.Threads = 1000 }, "threads"},
		{"epochs at their limit", func(c *model.Config) { c.Epochs = model.MaxEpochs }, ""},
		{"epochs 1e7", func(c *model.Config) { c.Epochs = 1e7 }, "epochs"},
		{"negatives 1001", func(c *model.Config) { c.Task, c.Negatives = model.TaskImplicit, 1001 }, "negatives"},
		{"layer width 5000", func(c *model.Config) { c.Layers = "5000" }, "width"},
	}
	for _, tt := range tests {
		c := good
		tt.change(&c)
		err := c.Validate()
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.want != "" && err == nil:
			t.Errorf("%s: %+v is valid", tt.name, c)
		case tt.want != "" && !strings.Contains(err.Error(), tt.want):
			t.Errorf("%s: error %q does not mention %q", tt.name, err, tt.want)
		}
	}
}

func TestPresets(t *testing.T) {
	for name := range model.Presets {
		c, err := model.Preset(name)
		if err != nil {
			t.Fatalf("Preset(%q): %v", name, err)
		}
		if err := c.Validate(); err != nil {
			t.Errorf("preset %q: %v", name, err)
		}
	}
	for _, name := range []string{"seed", "default"} {
		if _, ok := model.Presets[name]; !ok {
			t.Errorf("no preset %q", name)
		}
	}
	if _, err := model.Preset("lab"); err == nil || !strings.Contains(err.Error(), "lab") {
		t.Errorf("Preset(lab): %v", err)
	}
}

// TestSeedPreset checks the seed preset is the original lab's model.
func TestSeedPreset(t *testing.T) {
	c, err := model.Preset("seed")
	if err != nil {
		t.Fatal(err)
	}
	if c.Kind != "dot" || c.Dim != 16 || c.LR != 0.001 || c.Batch != 256 || c.Epochs != 10 || c.L2 != 1e-6 {
		t.Errorf("seed preset: model %s, dim %d, lr %g, batch %d, epochs %d, L2 %g; want dot, 16, 0.001, 256, 10, 1e-6",
			c.Kind, c.Dim, c.LR, c.Batch, c.Epochs, c.L2)
	}
	if c.Activation != model.ReLU || c.Init != "he_normal" || c.Optimizer != "adam" || c.NoScale {
		t.Errorf("seed preset: activation %s, init %s, optimizer %s, no scale %v; want relu, he_normal, adam, false",
			c.Activation, c.Init, c.Optimizer, c.NoScale)
	}
	if c.Patience >= 0 {
		t.Errorf("seed preset patience %d: the lab has no early stopping", c.Patience)
	}
	// The lab's Keras Adam defaults.
	if c.Beta1 != 0.9 || c.Beta2 != 0.999 || c.Eps != 1e-7 {
		t.Errorf("seed preset Adam %g, %g, %g; want Keras' 0.9, 0.999, 1e-7", c.Beta1, c.Beta2, c.Eps)
	}
	if emb, bias := c.PositiveL2(); emb != 1e-6 || bias != 0 {
		t.Errorf("seed preset L2 %g on embeddings, %g on biases; want 1e-6, none", emb, bias)
	}
}

func TestParseActivation(t *testing.T) {
	tests := []struct {
		in   string
		want model.Activation
		err  bool
	}{
		{"relu", model.ReLU, false},
		{"linear", model.Linear, false},
		{"sigmoid", model.Sigmoid, false},
		{"", model.Linear, false},
		{"swish", "", true}, {"tanh", model.Tanh, false}, {"gelu", model.GELU, false},
		{"softmax", "", true},
		{" relu", "", true},
	}
	for _, tt := range tests {
		got, err := model.ParseActivation(tt.in)
		if got != tt.want || (err != nil) != tt.err {
			t.Errorf("ParseActivation(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.err)
		}
		if err != nil && !strings.Contains(err.Error(), tt.in) {
			t.Errorf("ParseActivation(%q): error %q does not name the input", tt.in, err)
		}
	}
}

func TestActivationApply(t *testing.T) {
	tests := []struct {
		a     model.Activation
		x     float32
		y, dy float32
	}{
		{model.Linear, -2.5, -2.5, 1},
		{"", 3, 3, 1}, // the zero value is linear
		{model.ReLU, 2, 2, 1},
		{model.ReLU, -2, 0, 0},
		{model.ReLU, 0, 0, 0},
		{model.Sigmoid, 0, 0.5, 0.25},
	}
	for _, tt := range tests {
		y, dy := tt.a.Apply(tt.x)
		if y != tt.y || dy != tt.dy {
			t.Errorf("%q.Apply(%v) = %v, %v; want %v, %v", tt.a, tt.x, y, dy, tt.y, tt.dy)
		}
	}
	y, _ := model.Sigmoid.Apply(2)
	if want := 1 / (1 + math.Exp(-2)); !near(float64(y), want, 1e-7) {
		t.Errorf("sigmoid(2) = %v, want %v", y, want)
	}
}

func TestParseLayers(t *testing.T) {
	tests := []struct {
		in   string
		want []model.Dense
		err  bool
	}{
		{"", nil, false},
		{"none", nil, false},
		{"64,32,16", []model.Dense{{64, model.ReLU}, {32, model.ReLU}, {16, model.ReLU}}, false},
		{"8:tanh, 4:selu", []model.Dense{{8, model.Tanh}, {4, model.SELU}}, false},
		{"0", nil, true},
		{"8,", nil, true},
		{"8:soft", nil, true},
	}
	for _, tt := range tests {
		got, err := model.ParseLayers(tt.in)
		if (err != nil) != tt.err || fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("ParseLayers(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

// TestLayersBounded refuses more than model.MaxLayers hidden layers (50 layers of
// 4096 took 6.2 GB) and says what is wrong once, without a repeated prefix.
func TestLayersBounded(t *testing.T) {
	cases := []struct {
		layers string
		want   string // "" for accepted
	}{
		{strings.Repeat("8,", model.MaxLayers-1) + "8", ""},
		{strings.Repeat("8,", model.MaxLayers) + "8", "at most 16"},
		{strings.Repeat("4096,", 49) + "4096", "50 hidden layers"},
		{"64:nope", "unknown activation"},
	}
	for _, c := range cases {
		_, err := model.ParseLayers(c.layers)
		if c.want == "" {
			if err != nil {
				t.Errorf("ParseLayers(%.20q...) = %v", c.layers, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseLayers(%.20q...) = %v, want an error with %q", c.layers, err, c.want)
			continue
		}
		if strings.Contains(err.Error(), "model:") || strings.Count(err.Error(), "layers \"") > 1 {
			t.Errorf("ParseLayers error %q repeats a prefix", err)
		}
		if err := (model.Config{Kind: "mlp", Settings: model.Settings{Layers: c.layers}}).Validate(); err == nil || strings.Count(err.Error(), "model:") != 1 {
			t.Errorf("Validate = %v, want one model: prefix", err)
		}
	}
}

// TestParams counts the weights of each kind without allocating them.
func TestParams(t *testing.T) {
	cases := []struct {
		cfg  model.Config
		want int64
	}{
		{model.Config{Kind: "dot", Settings: model.Settings{Dim: 4}}, (10 + 5) * 5},
		{model.Config{Kind: "mlp", Settings: model.Settings{Dim: 4, Layers: "3"}}, 15*4 + 8*3 + 3 + 3 + 1},
		{model.Config{Kind: "neumf", Settings: model.Settings{Dim: 4, Layers: "3"}}, 15*9 + 8*3 + 3 + 7 + 1},
		{model.Config{Kind: "mlp", Settings: model.Settings{Dim: 4096, Layers: strings.Repeat("4096,", 15) + "4096"}}, 15*4096 + 8192*4096 + 15*4096*4096 + 16*4096 + 4096 + 1},
	}
	for _, c := range cases {
		for _, m := range []model.Config{c.cfg} {
			if got := m.Params(10, 5); got != c.want {
				t.Errorf("%s dim %d layers %.10s: Params = %d, want %d", m.Kind, m.Dim, m.Layers, got, c.want)
			}
		}
	}
	d := model.NewMLP(10, 5, model.Config{Kind: "mlp", Settings: model.Settings{Dim: 4, Layers: "3"}}.WithDefaults())
	n := len(d.UserEmb) + len(d.ItemEmb) + len(d.Out.W) + len(d.Out.B)
	for _, l := range d.Hidden {
		n += len(l.W) + len(l.B)
	}
	if got := (model.Config{Kind: "mlp", Settings: model.Settings{Dim: 4, Layers: "3"}}).Params(10, 5); got != int64(n) {
		t.Errorf("Params = %d, NewMLP holds %d", got, n)
	}
}

// TestImplicitDefaults: on the implicit task a kind's zero settings take
// its ImplicitDefaults first, then its Defaults; the rating task keeps
// Defaults; a setting given wins over both.
func TestImplicitDefaults(t *testing.T) {
	for _, name := range model.Kinds() {
		k, _ := model.Lookup(name)
		imp := k.ImplicitDefaults
		if imp == (model.Config{}) {
			continue
		}
		got := model.Config{Kind: name, Training: model.Training{Task: model.TaskImplicit}}.WithDefaults()
		if imp.Dim != 0 && got.Dim != imp.Dim || imp.L2 != 0 && got.L2 != imp.L2 || imp.LR != 0 && got.LR != imp.LR ||
			imp.Negatives != 0 && got.Negatives != imp.Negatives || imp.Alpha != 0 && got.Alpha != imp.Alpha || imp.Epochs != 0 && got.Epochs != imp.Epochs {
			t.Errorf("%s implicit: %+v, want its implicit defaults %+v", name, got, imp)
		}
		if want := cmp.Or(imp.Batch, k.Defaults.WithDefaults().Batch); got.Batch != want {
			t.Errorf("%s implicit: batch %d, want %d", name, got.Batch, want)
		}
		if k.Defaults.Task == "" {
			if r := (model.Config{Kind: name}).WithDefaults(); r != k.Defaults.WithDefaults() {
				t.Errorf("%s rating: %+v, want %+v", name, r, k.Defaults.WithDefaults())
			}
		}
		given := model.Config{Kind: name, Training: model.Training{Task: model.TaskImplicit, Negatives: 3}, Settings: model.Settings{Dim: 7, L2: 0.5, Alpha: 0.25}}.WithDefaults()
		if given.Dim != 7 || given.L2 != 0.5 || given.Negatives != 3 || given.Alpha != 0.25 {
			t.Errorf("%s implicit with settings given: %+v", name, given)
		}
		if k.TaskDefaults(model.TaskImplicit) != got {
			t.Errorf("%s: TaskDefaults %+v, WithDefaults %+v", name, k.TaskDefaults(model.TaskImplicit), got)
		}
	}
}
