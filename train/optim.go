package train

import (
	"math"

	"github.com/recnet/recnet/internal/f32"
)

// optim updates one packed row from its gradient. Adam is lazy: only the
// rows a batch touches have their moments decayed and their weights moved
// (TensorFlow's LazyAdam, PyTorch's SparseAdam); its bias correction uses the
// global step count.
type optim struct {
	adam, ada       bool // Adam, or row-wise AdaGrad (ada), or else SGD
	lr, b1, b2      float32
	eps             float32
	step            int
	lrT             float32 // lr with Adam's bias correction for this step
	b1pow, b2pow    float64
	oneMinusB1, ob2 float32
}

func newOptim(name string, lr, b1, b2, eps float64) *optim {
	b1 = max(b1, 0) // a negative beta1 asks for 0 (model.Config)
	return &optim{
		adam: name == "adam", ada: name == "adagrad", lr: float32(lr), b1: float32(b1), b2: float32(b2), eps: float32(eps),
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

// step3 updates the weights w with gradient g and the moments m and v
// (unused by SGD), all of one length, by f32.Adam:
//
//	m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g²;  w -= lrT m / (sqrt(v) + eps)
//
// or w -= lr g for SGD. On amd64 an SSE pass takes the longest prefix a
// multiple of four long, with f32.Adam's bits.
func (o *optim) step3(w, m, v, g []float32) {
	g = g[:len(w)]
	if !o.adam {
		f32.SubScaled(w, g, o.lrT)
		return
	}
	m, v = m[:len(w)], v[:len(w)]
	b1, c1, b2, c2, lr, eps := o.b1, o.oneMinusB1, o.b2, o.ob2, o.lrT, o.eps
	j := adamVec(w, m, v, g, b1, c1, b2, c2, lr, eps)
	f32.Adam(w[j:], m[j:], v[j:], g[j:], b1, c1, b2, c2, lr, eps)
}

// adamL2 is step3 (Adam) on the gradient g + share·w, each product
// rounded before its sum, and then clears g: the penalty (share/2)|w|²
// added as its own pass would add it, without that pass.
func (o *optim) adamL2(w, m, v, g []float32, share float32) {
	g = g[:len(w)]
	j := adamL2Vec(o, w, m, v, g, share)
	for k, x := range w[j:] {
		g[j+k] += float32(share * x)
	}
	o.step3(w[j:], m[j:], v[j:], g[j:])
	clear(g)
}

// adagrad is one step of row-wise AdaGrad, as LIBMF takes it (Chin et al.
// 2015): one accumulator G for the whole row w, which adds the mean square
// of the gradient, and one step size for every element:
//
//	G += mean(g²);  w -= lr g / (sqrt(G) + eps)
//
// Its state is one float a row where Adam keeps two per element.
func (o *optim) adagrad(w []float32, G *float32, g []float32) {
	g = g[:len(w)]
	*G += f32.Dot(g, g) / float32(len(g))
	f32.SubScaled(w, g, o.lr/(float32(math.Sqrt(float64(*G)))+o.eps))
}

// adamRowL2 is adamL2 on the gradient Σ_c coef[c]·x_c, x_c the row
// slots[c] of src (rows of len(w) floats), summed in turn from zero as
// f32.AddRowsAt sums, with g as its scratch (len(w) floats, zero on entry
// and on return): in assembly where it can be, which keeps the sum in
// registers. share must be positive.
func (o *optim) adamRowL2(w, m, v, g, src []float32, slots []int32, coef []float32, share float32) {
	d := len(w)
	m, v, coef = m[:d], v[:d], coef[:len(slots)]
	for _, r := range slots {
		_ = src[int(r)*d : int(r)*d+d]
	}
	if adamRowL2Vec(o, w, m, v, src, slots, coef, share) {
		return
	}
	f32.AddRowsAt(g, coef, src, d, slots)
	o.adamL2(w, m, v, g, share)
}
