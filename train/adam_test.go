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

// TestAdamRowL2Bits: optim.adamRowL2 gives the bits of the gradient summed
// by f32.AddRowsAt into a cleared row and then optim.adamL2 in Go, for
// row lengths around multiples of eight and any number of source rows
// (a row given twice included), and leaves its scratch zero.
func TestAdamRowL2Bits(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	o := newOptim("adam", 0.003, 0.9, 0.999, 1e-7)
	for step := range 3 {
		o.next()
		for _, d := range []int{1, 4, 7, 8, 9, 16, 17, 31, 500} {
			src := make([]float32, 6*d)
			for j := range src {
				src[j] = float32(rng.NormFloat64() * math.Pow(10, float64(rng.IntN(8)-4)))
			}
			for cnt := range 6 {
				slots, coef := make([]int32, cnt), make([]float32, cnt)
				for c := range slots {
					slots[c], coef[c] = int32(rng.IntN(6)), float32(rng.NormFloat64())
				}
				row := make([]float32, 3*d)
				for j := range row {
					row[j] = float32(rng.NormFloat64())
				}
				for j := 2 * d; j < 3*d; j++ {
					row[j] = float32(rng.Float64()) // v >= 0
				}
				want, g := append([]float32(nil), row...), make([]float32, d)
				restore := useAsm(false)
				f32.AddRowsAt(g, coef, src, d, slots)
				o.adamL2(want[:d], want[d:2*d], want[2*d:], g, 0.25)
				restore()
				o.adamRowL2(row[:d], row[d:2*d], row[2*d:], g, src, slots, coef, 0.25)
				for j := range row {
					if math.Float32bits(row[j]) != math.Float32bits(want[j]) {
						t.Fatalf("step %d d %d slots %v element %d: %v, want %v", step, d, slots, j, row[j], want[j])
					}
				}
				for j, x := range g {
					if x != 0 {
						t.Fatalf("d %d: scratch[%d] = %v after the step", d, j, x)
					}
				}
			}
		}
	}
}
