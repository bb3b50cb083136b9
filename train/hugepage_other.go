//go:build !linux

package train

// adviseHuge does nothing outside Linux.
func adviseHuge([]float32) {}
