package f32_test

import (
	"fmt"

	"github.com/recnet/recnet/internal/f32"
)

// A dense layer's forward product Y = X·W and the two backward products,
// for a batch of 2 rows, 3 inputs and 2 outputs.
func ExampleMulNN() {
	x := []float32{1, 2, 3, 4, 5, 6} // 2×3
	w := []float32{1, 0, 0, 1, 1, 1} // 3×2, stored in×out
	y := make([]float32, 2*2)
	f32.MulNN(y, x, w, 2, 3, 2, false)
	fmt.Println("Y =", y)

	dy := []float32{1, 0, 0, 1}
	dx := make([]float32, 2*3)
	f32.MulNT(dx, dy, w, 2, 2, 3, false) // dX = dY·Wᵀ
	fmt.Println("dX =", dx)

	dw := make([]float32, 3*2)
	f32.MulTN(dw, x, dy, 3, 2, 2, false) // dW = Xᵀ·dY
	fmt.Println("dW =", dw)
	// Output:
	// Y = [4 5 10 11]
	// dX = [1 0 1 0 1 1]
	// dW = [1 4 2 5 3 6]
}
