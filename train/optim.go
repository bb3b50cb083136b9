package train

import "math"

// optim updates one packed row from its gradient. Adam is lazy: only the
// rows a batch touches have their moments decayed and their weights moved
// (TensorFlow's LazyAdam, PyTorch's SparseAdam); its bias correction uses the
// global step count.
type optim struct {
	adam            bool
	lr, b1, b2      float32
	eps             float32
	step            int
	lrT             float32 // lr with Adam's bias correction for this step
	b1pow, b2pow    float64
	oneMinusB1, ob2 float32
}

func newOptim(name string, lr, b1, b2, eps float64) *optim {
	return &optim{
		adam: name == "adam", lr: float32(lr), b1: float32(b1), b2: float32(b2), eps: float32(eps),
		b1pow: 1, b2pow: 1, oneMinusB1: float32(1 - b1), ob2: float32(1 - b2),
	}
}

// next advances the step counter before a batch's updates.
func (o *optim) next() {
	o.step++
	if !o.adam {
		o.lrT = o.lr
		return
	}
	o.b1pow *= float64(o.b1)
	o.b2pow *= float64(o.b2)
	o.lrT = float32(float64(o.lr) * math.Sqrt(1-o.b2pow) / (1 - o.b1pow))
}

// apply updates the n weights at the start of row (followed by their first
// and second moments) with gradient g:
//
//	m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g²;  w -= lrT m / (sqrt(v) + eps)
//
// or w -= lr g for SGD.
func (o *optim) apply(row, g []float32, n int) {
	w := row[:n]
	g = g[:len(w)]
	if !o.adam {
		for j := range w {
			w[j] -= o.lrT * g[j]
		}
		return
	}
	m := row[n:][:len(w)]
	v := row[2*n:][:len(w)]
	b1, b2, c1, c2, lr, eps := o.b1, o.b2, o.oneMinusB1, o.ob2, o.lrT, o.eps
	// Four at a time where the processor allows, then the rest; the same
	// operations in the same order either way, so the same bits.
	for j := adamVec(w, g, m, v, b1, c1, b2, c2, lr, eps); j < len(w); j++ {
		gj := g[j]
		mj := b1*m[j] + c1*gj
		vj := b2*v[j] + c2*gj*gj
		m[j], v[j] = mj, vj
		w[j] -= lr * mj / (float32(math.Sqrt(float64(vj))) + eps)
	}
}
