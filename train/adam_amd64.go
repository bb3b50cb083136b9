package train

// adamSSE is the Adam loop of optim.apply over the first n elements, n a
// multiple of 4, in SSE (part of every amd64 processor).
//
//go:noescape
func adamSSE(w, grad, m, v *float32, n int, b1, c1, b2, c2, lr, eps float32)

// adamVec applies the Adam step to the longest prefix of w it handles four
// at a time and returns its length.
func adamVec(w, g, m, v []float32, b1, c1, b2, c2, lr, eps float32) int {
	n := len(w) &^ 3
	if n == 0 {
		return 0
	}
	g, m, v = g[:n], m[:n], v[:n]
	adamSSE(&w[0], &g[0], &m[0], &v[0], n, b1, c1, b2, c2, lr, eps)
	return n
}
