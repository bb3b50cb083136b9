package f32

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// mulFunc is the signature shared by the three products.
type mulFunc func(dst, a, b []float32, m, k, n int, acc bool)

// op describes one product: its kernels and how to index its operands.
type op struct {
	name     string
	fast     mulFunc
	generic  mulFunc
	aAt, bAt func(r, j, c, m, k, n int) int // index of A(r,j) in a, B(j,c) in b
}

var ops = []op{
	{"NN", MulNN, mulNNGeneric,
		func(r, j, _, _, k, _ int) int { return r*k + j },
		func(_, j, c, _, _, n int) int { return j*n + c }},
	{"NT", MulNT, mulNTGeneric,
		func(r, j, _, _, k, _ int) int { return r*k + j },
		func(_, j, c, _, k, _ int) int { return c*k + j }},
	{"TN", MulTN, mulTNGeneric,
		func(r, j, _, m, _, _ int) int { return j*m + r },
		func(_, j, c, _, _, n int) int { return j*n + c }},
}

func randSlice(rng *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(rng.NormFloat64())
	}
	return s
}

// checkMul runs f on random operands of the given shape, with dst holding
// prior contents, and compares every element with a float64 reference. The
// tolerance is a float32 rounding bound: (k+2)·2⁻²³ times the sum of the
// magnitudes that enter the element.
func checkMul(t *testing.T, o op, f mulFunc, rng *rand.Rand, m, k, n int, acc bool) {
	t.Helper()
	a, b := randSlice(rng, m*k), randSlice(rng, k*n)
	// One extra element past dst's end must survive.
	dst := randSlice(rng, m*n+1)
	prior := append([]float32(nil), dst...)
	f(dst[:m*n], a, b, m, k, n, acc)
	for r := 0; r < m; r++ {
		for c := 0; c < n; c++ {
			var want, mag float64
			if acc {
				want = float64(prior[r*n+c])
				mag = math.Abs(want)
			}
			for j := 0; j < k; j++ {
				p := float64(a[o.aAt(r, j, c, m, k, n)]) * float64(b[o.bAt(r, j, c, m, k, n)])
				want += p
				mag += math.Abs(p)
			}
			got := float64(dst[r*n+c])
			if tol := float64(k+2) * 0x1p-23 * mag; math.Abs(got-want) > tol || math.IsNaN(got) {
				t.Fatalf("Mul%s m=%d k=%d n=%d acc=%v: dst[%d][%d] = %g, want %g (tol %g)",
					o.name, m, k, n, acc, r, c, got, want, tol)
			}
		}
	}
	if dst[m*n] != prior[m*n] {
		t.Fatalf("Mul%s m=%d k=%d n=%d: wrote past dst", o.name, m, k, n)
	}
}

var sizes = []int{1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 64, 65, 256}

// TestMul compares every kernel set this machine has, through the exported
// functions, with the float64 reference.
func TestMul(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, set := range kernelSets() {
		t.Run(set, func(t *testing.T) {
			defer useKernels(set)()
			for _, o := range ops {
				for _, m := range sizes {
					for _, k := range sizes {
						for _, n := range sizes {
							if m*k*n > 1<<16 {
								continue // the reference is slow; 256³ adds nothing
							}
							checkMul(t, o, o.fast, rng, m, k, n, false)
							checkMul(t, o, o.fast, rng, m, k, n, true)
						}
					}
				}
			}
		})
	}
}

// TestMulLarge covers the blocking of MulNT's transposed b (n·k above the
// scratch size) and shapes with every size large.
func TestMulLarge(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, set := range kernelSets() {
		t.Run(set, func(t *testing.T) {
			defer useKernels(set)()
			for _, s := range [][3]int{{5, 300, 70}, {4, 129, 200}, {256, 256, 256}, {3, 1000, 17}, {256, 16, 1}, {1, 256, 256}, {13, 40, 47}} {
				for _, o := range ops {
					checkMul(t, o, o.fast, rng, s[0], s[1], s[2], false)
					checkMul(t, o, o.fast, rng, s[0], s[1], s[2], true)
				}
			}
		})
	}
}

func TestMulEmpty(t *testing.T) {
	for _, o := range ops {
		dst := []float32{1, 2, 3, 4, 5, 6}
		o.fast(dst, nil, nil, 2, 0, 3, true)
		if dst[0] != 1 || dst[5] != 6 {
			t.Errorf("Mul%s k=0 acc: changed dst to %v", o.name, dst)
		}
		o.fast(dst, nil, nil, 2, 0, 3, false)
		for _, x := range dst {
			if x != 0 {
				t.Errorf("Mul%s k=0: dst = %v, want zeros", o.name, dst)
				break
			}
		}
		o.fast(nil, nil, nil, 0, 5, 0, false) // must not panic
	}
}

func TestMulShortSlicePanics(t *testing.T) {
	for _, o := range ops {
		for i, short := range []int{0, 1, 2} {
			t.Run(fmt.Sprintf("%s/%d", o.name, i), func(t *testing.T) {
				defer func() {
					if recover() == nil {
						t.Errorf("Mul%s with operand %d one element short did not panic", o.name, short)
					}
				}()
				m, k, n := 4, 5, 17
				s := [][]float32{make([]float32, m*n), make([]float32, m*k), make([]float32, k*n)}
				s[short] = s[short][: len(s[short])-1 : len(s[short])-1]
				o.fast(s[0], s[1], s[2], m, k, n, false)
			})
		}
	}
}

func TestMulAllocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	m, k, n := 64, 33, 17
	a, b, dst := randSlice(rng, m*k), randSlice(rng, k*n), make([]float32, m*n)
	for _, set := range kernelSets() {
		restore := useKernels(set)
		for _, o := range ops {
			if got := testing.AllocsPerRun(10, func() { o.fast(dst, a, b, m, k, n, true) }); got != 0 {
				t.Errorf("%s: Mul%s allocates %v times per call", set, o.name, got)
			}
		}
		restore()
	}
	w, g, mo, v := randSlice(rng, 100), randSlice(rng, 100), randSlice(rng, 100), make([]float32, 100)
	if got := testing.AllocsPerRun(10, func() { AdamFMA(w, mo, v, g, 0.9, 0.1, 0.999, 0.001, 1e-3, 1e-7) }); got != 0 {
		t.Errorf("AdamFMA allocates %v times per call", got)
	}
}

func FuzzMul(f *testing.F) {
	f.Add(uint8(4), uint8(16), uint8(16), false, uint64(1))
	f.Add(uint8(3), uint8(1), uint8(9), true, uint64(2))
	f.Add(uint8(17), uint8(33), uint8(1), true, uint64(3))
	f.Fuzz(func(t *testing.T, m, k, n uint8, acc bool, seed uint64) {
		rng := rand.New(rand.NewPCG(seed, 7))
		mi, ki, ni := int(m%70)+1, int(k%70), int(n%70)+1
		for _, set := range kernelSets() {
			restore := useKernels(set)
			for _, o := range ops {
				checkMul(t, o, o.fast, rng, mi, ki, ni, acc)
			}
			restore()
		}
	})
}
