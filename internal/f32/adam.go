package f32

import "math"

// Adam applies one Adam step to the weights w and their moment estimates
// m and v from the gradient g, in place; the four slices have len(w)
// elements, the three it writes first (dst-first):
//
//	m = b1 m + c1 g;  v = b2 v + c2 g²;  w -= lr m / (sqrt(v) + eps)
//
// c1 and c2 are 1-b1 and 1-b2 as the caller rounds them, and lr carries
// Adam's bias correction. This is recnet's one Adam step in Go: the
// trainer's lazy row updates and dense layers and the fold-in of deep nets
// call it, and the assembly passes are tested against it.
//
// Every operation rounds to float32 once, in the order written (c2 g,
// then times g), and no multiply is fused with the add after it, whatever
// the architecture or GOAMD64 level: the conversions below forbid it (the
// Go specification lets a compiler fuse x*y + z otherwise). So the SSE
// and AVX-512 passes of the trainer, which do not fuse, give its bits.
// The last step, lr m / (sqrt(v) + eps), runs in F: float32 in the
// trainer, float64 where the caller keeps lr and eps in float64 (the
// fold-in), before w is rounded back.
func Adam[F float32 | float64](w, m, v, g []float32, b1, c1, b2, c2 float32, lr, eps F) {
	m, v, g = m[:len(w)], v[:len(w)], g[:len(w)]
	for j, gj := range g {
		mj := float32(b1*m[j]) + float32(c1*gj)
		vj := float32(b2*v[j]) + float32(c2*gj*gj)
		m[j], v[j] = mj, vj
		w[j] -= float32(lr * F(mj) / (F(math.Sqrt(float64(vj))) + eps))
	}
}

// AdamFMA is Adam in float32, faster where the processor fuses
// multiply-adds: on amd64 with AVX2 and FMA (and without the purego tag)
// it takes the longest prefix of w a multiple of 8 long in assembly, which
// computes c1 g + b1 m and c2 (g g) + b2 v with one rounding each, and
// leaves the rest to Adam. Those elements agree with Adam to float32
// rounding, not to the bit; elsewhere AdamFMA is Adam. The trainer's
// dense layers (mlp, neumf) use it.
func AdamFMA(w, m, v, g []float32, b1, c1, b2, c2, lr, eps float32) {
	m, v, g = m[:len(w)], v[:len(w)], g[:len(w)]
	n := adamFMA(w, m, v, g, b1, c1, b2, c2, lr, eps)
	Adam(w[n:], m[n:], v[n:], g[n:], b1, c1, b2, c2, lr, eps)
}
