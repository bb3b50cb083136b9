//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package atomicfile

import (
	"errors"
	"os"
	"syscall"
)

// lockWriter takes the advisory lock of a writer on its new temporary file
// f, waiting while a remover holds it for a moment. The lock goes with the
// file's descriptor, when the writer closes it or dies. It reports false
// where the file system has no locks.
func lockWriter(f *os.File) bool {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if err != syscall.EINTR {
			return err == nil
		}
	}
}

// tryLock tries, without waiting, to lock the possible leftover f.
func tryLock(f *os.File) lockState {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		switch {
		case err == nil:
			return lockTaken
		case errors.Is(err, syscall.EWOULDBLOCK):
			return lockBusy
		case err != syscall.EINTR:
			return lockNone
		}
	}
}

// openLeftover opens the possible leftover at p to lock it, without
// following a symbolic link or waiting on a FIFO put there since.
func openLeftover(p string) (*os.File, error) {
	return os.OpenFile(p, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
}
