package model

import (
	"fmt"
	"math"

	"github.com/recnet/recnet/internal/quote"

	"github.com/recnet/recnet/internal/f32"
)

// Activation is the activation of a layer or of a net's output. The zero
// value means Linear.
type Activation string

// Activations.
const (
	Linear  Activation = "linear"
	ReLU    Activation = "relu"
	Sigmoid Activation = "sigmoid"
	Tanh    Activation = "tanh"
	ELU     Activation = "elu"  // x if x > 0, else e^x - 1
	SELU    Activation = "selu" // λ·elu with α, λ of Klambauer et al. 2017
	GELU    Activation = "gelu" // x·Φ(x), with the exact normal CDF
)

// Activations lists every activation, in the order help texts show them.
var Activations = []Activation{ReLU, ELU, SELU, GELU, Tanh, Sigmoid, Linear}

// The constants of SELU.
const (
	seluAlpha  = 1.6732632423543772
	seluLambda = 1.0507009873554805
)

// ParseActivation returns the activation called s; "" means Linear.
func ParseActivation(s string) (Activation, error) {
	if s == "" {
		return Linear, nil
	}
	for _, a := range Activations {
		if string(a) == s {
			return a, nil
		}
	}
	return "", fmt.Errorf("model: unknown activation %s (want one of %v)", quote.Short(s), Activations)
}

// ReLUFamily reports whether a is ReLU or one of its smooth variants, whose
// layers are initialized with He's scheme rather than Glorot's.
func (a Activation) ReLUFamily() bool {
	return a == ReLU || a == ELU || a == SELU || a == GELU
}

// Apply returns the activation of x and its derivative at x.
func (a Activation) Apply(x float32) (y, dy float32) {
	switch a {
	case ReLU:
		if x > 0 {
			return x, 1
		}
		return 0, 0
	case Sigmoid:
		s := float32(1 / (1 + math.Exp(-float64(x))))
		return s, s * (1 - s)
	case Tanh:
		t := float32(math.Tanh(float64(x)))
		return t, 1 - t*t
	case ELU:
		if x > 0 {
			return x, 1
		}
		e := float32(math.Expm1(float64(x)))
		return e, e + 1
	case SELU:
		if x > 0 {
			return seluLambda * x, seluLambda
		}
		e := math.Exp(float64(x))
		return float32(seluLambda * seluAlpha * (e - 1)), float32(seluLambda * seluAlpha * e)
	case GELU:
		v := float64(x)
		cdf := 0.5 * (1 + math.Erf(v/math.Sqrt2))
		pdf := math.Exp(-v*v/2) / math.Sqrt(2*math.Pi)
		return float32(v * cdf), float32(cdf + v*pdf)
	}
	return x, 1
}

// Forward sets dst[j] to the activation of x[j]. dst and x may be the same
// slice.
func (a Activation) Forward(dst, x []float32) {
	dst = dst[:len(x)]
	switch a {
	case Linear, "":
		copy(dst, x)
	case ReLU:
		// Vectorized; x <= 0 (-0 too) gives +0, NaN passes (see f32.ReLU).
		f32.ReLU(dst, x)
	default:
		for j, v := range x {
			dst[j], _ = a.Apply(v)
		}
	}
}

// Backward sets dx[j] to dy[j] times the derivative of the activation at
// x[j], where y[j] is the activation of x[j] (used where it is cheaper than
// x). dx may be dy.
func (a Activation) Backward(dx, dy, x, y []float32) {
	dx, x, y = dx[:len(dy)], x[:len(dy)], y[:len(dy)]
	switch a {
	case Linear, "":
		copy(dx, dy)
	case ReLU:
		// Vectorized; dy is kept where Forward keeps x: x > 0 or NaN.
		f32.ReLUGrad(dx, dy, x)
	case Sigmoid:
		for j, g := range dy {
			dx[j] = g * y[j] * (1 - y[j])
		}
	case Tanh:
		for j, g := range dy {
			dx[j] = g * (1 - y[j]*y[j])
		}
	case ELU:
		for j, g := range dy {
			if x[j] <= 0 {
				g *= y[j] + 1
			}
			dx[j] = g
		}
	case SELU:
		for j, g := range dy {
			if x[j] > 0 {
				g *= seluLambda
			} else {
				g *= y[j] + seluLambda*seluAlpha
			}
			dx[j] = g
		}
	default:
		for j, g := range dy {
			_, d := a.Apply(x[j])
			dx[j] = g * d
		}
	}
}
