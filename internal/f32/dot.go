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
		w[j] -= s * g[j]
	}
}
