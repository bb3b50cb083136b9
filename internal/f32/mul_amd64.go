//go:build amd64 && !purego

package f32

import "golang.org/x/sys/cpu"

// The kernel sets: AVX2+FMA (mul_amd64.s) is the baseline, AVX-512F
// (mul512_amd64.s) replaces its matrix kernels where present.
var (
	hasAVX2   = cpu.X86.HasAVX2 && cpu.X86.HasFMA
	hasAVX512 = hasAVX2 && cpu.X86.HasAVX512F

	// useAsm and use512 choose the kernels; tests switch them to cover
	// every set the machine has.
	useAsm = hasAVX2
	use512 = hasAVX512
)

// maskTab holds eight all-ones lanes then eight zero lanes: &maskTab[8-w]
// is the VMASKMOVPS mask that keeps the first w of eight lanes.
var maskTab = [16]int32{-1, -1, -1, -1, -1, -1, -1, -1}

// scratchLen is the size in floats of the largest stack buffer MulNT
// transposes blocks of b into (16 KiB).
const scratchLen = 4096

// gemm16 sets (or adds to, when acc) the 16 columns of dst at dst[0:16] of
// m rows with stride ldd to Σ_j A(r,j)·b[j*ldb : j*ldb+16], j < k, where
// A(r,j) is a[r*ars + j*acs], in blocks of 6, 4 and 1 rows. It needs
// m, k ≥ 1.
//
// Every block shape of every gemm kernel computes an element the same way:
// one accumulator from zero, one FMA per j in increasing j, then one add of
// the old dst (acc). So a row's result depends only on that row and b,
// never on m, on the block the row falls in or on the column panel, and
// the AVX2 and AVX-512 kernels agree to the bit. (Adding dst last rather
// than starting from it keeps its load off the FMA chain: starting from it
// cost AVX-512 up to 10% on acc products.)
//
//go:noescape
func gemm16(dst *float32, ldd int, a *float32, ars, acs int, b *float32, ldb int, m, k int, acc bool)

// gemm8 is gemm16 for the first w ≤ 8 columns, where mask is &maskTab[8-w].
//
//go:noescape
func gemm8(dst *float32, ldd int, a *float32, ars, acs int, b *float32, ldb int, m, k int, mask *int32, acc bool)

// gemm32z is gemm16 for 32 columns with AVX-512, in blocks of 8, 4 and 1
// rows.
//
//go:noescape
func gemm32z(dst *float32, ldd int, a *float32, ars, acs int, b *float32, ldb int, m, k int, acc bool)

// gemm16z is gemm16 for the columns set in mask (the low w ≤ 16 bits) with
// AVX-512.
//
//go:noescape
func gemm16z(dst *float32, ldd int, a *float32, ars, acs int, b *float32, ldb int, m, k int, mask uint16, acc bool)

// dotRows sets (or adds to) dst[r] the dot product of row r of a (m×k) with
// b (k), for r < m; mask is &maskTab[8-k%8]. It needs m, k ≥ 1. Every row
// is summed the same way (lane j%8 takes the FMAs of its j in increasing
// j, then a fixed tree over the lanes, then the old dst is added), so
// here too a row's result does not depend on m or on its position.
//
//go:noescape
func dotRows(dst, a, b *float32, m, k int, mask *int32, acc bool)

// transpose8 sets dst[j*ldd+r] = src[r*ld+j] for r < rows and j < cols,
// both multiples of 8.
//
//go:noescape
func transpose8(dst, src *float32, ld, ldd, rows, cols int)

// adamAVX is Adam over the first n elements, n a multiple of 8, with
// the moments' multiply-adds fused (see AdamFMA).
//
//go:noescape
func adamAVX(w, m, v, grad *float32, n int, b1, c1, b2, c2, lr, eps float32)

// gemm runs the kernels over the column panels of an m×n dst with row
// stride ldd (see gemm16 for A and b).
func gemm(dst []float32, ldd int, a *float32, ars, acs int, b []float32, ldb, m, k, n int, acc bool) {
	c := 0
	if use512 {
		for ; c+32 <= n; c += 32 {
			gemm32z(&dst[c], ldd, a, ars, acs, &b[c], ldb, m, k, acc)
		}
		for ; c < n; c += 16 {
			w := min(16, n-c)
			gemm16z(&dst[c], ldd, a, ars, acs, &b[c], ldb, m, k, uint16(1<<w-1), acc)
		}
		return
	}
	for ; c+16 <= n; c += 16 {
		gemm16(&dst[c], ldd, a, ars, acs, &b[c], ldb, m, k, acc)
	}
	for ; c < n; c += 8 {
		w := min(8, n-c)
		gemm8(&dst[c], ldd, a, ars, acs, &b[c], ldb, m, k, &maskTab[8-w], acc)
	}
}

// trivial handles the products with nothing to multiply and reports
// whether it did.
func trivial(dst []float32, m, k, n int, acc bool) bool {
	if m == 0 || n == 0 {
		return true
	}
	if k == 0 {
		if !acc {
			clear(dst[:m*n])
		}
		return true
	}
	return false
}

func mulNN(dst, a, b []float32, m, k, n int, acc bool) {
	if !useAsm {
		mulNNGeneric(dst, a, b, m, k, n, acc)
		return
	}
	if trivial(dst, m, k, n, acc) {
		return
	}
	if n == 1 {
		dotRows(&dst[0], &a[0], &b[0], m, k, &maskTab[8-k%8], acc)
		return
	}
	gemm(dst, n, &a[0], k, 1, b, n, m, k, n, acc)
}

func mulTN(dst, a, b []float32, m, k, n int, acc bool) {
	if !useAsm {
		mulTNGeneric(dst, a, b, m, k, n, acc)
		return
	}
	if trivial(dst, m, k, n, acc) {
		return
	}
	if n == 1 {
		// dst (m×1) = aᵀ·b is the row vector bᵀ·a (1×m).
		gemm(dst, m, &b[0], k, 1, a, m, 1, k, m, acc)
		return
	}
	gemm(dst, n, &a[0], 1, m, b, n, m, k, n, acc)
}

func mulNT(dst, a, b []float32, m, k, n int, acc bool) {
	if !useAsm {
		mulNTGeneric(dst, a, b, m, k, n, acc)
		return
	}
	if trivial(dst, m, k, n, acc) {
		return
	}
	if n == 1 {
		dotRows(&dst[0], &a[0], &b[0], m, k, &maskTab[8-k%8], acc)
		return
	}
	// The scratch that b is transposed into lives on the stack; its
	// zeroing costs about 20 ns a KiB, so small weights get a small one.
	switch {
	case k*n <= 1024:
		var buf [1024]float32
		mulNTVia(buf[:], dst, a, b, m, k, n, acc)
	case k*n <= 2048:
		var buf [2048]float32
		mulNTVia(buf[:], dst, a, b, m, k, n, acc)
	default:
		var buf [scratchLen]float32
		mulNTVia(buf[:], dst, a, b, m, k, n, acc)
	}
}

// mulNTVia transposes blocks of b (nc of its rows, kc of its columns) into
// buf as kc×nc and multiplies them as MulNN does, adding the later k
// blocks.
func mulNTVia(buf, dst, a, b []float32, m, k, n int, acc bool) {
	nc := min(n, 64)
	kc := min(k, len(buf)/nc)
	for c0 := 0; c0 < n; c0 += nc {
		nb := min(nc, n-c0)
		for j0 := 0; j0 < k; j0 += kc {
			kb := min(kc, k-j0)
			bt := buf[:kb*nb]
			transpose(bt, b[c0*k+j0:], k, nb, kb)
			gemm(dst[c0:], n, &a[j0], k, 1, bt, nb, m, kb, nb, acc || j0 > 0)
		}
	}
}

// transpose sets dst (cols×rows) to the transpose of the rows×cols block of
// src whose rows are ld apart: 8×8 blocks in assembly, the edges here.
func transpose(dst, src []float32, ld, rows, cols int) {
	src = src[:(rows-1)*ld+cols]
	dst = dst[:rows*cols]
	r8, c8 := rows&^7, cols&^7
	if r8 > 0 && c8 > 0 {
		transpose8(&dst[0], &src[0], ld, rows, r8, c8)
	}
	for r := 0; r < rows; r++ {
		j0 := c8
		if r >= r8 {
			j0 = 0
		}
		for j := j0; j < cols; j++ {
			dst[j*rows+r] = src[r*ld+j]
		}
	}
}

// adamFMA runs adamAVX on the longest prefix of w a multiple of 8 long
// when the AVX2 kernels are in use, and returns its length.
func adamFMA(w, m, v, g []float32, b1, c1, b2, c2, lr, eps float32) int {
	n := len(w) &^ 7
	if !useAsm || n == 0 {
		return 0
	}
	adamAVX(&w[0], &m[0], &v[0], &g[0], n, b1, c1, b2, c2, lr, eps)
	return n
}

// gemmStrided is Gemm on the assembly kernels when they are in use.
func gemmStrided(dst []float32, ldd int, a []float32, ars, acs int, b []float32, ldb int, m, k, n int, acc bool) {
	if !useAsm {
		gemmGeneric(dst, ldd, a, ars, acs, b, ldb, m, k, n, acc)
		return
	}
	gemm(dst, ldd, &a[0], ars, acs, b, ldb, m, k, n, acc)
}
