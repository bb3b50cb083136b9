package f32_test

import (
	"fmt"
	"math"

	"github.com/recnet/recnet/internal/f32"
)

// ExampleReLU shows the edge cases: -0 and negatives become +0, NaN passes
// through, and the gradient is kept exactly where the value is.
func ExampleReLU() {
	x := []float32{2, -3, 0, float32(math.Copysign(0, -1)), float32(math.Inf(1)), float32(math.NaN())}
	y := make([]float32, len(x))
	f32.ReLU(y, x)
	fmt.Println(y)

	dy := []float32{10, 20, 30, 40, 50, 60}
	f32.ReLUGrad(dy, dy, x) // in place, as a backward pass does
	fmt.Println(dy)

	// Inverted dropout at rate 0.5: a precomputed mask, applied in place.
	mask := []float32{2, 0, 2, 2, 0, 2}
	h := []float32{1, 1, 1, 1, 1, 1}
	f32.Mul(h, h, mask)
	fmt.Println(h)
	// Output:
	// [2 0 0 0 +Inf NaN]
	// [10 0 0 0 50 60]
	// [2 0 2 2 0 2]
}
