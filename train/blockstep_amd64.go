//go:build amd64 && !purego

package train

// blockStepAVX2 is blockStepGo on p[0:n] and q[0:n], n a positive
// multiple of 8, in AVX2 with its bits.
//
//go:noescape
func blockStepAVX2(p, q *float32, n int, e, l2, ap, aq float32) (sp, sq float32)

// blockStep is blockStepGo, in AVX2 where useAVX2 is set.
func blockStep(p, q []float32, e, l2, ap, aq float32) (sp, sq float32) {
	if !useAVX2 || len(p) == 0 || len(p)%8 != 0 {
		return blockStepGo(p, q, e, l2, ap, aq)
	}
	q = q[:len(p)]
	return blockStepAVX2(&p[0], &q[0], len(p), e, l2, ap, aq)
}
