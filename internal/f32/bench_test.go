package f32

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchShapes are m×k×n of the mlp's dense layers (in→out: 32→64, 64→32,
// 32→16, 16→1) at batch 256 as Y = X·W has them (m=256, k=in, n=out), then
// the shapes the mlp's backward pass gives MulNT (dX = dY·Wᵀ: 256, out, in)
// and MulTN (dW = Xᵀ·dY: in, 256, out).
var benchShapes = map[string][][3]int{
	"NN": {{256, 32, 64}, {256, 64, 32}, {256, 32, 16}, {256, 16, 1}},
	"NT": {{256, 32, 64}, {256, 64, 32}, {256, 32, 16}, {256, 16, 1}, {256, 16, 32}, {256, 1, 16}},
	"TN": {{256, 32, 64}, {256, 64, 32}, {256, 32, 16}, {256, 16, 1}, {32, 256, 64}, {64, 256, 32}, {32, 256, 16}, {16, 256, 1}},
}

func reportGFLOPS(b *testing.B, flops int) {
	b.ReportMetric(float64(flops)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

func benchMul(b *testing.B, f mulFunc, m, k, n int) {
	rng := rand.New(rand.NewPCG(1, 1))
	// Operands are sized for the largest of the three layouts.
	a, bb, dst := randSlice(rng, m*k), randSlice(rng, k*n), make([]float32, m*n)
	for b.Loop() {
		f(dst, a, bb, m, k, n, false)
	}
	reportGFLOPS(b, 2*m*k*n)
}

// BenchmarkMul times each product at the mlp's shapes, m×k×n, with every
// kernel set of kernelSets (the portable Go loop is "generic").
func BenchmarkMul(b *testing.B) {
	for _, o := range ops {
		for _, s := range benchShapes[o.name] {
			for _, set := range kernelSets() {
				b.Run(fmt.Sprintf("%s/%dx%dx%d/%s", o.name, s[0], s[1], s[2], set), func(b *testing.B) {
					defer useKernels(set)()
					benchMul(b, o.fast, s[0], s[1], s[2])
				})
			}
		}
	}
}

// mlpBatches is the number of batches of 256 in one epoch of the 186,645
// training rows.
const mlpBatches = 730

// BenchmarkMLPBatch does one batch's dense products of an mlp with input
// 32 (two 16-wide embeddings) and layers 64, 32, 16, 1: the forward
// Y = X·W of every layer, and backward dW = Xᵀ·dY and dX = dY·Wᵀ (dX of the
// first layer too, for the embeddings). It reports ms/epoch = 730 batches.
func BenchmarkMLPBatch(b *testing.B) {
	for _, set := range kernelSets() {
		b.Run(set, func(b *testing.B) {
			defer useKernels(set)()
			const batch = 256
			widths := []int{32, 64, 32, 16, 1}
			rng := rand.New(rand.NewPCG(2, 2))
			var acts, grads, ws, dws [][]float32
			for _, w := range widths {
				acts = append(acts, randSlice(rng, batch*w))
				grads = append(grads, randSlice(rng, batch*w))
			}
			flops := 0
			for l := range len(widths) - 1 {
				in, out := widths[l], widths[l+1]
				ws = append(ws, randSlice(rng, in*out))
				dws = append(dws, make([]float32, in*out))
				flops += 3 * 2 * batch * in * out
			}
			for b.Loop() {
				for l := range ws {
					in, out := widths[l], widths[l+1]
					MulNN(acts[l+1], acts[l], ws[l], batch, in, out, false)
				}
				for l := len(ws) - 1; l >= 0; l-- {
					in, out := widths[l], widths[l+1]
					MulTN(dws[l], acts[l], grads[l+1], in, batch, out, false)
					MulNT(grads[l], grads[l+1], ws[l], batch, out, in, false)
				}
			}
			reportGFLOPS(b, flops)
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)*mlpBatches/1e6, "ms/epoch")
		})
	}
}

func BenchmarkAdam(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 3))
	const n = 32*64 + 64*32 + 32*16 + 16
	w, g, m, v := randSlice(rng, n), randSlice(rng, n), make([]float32, n), make([]float32, n)
	for _, impl := range []struct {
		name string
		f    adamFunc
	}{{"fma", AdamFMA}, {"go", Adam[float32]}} {
		b.Run(impl.name, func(b *testing.B) {
			for b.Loop() {
				impl.f(w, m, v, g, 0.9, 0.1, 0.999, 0.001, 1e-3, 1e-7)
			}
		})
	}
}
