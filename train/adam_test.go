package train

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestAdamVecBits: optim.step3 (vectorized where it can be) gives the same
// bits as the plain scalar Adam loop, for row lengths around multiples of
// four and for extreme gradients.
func TestAdamVecBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	o := newOptim("adam", 0.001, 0.9, 0.999, 1e-7)
	for step := range 5 {
		o.next()
		for _, n := range []int{1, 3, 4, 5, 8, 17, 33, 65} {
			row := make([]float32, 3*n)
			g := make([]float32, n)
			for j := range row {
				row[j] = float32(rng.NormFloat64())
			}
			for j := range n {
				row[2*n+j] = float32(rng.Float64()) // v >= 0
				g[j] = float32(rng.NormFloat64() * math.Pow(10, float64(rng.IntN(20)-10)))
			}
			if step == 4 {
				g[0], g[n-1] = 0, 1e30
			}
			want := append([]float32(nil), row...)
			scalarAdam(o, want, g, n)
			o.step3(row[:n], row[n:2*n], row[2*n:3*n], g)
			for j := range row {
				if math.Float32bits(row[j]) != math.Float32bits(want[j]) {
					t.Fatalf("step %d n %d element %d: %v, scalar %v", step, n, j, row[j], want[j])
				}
			}
		}
	}
}

// scalarAdam is optim.step3's Adam loop without vectorization.
func scalarAdam(o *optim, row, g []float32, n int) {
	w, m, v := row[:n], row[n:2*n], row[2*n:3*n]
	for j := range w {
		gj := g[j]
		mj := o.b1*m[j] + o.oneMinusB1*gj
		vj := o.b2*v[j] + o.ob2*gj*gj
		m[j], v[j] = mj, vj
		w[j] -= o.lrT * mj / (float32(math.Sqrt(float64(vj))) + o.eps)
	}
}
