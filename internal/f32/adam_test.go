package f32

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// adamFunc is the signature of Adam in float32 and of AdamFMA.
type adamFunc func(w, m, v, g []float32, b1, c1, b2, c2, lr, eps float32)

// adamCase is a row of weights, moments and gradients for one Adam step.
type adamCase struct{ w, m, v, g []float32 }

func (c adamCase) clone() adamCase {
	cp := func(s []float32) []float32 { return append([]float32(nil), s...) }
	return adamCase{cp(c.w), cp(c.m), cp(c.v), cp(c.g)}
}

// randAdam returns a row of n random weights, moments (v ≥ 0) and
// gradients of magnitudes from 1e-10 to 1e10, with zero, tiny and huge
// gradients among them.
func randAdam(rng *rand.Rand, n int) adamCase {
	c := adamCase{randSlice(rng, n), randSlice(rng, n), randSlice(rng, n), make([]float32, n)}
	for j := range c.v {
		c.v[j] *= c.v[j]
		c.g[j] = float32(rng.NormFloat64() * math.Pow(10, float64(rng.IntN(21)-10)))
	}
	for j, x := range []float32{0, 1e-30, -1e30} {
		if j < n {
			c.g[n-1-j] = x
		}
	}
	return c
}

// TestAdam checks Adam's bits against the step computed in float64 and
// rounded to float32 after every operation, which is exact (a float64
// result of float32 operands rounds to the float32 result): so Adam rounds
// each operation once and fuses none, in float32 and in float64 (F).
func TestAdam(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	const b1, b2, lr, eps = 0.9, 0.999, 1e-3, 1e-7
	c1, c2 := float32(1-b1), float32(1-b2)
	r := func(x float64) float64 { return float64(float32(x)) }
	for _, n := range []int{0, 1, 7, 8, 9, 33, 1000} {
		for _, wide := range []bool{false, true} {
			c := randAdam(rng, n)
			got := c.clone()
			if wide {
				Adam(got.w, got.m, got.v, got.g, b1, c1, b2, c2, float64(lr), float64(eps))
			} else {
				Adam(got.w, got.m, got.v, got.g, b1, c1, b2, c2, float32(lr), float32(eps))
			}
			for j := range c.w {
				g := float64(c.g[j])
				m := r(r(float64(float32(b1))*float64(c.m[j])) + r(float64(c1)*g))
				v := r(r(float64(float32(b2))*float64(c.v[j])) + r(r(float64(c2)*g)*g))
				var step float64
				if wide {
					step = r(lr * m / (math.Sqrt(v) + eps))
				} else {
					l, e := float64(float32(lr)), float64(float32(eps))
					step = r(r(l*m) / r(r(math.Sqrt(v))+e))
				}
				w := r(float64(c.w[j]) - step)
				for _, x := range []struct {
					what      string
					got, want float32
				}{{"m", got.m[j], float32(m)}, {"v", got.v[j], float32(v)}, {"w", got.w[j], float32(w)}} {
					if math.Float32bits(x.got) != math.Float32bits(x.want) {
						t.Fatalf("n %d wide %v: %s[%d] = %v, want %v", n, wide, x.what, j, x.got, x.want)
					}
				}
			}
		}
	}
}

// TestAdamFMA checks AdamFMA against Adam with every kernel set: to the
// bit where no product rounds (betas of two or three significant bits,
// c's powers of two, gradients of 12 bits, moments of 22 and 21, so that
// fused and separate multiply-adds agree), which covers the assembly's
// arguments, lanes and tail; to float32 rounding on random rows. It does
// not write past len(w).
func TestAdamFMA(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 11))
	for _, set := range kernelSets() {
		restore := useKernels(set)
		for _, n := range []int{0, 1, 7, 8, 9, 15, 16, 17, 31, 64, 1000} {
			exact := randAdam(rng, n)
			for j := range exact.g {
				exact.g[j] = float32(rng.IntN(1<<12)-1<<11) * pow2(rng.IntN(21)-10)
				exact.m[j] = float32(rng.IntN(1<<22)-1<<21) * pow2(rng.IntN(21)-30)
				exact.v[j] = float32(rng.IntN(1<<21)) * pow2(rng.IntN(21)-30)
			}
			checkAdamFMA(t, fmt.Sprintf("%s n %d exact", set, n), exact, 0.75, 0.25, 0.875, 0.0625, true)
			checkAdamFMA(t, fmt.Sprintf("%s n %d", set, n), randAdam(rng, n), 0.9, float32(1-0.9), 0.999, float32(1-0.999), set == "generic")
		}
		restore()
	}
}

// pow2 returns 2^e.
func pow2(e int) float32 { return float32(math.Ldexp(1, e)) }

func checkAdamFMA(t *testing.T, name string, c adamCase, b1, c1, b2, c2 float32, bits bool) {
	t.Helper()
	const lr, eps = 1e-3, 1e-7
	n := len(c.w)
	want, got := c.clone(), c.clone()
	Adam(want.w, want.m, want.v, want.g, b1, c1, b2, c2, float32(lr), float32(eps))
	// A guard element after m, v and g must survive.
	got.m, got.v, got.g = append(got.m, -7), append(got.v, -7), append(got.g, -7)
	AdamFMA(got.w, got.m, got.v, got.g, b1, c1, b2, c2, lr, eps)
	if got.m[n] != -7 || got.v[n] != -7 || got.g[n] != -7 {
		t.Fatalf("%s: wrote past len(w)", name)
	}
	for j := range n {
		for _, x := range []struct {
			what      string
			got, want float32
		}{{"m", got.m[j], want.m[j]}, {"v", got.v[j], want.v[j]}, {"w", got.w[j], want.w[j]}} {
			same := math.Float32bits(x.got) == math.Float32bits(x.want)
			if !same && (bits || math.Abs(float64(x.got-x.want)) > 1e-6*math.Max(1, math.Abs(float64(x.want)))) {
				t.Fatalf("%s: %s[%d] = %v, Adam %v", name, x.what, j, x.got, x.want)
			}
		}
	}
}
