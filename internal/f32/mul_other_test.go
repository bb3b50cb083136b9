//go:build !amd64 || purego

package f32

// kernelSets names the kernel sets this machine can run: only the generic
// one on this build.
func kernelSets() []string { return []string{"generic"} }

// useKernels selects a set named by kernelSets and returns the function
// that restores the default.
func useKernels(string) (restore func()) { return func() {} }
