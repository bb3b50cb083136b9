//go:build amd64 && !purego

package f32

// The element-wise kernels (elem_amd64.s) take any n ≥ 1: the AVX2 ones
// end with a VMASKMOVPS block (mask &maskTab[8-n%8], unused when n%8 is 0)
// and the AVX-512 ones with a k-masked block. ReLU and ReLUGrad compare
// with "not less-or-equal, unordered" (true for x > 0 and NaN) and keep
// the bits where it holds, which keepBits does in Go; Mul is VMULPS with a
// as the first source, the Go loop's MULSS.

// reluAVX2 is reluGeneric on n elements.
//
//go:noescape
func reluAVX2(dst, x *float32, n int, mask *int32)

// reluGradAVX2 is reluGradGeneric on n elements.
//
//go:noescape
func reluGradAVX2(dx, dy, x *float32, n int, mask *int32)

// mulAVX2 is mulGeneric on n elements.
//
//go:noescape
func mulAVX2(dst, a, b *float32, n int, mask *int32)

// relu512 is reluGeneric on n elements, with AVX-512F.
//
//go:noescape
func relu512(dst, x *float32, n int)

// reluGrad512 is reluGradGeneric on n elements, with AVX-512F.
//
//go:noescape
func reluGrad512(dx, dy, x *float32, n int)

// mul512 is mulGeneric on n elements, with AVX-512F.
//
//go:noescape
func mul512(dst, a, b *float32, n int)

func relu(dst, x []float32) {
	n := len(x)
	switch {
	case !useAsm || n == 0:
		reluGeneric(dst, x)
	case use512:
		relu512(&dst[0], &x[0], n)
	default:
		reluAVX2(&dst[0], &x[0], n, &maskTab[8-n%8])
	}
}

func reluGrad(dx, dy, x []float32) {
	n := len(dy)
	switch {
	case !useAsm || n == 0:
		reluGradGeneric(dx, dy, x)
	case use512:
		reluGrad512(&dx[0], &dy[0], &x[0], n)
	default:
		reluGradAVX2(&dx[0], &dy[0], &x[0], n, &maskTab[8-n%8])
	}
}

func mul(dst, a, b []float32) {
	n := len(a)
	switch {
	case !useAsm || n == 0:
		mulGeneric(dst, a, b)
	case use512:
		mul512(&dst[0], &a[0], &b[0], n)
	default:
		mulAVX2(&dst[0], &a[0], &b[0], n, &maskTab[8-n%8])
	}
}
