//go:build !amd64 || purego

package f32

func sigmoid(dst, x []float32) { sigmoidGeneric(dst, x) }
