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

// subScaledAVX2 is subScaledGeneric on n ≥ 1 elements, with AVX2 (no
// FMA), the last n%8 masked by mask, &maskTab[8-n%8].
//
//go:noescape
func subScaledAVX2(w, gr *float32, n int, s float32, mask *int32)

// dot4SSE runs dotSSE's loop over quads·4 elements of four rows against
// q, each row in its own four lanes, and stores the lanes in acc, row by
// row.
//
//go:noescape
func dot4SSE(p0, p1, p2, p3, q *float32, quads int, acc *[16]float32)

func dotRowsAt(dst, q, tab []float32, d int, rows []int32) {
	if !useAsm || d < 4 {
		dotRowsAtGeneric(dst, q, tab, d, rows)
		return
	}
	var acc [16]float32
	k := 0
	for ; k+4 <= len(rows); k += 4 {
		r := rows[k : k+4]
		p0, p1, p2, p3 := tab[int(r[0])*d:int(r[0])*d+d], tab[int(r[1])*d:int(r[1])*d+d], tab[int(r[2])*d:int(r[2])*d+d], tab[int(r[3])*d:int(r[3])*d+d]
		dot4SSE(&p0[0], &p1[0], &p2[0], &p3[0], &q[0], d/4, &acc)
		for c, p := range [4][]float32{p0, p1, p2, p3} {
			dst[k+c] = dotFinish(acc[4*c:4*c+4], p, q, d&^3)
		}
	}
	switch rem := len(rows) - k; {
	case rem == 1:
		u := int(rows[k]) * d
		dst[k] = dot(tab[u:u+d], q)
	case rem > 1:
		// The last two or three rows in one more pass, the last repeated:
		// one row after another would wait on each one's sums.
		var p [4][]float32
		for c := range p {
			r := int(rows[k+min(c, rem-1)])
			p[c] = tab[r*d : r*d+d]
		}
		dot4SSE(&p[0][0], &p[1][0], &p[2][0], &p[3][0], &q[0], d/4, &acc)
		for c := range rem {
			dst[k+c] = dotFinish(acc[4*c:4*c+4], p[c], q, d&^3)
		}
	}
}

// addRows4AVX2 adds a[0]·r0 + … + a[3]·r3 to the n ≥ 1 floats of dst,
// each product rounded and added in row order (four subScaledGeneric
// passes of -a[k]), 8 at a time with AVX2, the last n%8 masked by mask.
//
//go:noescape
func addRows4AVX2(dst, r0, r1, r2, r3 *float32, n int, a *[4]float32, mask *int32)

func addRowsAt(dst, a, tab []float32, d int, rows []int32) {
	if !useAsm {
		addRowsAtGeneric(dst, a, tab, d, rows)
		return
	}
	k := 0
	for ; k+4 <= len(rows); k += 4 {
		r := rows[k : k+4]
		c := [4]float32{a[k], a[k+1], a[k+2], a[k+3]}
		addRows4AVX2(&dst[0], &tab[int(r[0])*d], &tab[int(r[1])*d], &tab[int(r[2])*d], &tab[int(r[3])*d], d, &c, &maskTab[8-d%8])
	}
	for ; k < len(rows); k++ {
		u := int(rows[k]) * d
		subScaled(dst, tab[u:u+d], -a[k])
	}
}

// addToRows4AVX2 adds a[k]·x to the n ≥ 1 floats of row rk for k = 0 to
// 3 in turn (four subScaledGeneric passes of -a[k]; a row given twice
// takes both), 8 at a time with AVX2, the last n%8 masked by mask.
//
//go:noescape
func addToRows4AVX2(r0, r1, r2, r3, x *float32, n int, a *[4]float32, mask *int32)

func addToRowsAt(tab []float32, d int, rows []int32, a, x []float32) {
	if !useAsm {
		addToRowsAtGeneric(tab, d, rows, a, x)
		return
	}
	k := 0
	for ; k+4 <= len(rows); k += 4 {
		r := rows[k : k+4]
		c := [4]float32{a[k], a[k+1], a[k+2], a[k+3]}
		addToRows4AVX2(&tab[int(r[0])*d], &tab[int(r[1])*d], &tab[int(r[2])*d], &tab[int(r[3])*d], &x[0], d, &c, &maskTab[8-d%8])
	}
	for ; k < len(rows); k++ {
		u := int(rows[k]) * d
		subScaled(tab[u:u+d], x, -a[k])
	}
}

func dot(p, q []float32) float32 {
	if !useAsm {
		return dotGeneric(p, q)
	}
	return dotSSE(&p[0], &q[0], len(p))
}

func subScaled(w, g []float32, s float32) {
	n := len(w)
	switch {
	case !useAsm:
		subScaledGeneric(w, g, s)
	case use512:
		subScaled512(&w[0], &g[0], n, s)
	default:
		subScaledAVX2(&w[0], &g[0], n, s, &maskTab[8-n%8])
	}
}
