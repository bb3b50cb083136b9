package model

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
)

// DenseLayer is a fully connected layer, y = act(x·W + b), for one row x of
// In values.
type DenseLayer struct {
	In, Out int
	Act     Activation
	W       []float32 // In x Out, row-major: W[j*Out+o] links input j to output o
	B       []float32 // Out
}

// NewDenseLayer returns a layer initialized for its activation: He normal
// (std sqrt(2/In)) for the ReLU family, Glorot uniform (limit
// sqrt(6/(In+Out))) otherwise, and zero biases.
func NewDenseLayer(in, out int, act Activation, rng *rand.Rand) DenseLayer {
	l := DenseLayer{In: in, Out: out, Act: act, W: make([]float32, in*out), B: make([]float32, out)}
	if act.ReLUFamily() {
		std := math.Sqrt(2 / float64(in))
		for k := range l.W {
			l.W[k] = float32(rng.NormFloat64() * std)
		}
		return l
	}
	lim := math.Sqrt(6 / float64(in+out))
	for k := range l.W {
		l.W[k] = float32((2*rng.Float64() - 1) * lim)
	}
	return l
}

// Forward sets dst (Out values) to the layer's output for x (In values).
func (l *DenseLayer) Forward(dst, x []float32) { l.forward(dst, dst, x) }

// forward sets z to the pre-activations x·W + b and a to their
// activations (z and a may be the same slice).
func (l *DenseLayer) forward(z, a, x []float32) {
	z = z[:l.Out]
	copy(z, l.B)
	for j, v := range x[:l.In] {
		w := l.W[j*l.Out : j*l.Out+l.Out]
		for o, wv := range w {
			z[o] += v * wv
		}
	}
	l.Act.Forward(a[:l.Out], z)
}

// params returns the layer's two tables, named name/kernel and name/bias.
func (l *DenseLayer) params(name string) []Param {
	return []Param{
		{name + "/kernel", l.In, l.Out, l.W},
		{name + "/bias", 1, l.Out, l.B},
	}
}

// layer describes the layer for a summary.
func (l *DenseLayer) layer(name string) SummaryRow {
	return SummaryRow{name, "Dense (" + string(l.Act) + ")", fmt.Sprintf("(None, %d)", l.Out), l.In*l.Out + l.Out}
}

// Tower is a stack of dense layers.
type Tower []DenseLayer

// NewTower returns the hidden layers spec for an input of width in.
func NewTower(in int, spec []Dense, rng *rand.Rand) Tower {
	t := make(Tower, len(spec))
	for k, d := range spec {
		t[k] = NewDenseLayer(in, d.Units, d.Activation, rng)
		in = d.Units
	}
	return t
}

// Width returns the width of the tower's output: its last layer's, or in
// when it has no layer.
func (t Tower) Width(in int) int {
	if len(t) == 0 {
		return in
	}
	return t[len(t)-1].Out
}

// widest returns the widest layer output of t, at least in.
func (t Tower) widest(in int) int {
	w := in
	for _, l := range t {
		w = max(w, l.Out)
	}
	return w
}

// Forward runs x through the tower using the two scratch buffers a and b,
// each at least as wide as any layer, and returns the output, which aliases
// x, a or b.
func (t Tower) Forward(x, a, b []float32) []float32 {
	for k := range t {
		t[k].Forward(a, x)
		x = a[:t[k].Out]
		a, b = b, a
	}
	return x
}

// params returns the tables of every layer, named dense_1, dense_2, ...
func (t Tower) params() []Param {
	var out []Param
	for k := range t {
		out = append(out, t[k].params(fmt.Sprintf("dense_%d", k+1))...)
	}
	return out
}

// layers describes every layer for a summary.
func (t Tower) layers() []SummaryRow {
	var out []SummaryRow
	for k := range t {
		out = append(out, t[k].layer(fmt.Sprintf("dense_%d", k+1)))
	}
	return out
}

// buildTower finds the tables of the hidden layers spec describes, for an
// input of width in.
func buildTower(params []Param, in int, spec []Dense) (Tower, error) {
	t := make(Tower, len(spec))
	for k, d := range spec {
		name := fmt.Sprintf("dense_%d", k+1)
		l, err := buildDense(params, name, in, d.Units, d.Activation)
		if err != nil {
			return nil, err
		}
		t[k] = l
		in = d.Units
	}
	return t, nil
}

// buildDense finds the kernel and bias of the dense layer called name.
func buildDense(params []Param, name string, in, out int, act Activation) (DenseLayer, error) {
	w, err := findParam(params, name+"/kernel", in, out)
	if err != nil {
		return DenseLayer{}, err
	}
	b, err := findParam(params, name+"/bias", 1, out)
	if err != nil {
		return DenseLayer{}, err
	}
	return DenseLayer{In: in, Out: out, Act: act, W: w, B: b}, nil
}

// scratch holds per-call buffers of the scoring of deep nets, so that
// concurrent Score calls need no lock and allocate nothing once warm.
var scratch = sync.Pool{New: func() any { return new([]float32) }}

// getScratch returns a buffer of at least n floats; put it back with
// scratch.Put.
func getScratch(n int) *[]float32 {
	p := scratch.Get().(*[]float32)
	if cap(*p) < n {
		*p = make([]float32, n)
	}
	*p = (*p)[:n]
	return p
}
