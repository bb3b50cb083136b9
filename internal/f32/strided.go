package f32

// Gemm sets the m×n block of dst whose rows are ldd apart to A·B, or adds
// A·B to it when acc is true, where A is m×k with A(r, j) = a[r*ars+j*acs]
// (a row-major A has ars = its row stride and acs = 1; a transposed one
// ars = 1) and B is k×n with B(j, c) = b[j*ldb+c]. It is the strided form
// of MulNN, for blocks of larger matrices, with the same kernels and the
// same order of sums (see the package comment): the assembly's element
// is one FMA chain from zero in increasing j, then the old dst added, so
// an element does not depend on m, n or where the block starts. The Go
// loops sum in the same order with separate multiplies and adds. It
// panics on a negative size or a slice shorter than its block.
func Gemm(dst []float32, ldd int, a []float32, ars, acs int, b []float32, ldb int, m, k, n int, acc bool) {
	if m < 0 || k < 0 || n < 0 || ldd < 0 || ars < 0 || acs < 0 || ldb < 0 {
		panic("f32: Gemm: negative size or stride")
	}
	if m == 0 || n == 0 {
		return
	}
	if len(dst) < (m-1)*ldd+n {
		panic("f32: Gemm: dst shorter than its block")
	}
	if k == 0 {
		if !acc {
			for r := range m {
				clear(dst[r*ldd : r*ldd+n])
			}
		}
		return
	}
	if len(a) < (m-1)*ars+(k-1)*acs+1 || len(b) < (k-1)*ldb+n {
		panic("f32: Gemm: operand shorter than its matrix")
	}
	gemmStrided(dst, ldd, a, ars, acs, b, ldb, m, k, n, acc)
}

// gemmGeneric is Gemm in Go: one sum from zero per element, in
// increasing j, then the old dst added.
func gemmGeneric(dst []float32, ldd int, a []float32, ars, acs int, b []float32, ldb int, m, k, n int, acc bool) {
	row := make([]float32, n)
	for r := range m {
		clear(row)
		for j := range k {
			x := a[r*ars+j*acs]
			for c, y := range b[j*ldb : j*ldb+n] {
				row[c] += x * y
			}
		}
		d := dst[r*ldd : r*ldd+n]
		if acc {
			for c, v := range row {
				d[c] += v
			}
		} else {
			copy(d, row)
		}
	}
}
