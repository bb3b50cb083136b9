package f32

// Dot returns the dot product of p and q[:len(p)] summed in four lanes:
// lane k adds p[j]·q[j] for j ≡ k (mod 4) in increasing j over the
// multiples of four, the last len(p)%4 products go to lane 0, and the
// result is (lane0 + lane1) + (lane2 + lane3). Every build gives the same
// bits: the assembly does these operations in this order.
func Dot(p, q []float32) float32 {
	q = q[:len(p)]
	if len(p) == 0 {
		return 0
	}
	return dot(p, q)
}

// DotRowsAt sets dst[k] to Dot(tab[r·d : r·d+d], q) for each k, r =
// rows[k]: the dot products of q (of length d) with rows of the table tab
// (rows of d floats), with Dot's bits. The assembly takes four rows at a
// time, whose sums do not wait on one another. It panics when dst is
// shorter than rows, q than d, or a row is outside tab.
func DotRowsAt(dst, q, tab []float32, d int, rows []int32) {
	dst, q = dst[:len(rows)], q[:d]
	for _, r := range rows {
		_ = tab[int(r)*d : int(r)*d+d]
	}
	if d == 0 {
		clear(dst)
		return
	}
	dotRowsAt(dst, q, tab, d, rows)
}

func dotRowsAtGeneric(dst, q, tab []float32, d int, rows []int32) {
	for k, r := range rows {
		dst[k] = dotGeneric(tab[int(r)*d:int(r)*d+d], q)
	}
}

// AddRowsAt adds a[k]·tab[r·d : r·d+d] to dst (of length d) for each k
// in turn, r = rows[k]: each product rounded, then added, so that the
// result has the bits of SubScaled(dst, row, -a[k]) called row by row.
// The assembly adds four rows in one pass over dst. It panics when a is
// shorter than rows, dst than d, or a row is outside tab.
func AddRowsAt(dst, a, tab []float32, d int, rows []int32) {
	dst, a = dst[:d], a[:len(rows)]
	for _, r := range rows {
		_ = tab[int(r)*d : int(r)*d+d]
	}
	if d == 0 {
		return
	}
	addRowsAt(dst, a, tab, d, rows)
}

func addRowsAtGeneric(dst, a, tab []float32, d int, rows []int32) {
	for k, r := range rows {
		subScaledGeneric(dst, tab[int(r)*d:int(r)*d+d], -a[k])
	}
}

// AddToRowsAt adds a[k]·x to the row tab[r·d : r·d+d] for each k in turn,
// r = rows[k] (a row given twice takes both): each product rounded, then
// added, the bits of SubScaled(row, x, -a[k]) called row by row. The
// assembly reads x once for four rows. It panics when a is shorter than
// rows, x than d, or a row is outside tab.
func AddToRowsAt(tab []float32, d int, rows []int32, a, x []float32) {
	a, x = a[:len(rows)], x[:d]
	for _, r := range rows {
		_ = tab[int(r)*d : int(r)*d+d]
	}
	if d == 0 {
		return
	}
	addToRowsAt(tab, d, rows, a, x)
}

func addToRowsAtGeneric(tab []float32, d int, rows []int32, a, x []float32) {
	for k, r := range rows {
		subScaledGeneric(tab[int(r)*d:int(r)*d+d], x, -a[k])
	}
}

// dotFinish completes Dot from the four lanes of its first n (a multiple
// of four) elements of p and q: the rest into lane 0, then the tree.
func dotFinish(lanes []float32, p, q []float32, n int) float32 {
	s0, s1, s2, s3 := lanes[0], lanes[1], lanes[2], lanes[3]
	for j := n; j < len(p); j++ {
		s0 += float32(p[j] * q[j])
	}
	return (s0 + s1) + (s2 + s3)
}

func dotGeneric(p, q []float32) float32 {
	q = q[:len(p)]
	var s0, s1, s2, s3 float32
	for len(p) >= 4 && len(q) >= 4 {
		s0 += p[0] * q[0]
		s1 += p[1] * q[1]
		s2 += p[2] * q[2]
		s3 += p[3] * q[3]
		p, q = p[4:], q[4:]
	}
	for k, x := range p {
		s0 += x * q[k]
	}
	return (s0 + s1) + (s2 + s3)
}

// SubScaled sets w[j] -= s·g[j] for every j < len(w) (the product rounded,
// then the difference: no fused multiply-add).
func SubScaled(w, g []float32, s float32) {
	g = g[:len(w)]
	if len(w) == 0 {
		return
	}
	subScaled(w, g, s)
}

func subScaledGeneric(w, g []float32, s float32) {
	g = g[:len(w)]
	for j := range w {
		w[j] -= float32(s * g[j]) // no fused multiply-add, as the assembly
	}
}
