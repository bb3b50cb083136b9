package train

import (
	"math/rand/v2"

	"github.com/recnet/recnet/internal/f32"
	"github.com/recnet/recnet/model"
)

// dense is a dense layer being trained on batches: its weights with their
// gradients and Adam moments, and its per-batch activations. Rows of the
// batch are rows of every matrix.
type dense struct {
	in, out int
	act     model.Activation
	w, b    []float32 // in x out, out
	gw, gb  []float32
	mw, vw  []float32
	mb, vb  []float32
	z       []float32 // batch x out: pre-activations
	a       []float32 // batch x out: activations
	h       []float32 // batch x out: outputs (a after dropout; a itself without)
	mask    []float32 // batch x out: dropout multipliers, nil without dropout
	dh      []float32 // batch x out: gradient of the loss with respect to h, then z
	ones    []float32 // batch ones, to sum columns by a product
}

// newDense returns the training state of l for batches of up to batch rows,
// with inverted dropout at rate p after the activation when p > 0.
func newDense(l model.DenseLayer, batch int, p float64) *dense {
	d := &dense{
		in: l.In, out: l.Out, act: l.Act,
		w: append([]float32(nil), l.W...), b: append([]float32(nil), l.B...),
		gw: make([]float32, len(l.W)), gb: make([]float32, l.Out),
		mw: make([]float32, len(l.W)), vw: make([]float32, len(l.W)),
		mb: make([]float32, l.Out), vb: make([]float32, l.Out),
		z: make([]float32, batch*l.Out), a: make([]float32, batch*l.Out),
		dh: make([]float32, batch*l.Out), ones: make([]float32, batch),
	}
	for j := range d.ones {
		d.ones[j] = 1
	}
	d.h = d.a
	if p > 0 {
		d.h = make([]float32, batch*l.Out)
		d.mask = make([]float32, batch*l.Out)
	}
	return d
}

// store copies the weights into l.
func (d *dense) store(l *model.DenseLayer) {
	copy(l.W, d.w)
	copy(l.B, d.b)
}

// forward computes the layer's outputs for the first m rows of x (m x in).
// With train set and dropout on, it draws a new mask from rng: each output
// is zeroed with probability p and the others scaled by 1/(1-p), so that
// the expected output equals the output without dropout, which is what
// scoring uses.
func (d *dense) forward(x []float32, m int, train bool, p float32, rng *rand.Rand) []float32 {
	n := m * d.out
	z, a := d.z[:n], d.a[:n]
	for r := 0; r < m; r++ {
		copy(z[r*d.out:r*d.out+d.out], d.b)
	}
	f32.MulNN(z, x, d.w, m, d.in, d.out, true)
	d.act.Forward(a, z)
	if d.mask == nil {
		return a
	}
	h := d.h[:n]
	if !train {
		copy(h, a)
		return h
	}
	keep := 1 / (1 - p)
	mask := d.mask[:n]
	for j := range mask {
		mk := keep
		if rng.Float32() < p {
			mk = 0
		}
		mask[j] = mk
	}
	f32.Mul(h, a, mask)
	return h
}

// backward takes d.dh (the gradient of the loss with respect to the first
// m rows of the outputs), sets the weight gradients and, if dx is not nil,
// the gradient with respect to the inputs x into dx (m x in).
func (d *dense) backward(x, dx []float32, m int) {
	n := m * d.out
	dh := d.dh[:n]
	if d.mask != nil {
		f32.Mul(dh, dh, d.mask[:n])
	}
	d.act.Backward(dh, dh, d.z[:n], d.a[:n])
	f32.MulTN(d.gw, x, dh, d.in, m, d.out, false)
	f32.MulNN(d.gb, d.ones[:m], dh, 1, m, d.out, false) // column sums

	if dx != nil {
		f32.MulNT(dx, dh, d.w, m, d.out, d.in, false)
	}
}

// step applies the optimizer to the weights, after o.next.
func (d *dense) step(o *optim) {
	o.dense(d.w, d.mw, d.vw, d.gw)
	o.dense(d.b, d.mb, d.vb, d.gb)
}

// dense updates a dense table w and its moments m, v from its gradient g.
func (o *optim) dense(w, m, v, g []float32) {
	if !o.adam {
		g = g[:len(w)]
		for j := range w {
			w[j] -= o.lrT * g[j]
		}
		return
	}
	// 1-b1 and 1-b2 rounded in float32, as the dense kernels have always
	// taken them (optim's own are rounded from float64).
	f32.AdamFMA(w, m, v, g, o.b1, 1-o.b1, o.b2, 1-o.b2, o.lrT, o.eps)
}

// row updates one packed row (weights, then moments: see table) from its
// gradient g with the dense kernel, which is vectorized.
func (o *optim) row(row, g []float32, n int) {
	o.dense(row[:n], row[n:2*n], row[2*n:3*n], g)
}
