//go:build amd64 && !purego

package f32

import "math"

// sigmoidAVX2 is sigmoidGeneric on n ≥ 1 elements, 8 at a time with AVX2
// (no FMA), the last n%8 by a masked load and store (mask &maskTab[8-n%8]);
// tab is sigmoidTab.
//
//go:noescape
func sigmoidAVX2(dst, x *float32, n int, mask *int32, tab *[13][8]uint32)

// sigmoidTab holds the constants of sigmoidGeneric, each in eight lanes,
// in the order sigmoid_amd64.s reads them: -log₂e, -126, 126, 126.5, the
// integer 126, the polynomial from its highest coefficient, 1 and the
// integer 1.
var sigmoidTab = func() (t [13][8]uint32) {
	f := func(v float32) uint32 { return math.Float32bits(v) }
	for k, v := range []uint32{f(-sigLog2e), f(-sigCut), f(sigCut), f(sigCut + 0.5), sigCut,
		f(sigC6), f(sigC5), f(sigC4), f(sigC3), f(sigC2), f(sigC1), f(1), 1} {
		for l := range t[k] {
			t[k][l] = v
		}
	}
	return t
}()

func sigmoid(dst, x []float32) {
	n := len(x)
	if !useAsm || n == 0 {
		sigmoidGeneric(dst, x)
		return
	}
	sigmoidAVX2(&dst[0], &x[0], n, &maskTab[8-n%8], &sigmoidTab)
}

// sigmoidGradAVX2 is sigmoidGradGeneric on n ≥ 1 elements, 8 at a time
// with AVX2 (no FMA), the last n%8 masked by mask (&maskTab[8-n%8]).
//
//go:noescape
func sigmoidGradAVX2(dx, dy, y *float32, n int, mask *int32)

func sigmoidGrad(dx, dy, y []float32) {
	n := len(dy)
	if !useAsm || n == 0 {
		sigmoidGradGeneric(dx, dy, y)
		return
	}
	sigmoidGradAVX2(&dx[0], &dy[0], &y[0], n, &maskTab[8-n%8])
}

// sigmoidRowsAVX2 is sigmoidRowsAtGeneric on cols ≥ 1 columns of n rows
// of tab, stride bytes apart, with AVX2 (no FMA): 32 columns at a time in
// four sums, then 8, then the last cols%8 masked by mask (&maskTab[8-cols%8]);
// sig is sigmoidTab.
//
//go:noescape
func sigmoidRowsAVX2(dst, bias, tab *float32, stride int, rows *int32, a *float32, n, cols int, mask *int32, sig *[13][8]uint32)

func sigmoidRowsAt(dst, bias, a, tab []float32, d int, rows []int32) {
	if !useAsm {
		sigmoidRowsAtGeneric(dst, bias, a, tab, d, rows)
		return
	}
	var r0 *int32
	var a0 *float32
	if len(rows) > 0 {
		r0, a0 = &rows[0], &a[0]
	}
	t0 := &bias[0] // not read when there are no rows
	if len(tab) > 0 {
		t0 = &tab[0]
	}
	sigmoidRowsAVX2(&dst[0], &bias[0], t0, 4*d, r0, a0, len(rows), d, &maskTab[8-d%8], &sigmoidTab)
}
