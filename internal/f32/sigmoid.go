package f32

import "math"

// Sigmoid sets dst[j] to 1/(1+e^-x[j]) in float32: e^-x as 2^n·2^f,
// n = round(-x log₂e) (ties up), |f| ≤ ½, 2^f by its Taylor polynomial of
// degree 6 (the sigmoid's relative error below 2e-6 for |x| ≤ 16 and 1e-5
// beyond, float32's rounding of x log₂e), every step rounded to float32 (no
// fused multiply-add), so that every architecture and kernel set gives the
// same bits. x log₂e is cut to ±126 (a sigmoid below 2^-126 is returned as
// about that). A NaN gives a NaN (its payload unspecified). dst and x must
// have the same length; dst may be x.
func Sigmoid(dst, x []float32) {
	sameLen2("Sigmoid", len(dst), len(x))
	sigmoid(dst, x)
}

// The constants of Sigmoid: log₂e, the cut, and the coefficients of 2^f's
// polynomial, from the highest degree.
const (
	sigLog2e = 1.442695041
	sigCut   = 126
	sigC6    = 1.540353e-4
	sigC5    = 1.3333558e-3
	sigC4    = 9.618129e-3
	sigC3    = 5.5504109e-2
	sigC2    = 0.24022651
	sigC1    = 0.69314718
)

func sigmoidGeneric(dst, x []float32) {
	dst = dst[:len(x)]
	for j, z := range x {
		y := -z * sigLog2e
		if y < -sigCut {
			y = -sigCut
		} else if y > sigCut {
			y = sigCut
		}
		n := int32(y + (sigCut + 0.5)) // round(y) + 126: y + 126.5 > 0 truncates down
		f := y - float32(n-sigCut)
		p := float32(f * sigC6)
		p = float32(f * (sigC5 + p))
		p = float32(f * (sigC4 + p))
		p = float32(f * (sigC3 + p))
		p = float32(f * (sigC2 + p))
		p = float32(f * (sigC1 + p))
		e := (1 + p) * math.Float32frombits(uint32(n+1)<<23) // 2^(n-126) has exponent field n+1
		dst[j] = 1 / (1 + e)
	}
}

// SigmoidGrad sets dx[j] to dy[j]·(y[j]·(1−y[j])), the gradient through a
// sigmoid whose output is y, each step rounded to float32 (no fused
// multiply-add), so that every kernel set gives the same bits (a NaN's
// payload aside). The three slices must have the same length; dx may be
// dy or y.
func SigmoidGrad(dx, dy, y []float32) {
	sameLen3("SigmoidGrad", len(dx), len(dy), len(y))
	sigmoidGrad(dx, dy, y)
}

func sigmoidGradGeneric(dx, dy, y []float32) {
	dx, y = dx[:len(dy)], y[:len(dy)]
	for j, g := range dy {
		s := y[j]
		dx[j] = g * (s * (1 - s))
	}
}

// SigmoidRowsAt sets dst (of length d) to the sigmoid of bias +
// Σ_k a[k]·tab[r·d : r·d+d], r = rows[k]: the bits of copy(dst, bias),
// AddRowsAt(dst, a, tab, d, rows) and Sigmoid(dst, dst) in turn (a NaN's
// payload aside), in one pass over dst whose sums stay in registers. It
// panics when dst or bias is shorter than d, a than rows, or a row is
// outside tab; dst may be bias but no row of tab.
func SigmoidRowsAt(dst, bias, a, tab []float32, d int, rows []int32) {
	dst, bias, a = dst[:d], bias[:d], a[:len(rows)]
	for _, r := range rows {
		_ = tab[int(r)*d : int(r)*d+d]
	}
	if d == 0 {
		return
	}
	sigmoidRowsAt(dst, bias, a, tab, d, rows)
}

func sigmoidRowsAtGeneric(dst, bias, a, tab []float32, d int, rows []int32) {
	copy(dst, bias)
	addRowsAtGeneric(dst, a, tab, d, rows)
	sigmoidGeneric(dst, dst)
}
