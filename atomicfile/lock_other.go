//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package atomicfile

import "os"

// Without advisory locks, StaleAge alone tells a leftover from a live
// writer's file.

func lockWriter(*os.File) bool { return false }

func tryLock(*os.File) lockState { return lockNone }

func openLeftover(p string) (*os.File, error) { return os.Open(p) }
