// Package atomicfile writes files so that a reader sees either the old file
// or the complete new one, never a part: the content goes to a temporary
// file in the same directory, is synced, then renamed over the target. On
// any error the temporary file is removed and the target is left untouched.
// A replaced file keeps its permissions; a new one gets 0644.
//
// Only a regular file is ever replaced. A symbolic link to a regular file is
// followed: the file it points to is replaced, in its own directory, and the
// link stays a link. A directory, a device, a FIFO, a socket, a dangling
// link or a link to any of these is refused with an error wrapping
// ErrTarget, and so is, with Check, a target that is one of the inputs.
//
// A write killed before its rename leaves its temporary file, named
// .NAME.tmp-DIGITS beside the target NAME. The next write to the same
// target removes such leftovers: the regular files of exactly that pattern
// not modified for StaleAge (a live writer writes to its file all along)
// and, where the system has advisory locks, not locked by a live writer.
package atomicfile

import (
	"bufio"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Write creates or replaces the file at path with what fill writes. A
// symbolic link is followed to the regular file it names; any other target
// that is not a regular file is refused (see Check).
func Write(path string, fill func(w io.Writer) error) (err error) {
	target, fi, err := resolve(path)
	if err != nil {
		return err
	}
	mode := fs.FileMode(0o644)
	if fi != nil {
		mode = fi.Mode().Perm()
	}
	dir := filepath.Dir(target)
	removeLeftovers(dir, filepath.Base(target))
	f, err := os.CreateTemp(dir, tempPattern(filepath.Base(target)))
	if err != nil {
		return fmt.Errorf("atomicfile: %w", err)
	}
	lock(f)
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<16)
	if err = fill(bw); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return fmt.Errorf("atomicfile: %s: %w", path, err)
	}
	if err = f.Chmod(mode); err != nil {
		return fmt.Errorf("atomicfile: %s: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("atomicfile: %s: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("atomicfile: %s: %w", path, err)
	}
	if err = os.Rename(f.Name(), target); err != nil {
		return fmt.Errorf("atomicfile: %w", err)
	}
	if d, err := os.Open(dir); err == nil { // make the rename durable; best effort
		d.Sync()
		d.Close()
	}
	return nil
}
