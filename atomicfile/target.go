package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// ErrTarget is wrapped by the errors of a target that Write refuses to
// replace: not a regular file (or a symbolic link to one), or an input.
var ErrTarget = errors.New("atomicfile: refused output")

// StaleAge is, where the file system has no advisory locks, how long a
// temporary file of the pattern .NAME.tmp-DIGITS must have gone unmodified
// before a write to NAME removes it as the leftover of a killed write.
// Where there are locks, a file of the pattern that no writer holds is
// removed whatever its age.
const StaleAge = 10 * time.Minute

// lockState is what a try to lock a possible leftover found.
type lockState int

const (
	lockNone  lockState = iota // no advisory locks here: only StaleAge tells
	lockBusy                   // a live writer holds it
	lockTaken                  // nobody held it: a leftover, locked now
)

// Check reports whether Write may write path: it returns an error wrapping
// ErrTarget when path is, or is a symbolic link to, anything but a regular
// file (or nothing yet), or when it is the same file as one of inputs,
// whatever the path used for either (a hard link, a symbolic link, another
// spelling). Inputs that name no existing file (an empty string, a URL,
// "builtin") are ignored. Commands call Check before their work so that a
// refused output costs nothing.
func Check(path string, inputs ...string) error {
	target, fi, err := resolve(path)
	if err != nil || fi == nil {
		return err
	}
	for _, in := range inputs {
		if in == "" {
			continue
		}
		if ii, err := os.Stat(in); err == nil && os.SameFile(fi, ii) {
			same := ""
			if target != path {
				same = " (through a symbolic link to " + target + ")"
			}
			return fmt.Errorf("%w: %s is the input %s%s; give another output file", ErrTarget, path, in, same)
		}
	}
	return nil
}

// resolve returns the file Write replaces for path: path itself, or the
// regular file a symbolic link at path points to, with its FileInfo (nil
// when there is no file yet). Every other kind of target is refused.
func resolve(path string) (string, fs.FileInfo, error) {
	li, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return path, nil, nil
	}
	if err != nil {
		return "", nil, fmt.Errorf("atomicfile: %w", err)
	}
	target, fi := path, li
	if li.Mode()&fs.ModeSymlink != 0 {
		if target, err = filepath.EvalSymlinks(path); err != nil {
			return "", nil, fmt.Errorf("%w: %s is a symbolic link to nothing (%v)", ErrTarget, path, err)
		}
		if fi, err = os.Lstat(target); err != nil {
			return "", nil, fmt.Errorf("atomicfile: %w", err)
		}
	}
	if !fi.Mode().IsRegular() {
		what := kind(fi.Mode())
		if target != path {
			what = "a symbolic link to " + what + " (" + target + ")"
		}
		return "", nil, fmt.Errorf("%w: %s is %s, not a regular file", ErrTarget, path, what)
	}
	return target, fi, nil
}

// kind names a file mode's type.
func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return "a special file"
}

// tempPattern is the os.CreateTemp pattern of name's temporary files; the
// * becomes a string of decimal digits.
func tempPattern(name string) string { return "." + name + ".tmp-*" }

// isLeftover reports whether entry is named like a temporary file of name.
func isLeftover(entry, name string) bool {
	digits, ok := strings.CutPrefix(entry, "."+name+".tmp-")
	if !ok || digits == "" {
		return false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// removeLeftovers removes from dir the temporary files of name that killed
// writes left: regular files of the pattern that no writer holds locked or,
// where there are no locks, that are unmodified for StaleAge. Failures are
// ignored: a leftover costs space, not correctness.
func removeLeftovers(dir, name string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if e.Type().IsRegular() && isLeftover(e.Name(), name) {
			removeLeftover(filepath.Join(dir, e.Name()))
		}
	}
}

// removeLeftover removes the file at p if it is a leftover. A file it
// locks is removed before the lock is let go, so that a writer that
// created it and waits for its lock finds it gone and creates another.
func removeLeftover(p string) {
	f, err := openLeftover(p)
	if err != nil {
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return
	}
	switch tryLock(f) {
	case lockBusy:
		return
	case lockNone:
		if time.Since(fi.ModTime()) < StaleAge {
			return
		}
	}
	if li, err := os.Lstat(p); err == nil && os.SameFile(fi, li) {
		os.Remove(p)
	}
}

// Same reports whether the paths a and b name the same output: Write to
// one would replace the file Write to the other replaces, whatever the
// spelling (a relative path, a symbolic link to the file or to a directory
// on the way, a hard link). It is false when either is refused by Check.
func Same(a, b string) bool {
	ta, fa, errA := resolve(a)
	tb, fb, errB := resolve(b)
	switch {
	case errA != nil || errB != nil:
		return false
	case fa != nil && fb != nil:
		return os.SameFile(fa, fb)
	case fa != nil || fb != nil:
		return false // one exists, the other does not
	}
	ca, okA := canonical(ta)
	cb, okB := canonical(tb)
	return okA && okB && ca == cb
}

// canonical returns the absolute path of the file path names, its
// directory's symbolic links resolved; ok is false when the directory
// cannot be resolved.
func canonical(path string) (string, bool) {
	base := filepath.Base(path)
	dir := strings.TrimSuffix(path, base)
	if dir == "" {
		dir = "."
	}
	dir, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return "", false
	}
	if dir, err = filepath.Abs(dir); err != nil {
		return "", false
	}
	return filepath.Join(dir, base), true
}
