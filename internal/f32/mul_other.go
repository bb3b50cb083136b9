//go:build !amd64 || purego

package f32

// useAsm reports whether the assembly kernels are in use; never on this
// build.
const useAsm = false

func mulNN(dst, a, b []float32, m, k, n int, acc bool) { mulNNGeneric(dst, a, b, m, k, n, acc) }
func mulNT(dst, a, b []float32, m, k, n int, acc bool) { mulNTGeneric(dst, a, b, m, k, n, acc) }
func mulTN(dst, a, b []float32, m, k, n int, acc bool) { mulTNGeneric(dst, a, b, m, k, n, acc) }

// adamFMA leaves every element to Adam on this build.
func adamFMA(w, m, v, g []float32, b1, c1, b2, c2, lr, eps float32) int { return 0 }

func gemmStrided(dst []float32, ldd int, a []float32, ars, acs int, b []float32, ldb int, m, k, n int, acc bool) {
	gemmGeneric(dst, ldd, a, ars, acs, b, ldb, m, k, n, acc)
}
