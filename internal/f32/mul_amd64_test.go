//go:build amd64 && !purego

package f32

// kernelSets names the kernel sets this machine can run, best first.
func kernelSets() []string {
	var s []string
	if hasAVX512 {
		s = append(s, "avx512")
	}
	if hasAVX2 {
		s = append(s, "avx2")
	}
	return append(s, "generic")
}

// useKernels selects a set named by kernelSets and returns the function
// that restores the default.
func useKernels(name string) (restore func()) {
	asm, z := useAsm, use512
	useAsm, use512 = name != "generic", name == "avx512"
	return func() { useAsm, use512 = asm, z }
}
