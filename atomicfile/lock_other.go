//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package atomicfile

import "os"

// haveLocks is whether this system has advisory locks: without them,
// StaleAge alone tells a leftover from a live writer's file.
const haveLocks = false

func lockWriter(*os.File) bool { return false }

func tryLock(*os.File) lockState { return lockNone }

func openLeftover(p string) (*os.File, error) { return os.Open(p) }
