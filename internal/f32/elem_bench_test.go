package f32

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkElem times the element-wise kernels at n = 256·64, the widest
// layer of the mlp at batch 256, with every kernel set, and reports the
// bandwidth of the operands read and written.
func BenchmarkElem(b *testing.B) {
	const n = 256 * 64
	rng := rand.New(rand.NewPCG(4, 4))
	x, dy, dst := randSlice(rng, n), randSlice(rng, n), make([]float32, n)
	for _, k := range []struct {
		name   string
		arrays int // slices read and written
		f      func()
	}{
		{"ReLU", 2, func() { ReLU(dst, x) }},
		{"ReLUGrad", 3, func() { ReLUGrad(dst, dy, x) }},
		{"Mul", 3, func() { Mul(dst, x, dy) }},
	} {
		for _, set := range kernelSets() {
			b.Run(k.name+"/"+set, func(b *testing.B) {
				defer useKernels(set)()
				b.SetBytes(int64(4 * n * k.arrays))
				for b.Loop() {
					k.f()
				}
			})
		}
	}
}
