package train

import (
	"syscall"
	"unsafe"
)

// adviseHuge asks Linux to back the whole 2 MiB pages inside data with
// transparent huge pages. Training reads table rows at random: with 4 KiB
// pages nearly every row of a large table also misses the TLB. The advice
// is best effort; where the kernel declines it nothing changes.
func adviseHuge(data []float32) {
	const huge = 2 << 20
	size := uintptr(len(data)) * 4
	if size < 2*huge {
		return
	}
	p := uintptr(unsafe.Pointer(unsafe.SliceData(data)))
	lo := (p + huge - 1) &^ (huge - 1)
	hi := (p + size) &^ (huge - 1)
	_ = syscall.Madvise(unsafe.Slice((*byte)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(data)), lo-p)), hi-lo), syscall.MADV_HUGEPAGE)
}
