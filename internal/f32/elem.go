package f32

import (
	"strconv"
	"unsafe"
)

// ReLU sets dst[j] to x[j] where x[j] > 0 and to +0 where x[j] <= 0: it
// clears exactly the elements with x[j] <= 0, -0 included, and passes NaN
// through unchanged (sign and payload kept), as PyTorch and TensorFlow do,
// so that a diverging net shows NaN instead of hiding it. dst and x must
// have the same length; dst may be x.
func ReLU(dst, x []float32) {
	sameLen2("ReLU", len(dst), len(x))
	relu(dst, x)
}

// ReLUGrad sets dx[j] to dy[j] where x[j] > 0 and to +0 where x[j] <= 0,
// the gradient through ReLU: it keeps dy[j] exactly where ReLU passes x[j]
// through, so for NaN x[j] too, and clears it for -0. The three slices must
// have the same length; dx may be dy or x.
func ReLUGrad(dx, dy, x []float32) {
	sameLen3("ReLUGrad", len(dx), len(dy), len(x))
	reluGrad(dx, dy, x)
}

// Mul sets dst[j] to a[j]·b[j], rounded as float32 multiplication is (no
// fused or wider arithmetic, so every kernel set gives the same bits; only
// where both a[j] and b[j] are NaN is it unspecified which of the two the
// result carries). The three slices must have the same length; dst may be
// a or b.
func Mul(dst, a, b []float32) {
	sameLen3("Mul", len(dst), len(a), len(b))
	mul(dst, a, b)
}

// The element-wise kernels allow dst to be one of the operands (the same
// slice) but no other overlap: the assembly loads a block before storing
// it.

// sameLen2 panics unless the two lengths are equal.
func sameLen2(op string, n0, n1 int) {
	if n0 != n1 {
		panic("f32: " + op + ": lengths differ (" + strconv.Itoa(n0) + " and " + strconv.Itoa(n1) + ")")
	}
}

// sameLen3 panics unless the three lengths are equal.
func sameLen3(op string, n0, n1, n2 int) {
	if n0 != n1 || n0 != n2 {
		panic("f32: " + op + ": lengths differ (" + strconv.Itoa(n0) + ", " + strconv.Itoa(n1) + " and " + strconv.Itoa(n2) + ")")
	}
}

// keepBits returns all ones unless the float32 with bits b is <= 0 (so
// for b > 0 and for any NaN), and zero otherwise, without a branch: the
// vector kernels' compare (not less-or-equal, unordered) in integers.
func keepBits(b uint32) uint32 {
	// int32(b) > 0: the sign bit is clear and b is not +0 (> 0 or +NaN).
	pos := (0 - int64(int32(b))) >> 63
	// |b| above the bits of +Inf: a NaN of either sign.
	nan := (0x7f800000 - int64(b&0x7fffffff)) >> 63
	return uint32(pos | nan)
}

// bits views s as the bits of its elements, so that the generic ReLU
// kernels never move a value between float and integer registers (that
// doubled their time).
func bits(s []float32) []uint32 {
	return unsafe.Slice((*uint32)(unsafe.Pointer(unsafe.SliceData(s))), len(s))
}

func reluGeneric(dst, x []float32) {
	d, xb := bits(dst), bits(x)
	d = d[:len(xb)]
	for j, b := range xb {
		d[j] = b & keepBits(b)
	}
}

func reluGradGeneric(dx, dy, x []float32) {
	d, g, xb := bits(dx), bits(dy), bits(x)
	d, xb = d[:len(g)], xb[:len(g)]
	for j, b := range g {
		d[j] = b & keepBits(xb[j])
	}
}

func mulGeneric(dst, a, b []float32) {
	dst, b = dst[:len(a)], b[:len(a)]
	for j, v := range a {
		dst[j] = v * b[j]
	}
}
