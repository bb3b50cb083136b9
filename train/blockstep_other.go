//go:build !amd64 || purego

package train

// blockStep is blockStepGo outside amd64.
func blockStep(p, q []float32, e, l2, ap, aq float32) (sp, sq float32) {
	return blockStepGo(p, q, e, l2, ap, aq)
}
