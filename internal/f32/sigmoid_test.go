package f32

import (
	"math"
	"testing"
)

// TestSigmoidAccuracy compares Sigmoid with the float64 sigmoid over
// [-100, 100] in steps of 0.01, within the relative error its doc gives.
func TestSigmoidAccuracy(t *testing.T) {
	var x []float32
	for v := float32(-100); v <= 100; v += 0.01 {
		x = append(x, v)
	}
	for _, set := range kernelSets() {
		restore := useKernels(set)
		h := make([]float32, len(x))
		Sigmoid(h, x)
		restore()
		for k, v := range x {
			want := 1 / (1 + math.Exp(-float64(v)))
			tol := 2e-6
			if math.Abs(float64(v)) > 16 {
				tol = 1e-5
			}
			if v < -87 { // cut at 2^-126
				continue
			}
			if got := float64(h[k]); math.Abs(got-want) > tol*want {
				t.Fatalf("%s: Sigmoid(%g) = %g, want %g", set, v, got, want)
			}
		}
	}
}
