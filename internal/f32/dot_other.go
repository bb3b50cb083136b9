//go:build !amd64 || purego

package f32

func dot(p, q []float32) float32 { return dotGeneric(p, q) }

func subScaled(w, g []float32, s float32) { subScaledGeneric(w, g, s) }
