//go:build !amd64 || purego

package f32

func relu(dst, x []float32)        { reluGeneric(dst, x) }
func reluGrad(dx, dy, x []float32) { reluGradGeneric(dx, dy, x) }
func mul(dst, a, b []float32)      { mulGeneric(dst, a, b) }
