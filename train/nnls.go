package train

import "math"

// NNLS solves the non-negative least squares problem
//
//	min_w |A w - y|²  subject to  w ≥ 0
//
// for w of length k, given the Gram matrix g = AᵀA (k x k, row-major) and
// r = Aᵀy, by the active-set method of Lawson and Hanson (1974, chapter
// 23): starting from w = 0 with every variable held at zero, it frees the
// one whose gradient r - g w is largest while some is positive, solves the
// least squares problem of the free variables, and steps back to the
// boundary, holding again a variable that reached zero, while a free one
// would turn negative. It ends in at most a few times k solves of at
// most k x k systems, with the exact minimum (to rounding) when g is
// positive definite; a variable whose column is a combination of the free
// ones (a singular system) is held at zero. It writes w into dst (of
// length k, or allocated when nil) and returns it.
func NNLS(dst, g, r []float64, k int) []float64 {
	if dst == nil {
		dst = make([]float64, k)
	}
	w := dst[:k]
	clear(w)
	tol := 1e-12 * nnlsScale(g, r, k)
	free := make([]bool, k)
	held := make([]bool, k) // singular with the free variables: never freed again
	z := make([]float64, k)
	for iter := 0; iter < 3*k+3; iter++ {
		t, best := -1, tol
		for j := range k {
			if free[j] || held[j] {
				continue
			}
			grad := r[j]
			for c := range k {
				grad -= g[j*k+c] * w[c]
			}
			if grad > best {
				t, best = j, grad
			}
		}
		if t < 0 {
			return w
		}
		free[t] = true
		for {
			if !solveFree(z, g, r, free, k) {
				free[t], held[t] = false, true
				break
			}
			alpha, step := 1.0, false
			for j := range k {
				if free[j] && z[j] <= 0 {
					step = true
					alpha = min(alpha, w[j]/(w[j]-z[j]))
				}
			}
			if !step {
				copy(w, z)
				break
			}
			for j := range k {
				if free[j] {
					w[j] += alpha * (z[j] - w[j])
					if w[j] <= tol {
						w[j], free[j] = 0, false
					}
				}
			}
		}
	}
	return w
}

// nnlsScale returns the size of the problem's numbers, which scales the
// tolerance of NNLS.
func nnlsScale(g, r []float64, k int) float64 {
	s := 1e-300
	for j := range k {
		s = max(s, math.Abs(g[j*k+j]), math.Abs(r[j]))
	}
	return s
}

// solveFree solves the least squares problem of the free variables,
// g_FF z_F = r_F, by Gaussian elimination with partial pivoting, and sets
// the other entries of z to 0. It returns false when the system is
// singular (to rounding).
func solveFree(z, g, r []float64, free []bool, k int) bool {
	var idx []int
	for j := range k {
		z[j] = 0
		if free[j] {
			idx = append(idx, j)
		}
	}
	n := len(idx)
	a := make([]float64, n*(n+1)) // the system, with r_F as its last column
	for p, j := range idx {
		for q, c := range idx {
			a[p*(n+1)+q] = g[j*k+c]
		}
		a[p*(n+1)+n] = r[j]
	}
	for col := range n {
		piv := col
		for row := col + 1; row < n; row++ {
			if math.Abs(a[row*(n+1)+col]) > math.Abs(a[piv*(n+1)+col]) {
				piv = row
			}
		}
		if !(math.Abs(a[piv*(n+1)+col]) > 1e-12*math.Abs(g[idx[col]*k+idx[col]])) {
			return false
		}
		for c := range n + 1 {
			a[col*(n+1)+c], a[piv*(n+1)+c] = a[piv*(n+1)+c], a[col*(n+1)+c]
		}
		for row := col + 1; row < n; row++ {
			f := a[row*(n+1)+col] / a[col*(n+1)+col]
			for c := col; c <= n; c++ {
				a[row*(n+1)+c] -= f * a[col*(n+1)+c]
			}
		}
	}
	for p := n - 1; p >= 0; p-- {
		s := a[p*(n+1)+n]
		for q := p + 1; q < n; q++ {
			s -= a[p*(n+1)+q] * z[idx[q]]
		}
		z[idx[p]] = s / a[p*(n+1)+p]
	}
	return true
}
