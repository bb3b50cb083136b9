//go:build !amd64 || purego

package f32

func sigmoid(dst, x []float32) { sigmoidGeneric(dst, x) }

func sigmoidGrad(dx, dy, y []float32) { sigmoidGradGeneric(dx, dy, y) }

func sigmoidRowsAt(dst, bias, a, tab []float32, d int, rows []int32) {
	sigmoidRowsAtGeneric(dst, bias, a, tab, d, rows)
}
