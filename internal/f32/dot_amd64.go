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

func dot(p, q []float32) float32 {
	if !useAsm {
		return dotGeneric(p, q)
	}
	return dotSSE(&p[0], &q[0], len(p))
}

func subScaled(w, g []float32, s float32) {
	if !use512 {
		subScaledGeneric(w, g, s)
		return
	}
	subScaled512(&w[0], &g[0], len(w), s)
}
