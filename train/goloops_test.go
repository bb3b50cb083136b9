//go:build purego || !amd64

package train

// goLoops is true when the f32 kernels run their Go loops (no assembly).
const goLoops = true
