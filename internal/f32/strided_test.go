package f32

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestGemm checks Gemm on a block inside larger matrices, with A
// transposed (ars = 1) and A row-major, setting and adding: every element
// of the block within float32 rounding of the float64 product, nothing
// outside it written, and, with every kernel set, each element the same
// bits as MulNN gives on packed copies of the operands, so that a block's
// result does not depend on where it sits or on its strides.
func TestGemm(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	const ld = 53 // row stride of the big matrices
	big := func() []float32 {
		s := make([]float32, ld*ld)
		for x := range s {
			s[x] = float32(rng.NormFloat64())
		}
		return s
	}
	for _, set := range kernelSets() {
		restore := useKernels(set)
		for _, sz := range [][3]int{{1, 1, 1}, {6, 9, 16}, {13, 31, 37}, {40, 7, 5}} {
			m, k, n := sz[0], sz[1], sz[2]
			for _, trans := range []bool{false, true} {
				for _, acc := range []bool{false, true} {
					a, b, dst := big(), big(), big()
					ars, acs := ld, 1
					if trans {
						ars, acs = 1, ld
					}
					const off = 2*ld + 3 // where every block starts
					// Packed copies: A (m×k), B (k×n) and dst's block (m×n).
					pa, pb, pd := make([]float32, m*k), make([]float32, k*n), make([]float32, m*n)
					for r := range m {
						for j := range k {
							pa[r*k+j] = a[off+r*ars+j*acs]
						}
						copy(pd[r*n:r*n+n], dst[off+r*ld:])
					}
					for j := range k {
						copy(pb[j*n:j*n+n], b[off+j*ld:])
					}
					old := append([]float32(nil), dst...)
					Gemm(dst[off:], ld, a[off:], ars, acs, b[off:], ld, m, k, n, acc)
					MulNN(pd, pa, pb, m, k, n, acc)
					for x := range dst {
						r, c := (x-off)/ld, (x-off)%ld
						if x < off || r >= m || c >= n {
							if dst[x] != old[x] {
								t.Fatalf("%s %v: element %d outside the block written", set, sz, x)
							}
							continue
						}
						want := 0.0
						if acc {
							want = float64(old[x])
						}
						for j := range k {
							want += float64(pa[r*k+j]) * float64(pb[j*n+c])
						}
						if math.Abs(float64(dst[x])-want) > 1e-5*float64(k+1)*(1+math.Abs(want)) {
							t.Fatalf("%s %v trans %v acc %v: [%d,%d] = %g, want %g", set, sz, trans, acc, r, c, dst[x], want)
						}
						if set != "generic" && math.Float32bits(dst[x]) != math.Float32bits(pd[r*n+c]) {
							t.Fatalf("%s %v trans %v acc %v: [%d,%d] = %g, MulNN %g", set, sz, trans, acc, r, c, dst[x], pd[r*n+c])
						}
					}
				}
			}
		}
		restore()
	}
}
