//go:build amd64 && !purego

package f32

// dotSSE is dotGeneric on n ≥ 1 elements, in SSE (every amd64 processor).
//
//go:noescape
func dotSSE(p, q *float32, n int) float32

// subScaled512 is subScaledGeneric on n ≥ 1 elements, with AVX-512F.
//
//go:noescape
func subScaled512(w, gr *float32, n int, s float32)

// subScaledAVX2 is subScaledGeneric on n ≥ 1 elements, with AVX2 (no
// FMA), the last n%8 masked by mask, &maskTab[8-n%8].
//
//go:noescape
func subScaledAVX2(w, gr *float32, n int, s float32, mask *int32)

func dot(p, q []float32) float32 {
	if !useAsm {
		return dotGeneric(p, q)
	}
	return dotSSE(&p[0], &q[0], len(p))
}

func subScaled(w, g []float32, s float32) {
	n := len(w)
	switch {
	case !useAsm:
		subScaledGeneric(w, g, s)
	case use512:
		subScaled512(&w[0], &g[0], n, s)
	default:
		subScaledAVX2(&w[0], &g[0], n, s, &maskTab[8-n%8])
	}
}
