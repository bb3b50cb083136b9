//go:build !purego

package train_test

// denseKernelsGo is false: mlp and neumf may run fused multiply-add
// kernels (AVX2 or AVX-512, chosen by the processor), which agree with
// the Go loops to float32 rounding, not to the bit.
const denseKernelsGo = false
