//go:build amd64 && !purego

package f32

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// fma32 is x·y+z rounded once to float32 (to nearest, ties to even), as
// VFMADD231PS computes it.
func fma32(x, y, z float32) float32 {
	// x·y is exact in float64; the exact sum needs at most about 600 bits.
	p := new(big.Float).SetPrec(1024).SetFloat64(float64(x) * float64(y))
	f, _ := p.Add(p, big.NewFloat(float64(z))).Float32()
	return f
}

// asmElem is the order the assembly sums dst[r][c] in. The gemm kernels
// (n > 1, and MulTN) take one FMA per j in increasing j from zero, then
// add the old dst (acc); MulNT does its k in blocks of kc (see mulNTVia),
// each added to the last. The dot kernel (n = 1 in MulNN and MulNT) sums
// j into lane j%8, then lanes l and l+4, then the pairs 0+2 and 1+3, then
// the two, then adds the old dst.
func asmElem(o op, a, b []float32, r, c, m, k, n int, acc bool, old float32) float32 {
	at := func(j int) (float32, float32) {
		return a[o.aAt(r, j, c, m, k, n)], b[o.bAt(r, j, c, m, k, n)]
	}
	if n == 1 && o.name != "TN" {
		var lane [8]float32
		for j := range k {
			x, y := at(j)
			lane[j%8] = fma32(x, y, lane[j%8])
		}
		t := [4]float32{lane[0] + lane[4], lane[1] + lane[5], lane[2] + lane[6], lane[3] + lane[7]}
		s := (t[0] + t[2]) + (t[1] + t[3])
		if acc {
			s += old
		}
		return s
	}
	kc := k
	if o.name == "NT" {
		kc = min(k, scratchLen/min(n, 64))
	}
	for j0 := 0; j0 < k; j0 += kc {
		var s float32
		for j := j0; j < min(j0+kc, k); j++ {
			x, y := at(j)
			s = fma32(x, y, s)
		}
		if acc || j0 > 0 {
			s += old
		}
		old = s
	}
	return old
}

// TestMulFMAChain checks every element of the assembly's products, bit for
// bit, against asmElem: the summation order doc.go promises, the same for
// every row whatever m.
func TestMulFMAChain(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	shapes := [][3]int{{9, 5, 40}, {13, 33, 17}, {6, 300, 17}, {5, 65, 100}, {3, 1, 2}, {17, 16, 7}, {11, 20, 1}, {4, 3, 1}, {9, 64, 1}}
	for _, set := range kernelSets() {
		if set == "generic" {
			continue // no FMA, and it skips zeros
		}
		t.Run(set, func(t *testing.T) {
			defer useKernels(set)()
			for _, o := range ops {
				for _, s := range shapes {
					m, k, n := s[0], s[1], s[2]
					for _, acc := range []bool{false, true} {
						a, b, dst := randSlice(rng, m*k), randSlice(rng, k*n), randSlice(rng, m*n)
						prior := append([]float32(nil), dst...)
						o.fast(dst, a, b, m, k, n, acc)
						for r := range m {
							for c := range n {
								want := asmElem(o, a, b, r, c, m, k, n, acc, prior[r*n+c])
								if got := dst[r*n+c]; math.Float32bits(got) != math.Float32bits(want) {
									t.Fatalf("Mul%s %dx%dx%d acc=%v: dst[%d][%d] = %v, want %v", o.name, m, k, n, acc, r, c, got, want)
								}
							}
						}
					}
				}
			}
		})
	}
}
