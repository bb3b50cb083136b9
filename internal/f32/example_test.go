package f32_test

import (
	"fmt"
	"math"

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

// Adam's first step from zero moments moves each weight by about the
// learning rate, against the sign of its gradient, once lr carries the
// bias correction sqrt(1-b2)/(1-b1).
func ExampleAdam() {
	w, m, v := []float32{1, 1}, make([]float32, 2), make([]float32, 2)
	g := []float32{0.5, -2}
	const b1, b2 = 0.9, 0.999
	lr := float32(0.01 * math.Sqrt(1-b2) / (1 - b1))
	f32.Adam(w, m, v, g, b1, 1-b1, b2, 1-b2, lr, 1e-7)
	fmt.Printf("w = %.4f, m = %.2f\n", w, m)
	// Output:
	// w = [0.9900 1.0100], m = [0.05 -0.20]
}
