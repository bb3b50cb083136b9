//go:build purego

package train_test

// denseKernelsGo is true when the dense kernels of mlp and neumf run the
// Go loops, whose bits do not depend on the processor.
const denseKernelsGo = true
