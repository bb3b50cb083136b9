//go:build !amd64 || purego

package f32

func dot(p, q []float32) float32 { return dotGeneric(p, q) }

func dotRowsAt(dst, q, tab []float32, d int, rows []int32) { dotRowsAtGeneric(dst, q, tab, d, rows) }

func subScaled(w, g []float32, s float32) { subScaledGeneric(w, g, s) }

func addRowsAt(dst, a, tab []float32, d int, rows []int32) { addRowsAtGeneric(dst, a, tab, d, rows) }

func addToRowsAt(tab []float32, d int, rows []int32, a, x []float32) {
	addToRowsAtGeneric(tab, d, rows, a, x)
}
