//go:build amd64 && !purego

package train

// goLoops is true when the f32 kernels run their Go loops (no assembly).
const goLoops = false
