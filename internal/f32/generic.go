package f32

// MulNN sets dst (m×n) to a·b, or adds a·b to dst when acc is true, where a
// is m×k and b is k×n, all row-major and densely packed.
func MulNN(dst, a, b []float32, m, k, n int, acc bool) {
	check("MulNN", dst, a, b, m, k, n)
	mulNN(dst, a, b, m, k, n, acc)
}

// MulNT sets dst (m×n) to a·bᵀ, or adds it when acc is true, where a is m×k
// and b is n×k.
func MulNT(dst, a, b []float32, m, k, n int, acc bool) {
	check("MulNT", dst, a, b, m, k, n)
	mulNT(dst, a, b, m, k, n, acc)
}

// MulTN sets dst (m×n) to aᵀ·b, or adds it when acc is true, where a is k×m
// and b is k×n.
func MulTN(dst, a, b []float32, m, k, n int, acc bool) {
	check("MulTN", dst, a, b, m, k, n)
	mulTN(dst, a, b, m, k, n, acc)
}

// check panics unless the sizes are non-negative and the slices are long
// enough, so that no kernel never reads or writes out of bounds.
func check(op string, dst, a, b []float32, m, k, n int) {
	if m < 0 || k < 0 || n < 0 {
		panic("f32: " + op + ": negative size")
	}
	if len(dst) < m*n || len(a) < m*k || len(b) < k*n {
		panic("f32: " + op + ": slice shorter than its matrix")
	}
}

func mulNNGeneric(dst, a, b []float32, m, k, n int, acc bool) {
	dst, a, b = dst[:m*n], a[:m*k], b[:k*n]
	for r := 0; r < m; r++ {
		c := dst[r*n : r*n+n]
		if !acc {
			clear(c)
		}
		for j, x := range a[r*k : r*k+k] {
			if x == 0 {
				continue
			}
			row := b[j*n : j*n+n]
			for t, y := range row {
				c[t] += x * y
			}
		}
	}
}

func mulNTGeneric(dst, a, b []float32, m, k, n int, acc bool) {
	dst, a, b = dst[:m*n], a[:m*k], b[:n*k]
	for r := 0; r < m; r++ {
		ar := a[r*k : r*k+k]
		c := dst[r*n : r*n+n]
		for t := range c {
			br := b[t*k : t*k+k]
			var s float32
			for j, x := range ar {
				s += x * br[j]
			}
			if acc {
				c[t] += s
			} else {
				c[t] = s
			}
		}
	}
}

func mulTNGeneric(dst, a, b []float32, m, k, n int, acc bool) {
	dst, a, b = dst[:m*n], a[:k*m], b[:k*n]
	if !acc {
		clear(dst)
	}
	for j := 0; j < k; j++ {
		ar := a[j*m : j*m+m]
		br := b[j*n : j*n+n]
		for r, x := range ar {
			if x == 0 {
				continue
			}
			c := dst[r*n : r*n+n]
			for t, y := range br {
				c[t] += x * y
			}
		}
	}
}
