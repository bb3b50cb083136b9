//go:build unix

package openctx

import "syscall"

// releaseFIFO ends an open of the FIFO path that waits for a writer, by
// opening its write end without blocking and closing it at once: nothing
// is written. The caller has checked that path is a FIFO.
func releaseFIFO(path string) {
	fd, err := syscall.Open(path, syscall.O_WRONLY|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if err != nil {
		return
	}
	syscall.Close(fd)
}
