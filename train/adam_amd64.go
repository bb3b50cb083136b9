//go:build amd64 && !purego

package train

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// use512 chooses the AVX-512 row kernels (row_amd64.s) over SSE and Go;
// tests turn it off to cover both.
var use512 = cpu.X86.HasAVX512F

// adamSSE is f32.Adam over the first n elements, n a multiple of 4, in
// SSE (part of every amd64 processor).
//
//go:noescape
func adamSSE(w, m, v, grad *float32, n int, b1, c1, b2, c2, lr, eps float32)

// adamAVX2 is adamSSE eight at a time (n a multiple of 8), with AVX2.
//
//go:noescape
func adamAVX2(w, m, v, grad *float32, n int, b1, c1, b2, c2, lr, eps float32)

// adamL2AVX2 is adamAVX2 on the gradient grad + share·w, which it clears
// (n a multiple of 8).
//
//go:noescape
func adamL2AVX2(w, m, v, grad *float32, n int, share, b1, c1, b2, c2, lr, eps float32)

// adamL2Vec does optim.adamL2 on the longest prefix of w a multiple of
// eight long in AVX2, where useAVX2 is set, and returns its length.
func adamL2Vec(o *optim, w, m, v, g []float32, share float32) int {
	n := len(w) &^ 7
	if n == 0 || !useAVX2 {
		return 0
	}
	m, v, g = m[:n], v[:n], g[:n]
	adamL2AVX2(&w[0], &m[0], &v[0], &g[0], n, share, o.b1, o.oneMinusB1, o.b2, o.ob2, o.lrT, o.eps)
	return n
}

// useSSE chooses adamSSE over f32.Adam alone, and useAVX2 adamAVX2 before
// it where the CPU has AVX2; tests turn them off to compare the assembly
// with the Go step.
var useSSE, useAVX2 = true, cpu.X86.HasAVX2

// prefetchLines issues PREFETCHT0 for lines (≥ 1) cache lines from base
// of each of rows[0:n] (n ≥ 1) of a table whose rows are stride bytes
// apart.
//
//go:noescape
func prefetchLines(base *float32, stride int, rows *int32, n, lines int)

// adamVec applies f32.Adam's step to the longest prefix of w a multiple
// of four long, the longest multiple of eight in AVX2 where useAVX2 is set
// and the rest in SSE, and returns its length (0 when useSSE is off).
func adamVec(w, m, v, g []float32, b1, c1, b2, c2, lr, eps float32) int {
	n := len(w) &^ 3
	if n == 0 || !useSSE {
		return 0
	}
	m, v, g = m[:n], v[:n], g[:n]
	j := 0
	if useAVX2 && n >= 8 {
		j = n &^ 7
		adamAVX2(&w[0], &m[0], &v[0], &g[0], j, b1, c1, b2, c2, lr, eps)
	}
	if j < n {
		adamSSE(&w[j], &m[j], &v[j], &g[j], n-j, b1, c1, b2, c2, lr, eps)
	}
	return n
}

// prefetchRows asks for lines cache lines from float off of each of the
// given rows of data, whose rows are stride floats apart, without waiting
// for them.
func prefetchRows(data []float32, stride int, rows []int32, off, lines int) {
	if len(rows) == 0 || lines < 1 {
		return
	}
	prefetchLines(&data[off], stride*int(unsafe.Sizeof(float32(0))), &rows[0], len(rows), lines)
}

// adamRows and adagradRows are a batch's steps of optim.update over the
// rows of a dotTable, in AVX-512 (see row_amd64.s), with the bits of
// f32.Adam and optim.adagrad (TestUpdateRowsBits, TestBatchVecBits).
//
//go:noescape
func adamRows(base *float32, stride int, rows *int32, n int, grads *float32, gstride, d, span, bo int, b1, c1, b2, c2, lr, eps float32)

//go:noescape
func adagradRows(base *float32, stride int, rows *int32, n int, grads *float32, gstride, d, bo int, df, lr, eps float32)

// updateRowsVec does updateRows in one call to assembly where it can and
// reports whether it did.
func updateRowsVec(o *optim, t *dotTable, rows []int32, grads []float32, gn int) bool {
	if !use512 || !(o.adam || o.ada) || len(rows) == 0 {
		return false
	}
	const f = int(unsafe.Sizeof(float32(0)))
	_ = grads[len(rows)*gn-1]
	base, g := &t.data[0], &grads[0]
	if o.adam {
		adamRows(base, t.stride*f, &rows[0], len(rows), g, gn*f, t.dim, t.span*f, t.bo*f,
			o.b1, o.oneMinusB1, o.b2, o.ob2, o.lrT, o.eps)
	} else {
		adagradRows(base, t.stride*f, &rows[0], len(rows), g, gn*f, t.dim, t.bo*f, float32(t.dim), o.lr, o.eps)
	}
	return true
}

// forwardRows and gradRows are dotKernel.forward and grads in assembly
// (see row_amd64.s).
//
//go:noescape
func forwardRows(ubase *float32, ustride int, ibase *float32, istride int, us, is *int32, n, d, bo int, out *float32, su, si, ut, it *int32, ugrad, igrad *float32, gstride int, nus, nis *int32, nn, plines int) (nu, ni int)

//go:noescape
func gradRows(ubase *float32, ustride int, ibase *float32, istride int, us, is, su, si *int32, gs, ugrad, igrad *float32, gstride, n, d, bo int, l2, bl2 float32)

//go:noescape
func predictRows(ubase *float32, ustride int, ibase *float32, istride int, us, is *int32, n, d, bo int, out *float32, nus, nis *int32, nn, plines, bline int)

// predictVec sets xs[r] to the output before activation of (us[r],
// is[r]) in one call to assembly, asking meanwhile for the lines a read of
// the next rows nus, nis touches, where it can; it reports whether it did.
func predictVec(k *dotKernel, xs []float32, us, is, nus, nis []int32) bool {
	n := len(xs)
	if !use512 || n == 0 {
		return false
	}
	const f = int(unsafe.Sizeof(float32(0)))
	us, is = us[:n], is[:n]
	nn := min(len(nus), len(nis))
	if nn == 0 {
		nus, nis = us, is
	}
	plines, bline := k.users.readLines()
	predictRows(&k.users.data[0], k.users.stride*f, &k.items.data[0], k.items.stride*f, &us[0], &is[0], n, k.dim, k.users.bo*f,
		&xs[0], &nus[0], &nis[0], nn, plines, bline*f)
	return true
}

// prefetchLater lets forwardVec prefetch the next batch's rows us and is
// while it works on this batch, where it runs, and reports whether it will.
func prefetchLater(k *dotKernel, us, is []int32) bool {
	if !use512 {
		return false
	}
	k.nu, k.ni = us, is
	return true
}

// forwardVec does k.forward in one call to assembly where it can and
// reports whether it did.
func forwardVec(k *dotKernel, xs []float32, us, is []int32) bool {
	n := len(xs)
	if !use512 || n == 0 {
		return false
	}
	const f = int(unsafe.Sizeof(float32(0)))
	us, is, su, si := us[:n], is[:n], k.su[:n], k.si[:n]
	ut, it := k.utouched[:min(n, cap(k.utouched))], k.itouched[:min(n, cap(k.itouched))]
	_, _ = k.ugrad[len(ut)*k.gn-1], k.igrad[len(it)*k.gn-1]
	nn := min(len(k.nu), len(k.ni))
	nus, nis := &us[0], &is[0]
	if nn > 0 {
		nus, nis = &k.nu[0], &k.ni[0]
	}
	nu, ni := forwardRows(&k.users.data[0], k.users.stride*f, &k.items.data[0], k.items.stride*f, &us[0], &is[0], n, k.dim, k.users.bo*f,
		&xs[0], &su[0], &si[0], &ut[0], &it[0], &k.ugrad[0], &k.igrad[0], k.gn*f, nus, nis, nn, k.users.updateLines(k.opt))
	k.nu, k.ni = nil, nil
	k.utouched, k.itouched = ut[:nu], it[:ni]
	return true
}

// gradRowsVec does k.grads in one call to assembly where it can and
// reports whether it did.
func gradRowsVec(k *dotKernel, us, is []int32) bool {
	n := len(us)
	if !use512 || n == 0 {
		return false
	}
	const f = int(unsafe.Sizeof(float32(0)))
	is, su, si, gs := is[:n], k.su[:n], k.si[:n], k.gs[:n]
	gradRows(&k.users.data[0], k.users.stride*f, &k.items.data[0], k.items.stride*f, &us[0], &is[0], &su[0], &si[0], &gs[0],
		&k.ugrad[0], &k.igrad[0], k.gn*f, n, k.dim, k.users.bo*f, k.l2, k.bl2)
	return true
}

// adamRowL2AVX2 is optim.adamL2 on the gradient Σ_c coef[c]·rc, c < cnt
// (1 to 4), the rows summed as f32.AddRowsAt sums into a cleared row, for
// n ≥ 1 elements, the last n%8 masked by mask (&maskTab[8-n%8]), with
// AVX2: the gradient is never stored.
//
//go:noescape
func adamRowL2AVX2(w, m, v *float32, n int, r0, r1, r2, r3 *float32, coef *[4]float32, cnt int, share, b1, c1, b2, c2, lr, eps float32, mask *int32)

// maskTab holds eight all-ones lanes then eight zero lanes: &maskTab[8-k]
// keeps the first k of eight lanes.
var maskTab = [16]int32{-1, -1, -1, -1, -1, -1, -1, -1}

// adamRowL2Vec does adamRowL2 in one call to assembly where useAVX2 is
// set and there are one to four source rows, and reports whether it did.
func adamRowL2Vec(o *optim, w, m, v, src []float32, slots []int32, coef []float32, share float32) bool {
	n, cnt := len(w), len(slots)
	if !useAVX2 || n == 0 || cnt == 0 || cnt > 4 {
		return false
	}
	var r [4]*float32
	var c [4]float32
	for k, s := range slots {
		r[k], c[k] = &src[int(s)*n], coef[k]
	}
	for k := cnt; k < 4; k++ {
		r[k] = r[0]
	}
	adamRowL2AVX2(&w[0], &m[0], &v[0], n, r[0], r[1], r[2], r[3], &c, cnt, share, o.b1, o.oneMinusB1, o.b2, o.ob2, o.lrT, o.eps, &maskTab[8-n%8])
	return true
}
