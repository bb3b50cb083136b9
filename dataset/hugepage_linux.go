package dataset

import (
	"syscall"
	"unsafe"
)

// hugePage is the size of a transparent huge page on linux/amd64 and arm64.
const hugePage = 2 << 20

// adviseHuge asks the kernel to back the part of b's capacity that spans
// whole huge pages with huge pages (MADV_HUGEPAGE), before b is written.
// Where memory is first touched slowly (a virtual machine faulting in one
// 4 KB page at a time), this makes filling a large column several times
// faster. It is a hint: errors are ignored, and nothing changes where
// transparent huge pages are off.
func adviseHuge[T any](b []T) {
	var zero T
	n := uintptr(cap(b)) * unsafe.Sizeof(zero)
	if n < 4*hugePage {
		return
	}
	p := unsafe.Pointer(unsafe.SliceData(b[:cap(b)]))
	off := -uintptr(p) & (hugePage - 1) // to the first huge page boundary
	size := (n - off) &^ (hugePage - 1)
	syscall.Madvise(unsafe.Slice((*byte)(unsafe.Add(p, off)), size), syscall.MADV_HUGEPAGE)
}
