package train

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/recnet/recnet/internal/f32"
)

// useAsm turns the trainer's assembly passes (SSE Adam, AVX-512 rows) on,
// where the machine has them, or off, and returns the function that
// restores them: a test compares the two to the bit.
func useAsm(on bool) (restore func()) {
	z, sse, avx2 := use512, useSSE, useAVX2
	use512, useSSE, useAVX2 = on && z, on && sse, on && avx2
	return func() { use512, useSSE, useAVX2 = z, sse, avx2 }
}

// TestAdamVecBits: optim.step3 (vectorized where it can be) gives the
// bits of f32.Adam on the whole row, for row lengths around multiples of
// four and eight and for extreme gradients.
func TestAdamVecBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	o := newOptim("adam", 0.001, 0.9, 0.999, 1e-7)
	for step := range 5 {
		o.next()
		for _, n := range []int{1, 3, 4, 5, 8, 12, 17, 33, 65, 500} {
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
			f32.Adam(want[:n], want[n:2*n], want[2*n:], g, o.b1, o.oneMinusB1, o.b2, o.ob2, o.lrT, o.eps)
			o.step3(row[:n], row[n:2*n], row[2*n:3*n], g)
			for j := range row {
				if math.Float32bits(row[j]) != math.Float32bits(want[j]) {
					t.Fatalf("step %d n %d element %d: %v, f32.Adam %v", step, n, j, row[j], want[j])
				}
			}
		}
	}
}

// TestAdamL2Bits: optim.adamL2 gives the bits of the penalty added by its
// own pass (w's product then the sum) and then step3, and clears the
// gradient, for row lengths around multiples of eight.
func TestAdamL2Bits(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	o := newOptim("adam", 0.003, 0.9, 0.999, 1e-7)
	for step := range 3 {
		o.next()
		for _, n := range []int{1, 4, 7, 8, 9, 12, 17, 500} {
			row := make([]float32, 4*n) // w, m, v, g
			for j := range row {
				row[j] = float32(rng.NormFloat64())
			}
			for j := range n {
				row[2*n+j] = float32(rng.Float64()) // v >= 0
			}
			share := float32(rng.Float64() * 3)
			want := append([]float32(nil), row...)
			w, m, v, g := want[:n], want[n:2*n], want[2*n:3*n], want[3*n:]
			for j := range g {
				g[j] += float32(share * w[j])
			}
			f32.Adam(w, m, v, g, o.b1, o.oneMinusB1, o.b2, o.ob2, o.lrT, o.eps)
			clear(g)
			o.adamL2(row[:n], row[n:2*n], row[2*n:3*n], row[3*n:], share)
			for j := range row {
				if math.Float32bits(row[j]) != math.Float32bits(want[j]) {
					t.Fatalf("step %d n %d element %d: %v, want %v", step, n, j, row[j], want[j])
				}
			}
		}
	}
}
