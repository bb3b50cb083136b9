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
// target removes such leftovers, the regular files of exactly that
// pattern. Where the file system has advisory locks (flock), each writer
// holds the lock of its temporary file from its creation to its rename, so
// a file of the pattern that nobody holds is a leftover whatever its age,
// and is removed at once. Elsewhere a leftover is a file not modified for
// StaleAge (a live writer writes to its file all along).
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
	t, err := begin(path)
	if err != nil {
		return err
	}
	defer func() { t.end(err) }()
	bw := bufio.NewWriterSize(t.f, 1<<16)
	if err = fill(bw); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return fmt.Errorf("atomicfile: %s: %w", path, err)
	}
	return t.commit()
}

// WriteFile is Write for a writer that needs a file name rather than an
// io.Writer, such as a database engine: fill gets the name of the
// temporary file, empty, in the target's directory, writes it and closes
// every handle on it; WriteFile then renames it over the target, or
// removes it when fill fails. Targets are followed or refused as by Write.
func WriteFile(path string, fill func(tmp string) error) (err error) {
	t, err := begin(path)
	if err != nil {
		return err
	}
	defer func() { t.end(err) }()
	if err = fill(t.f.Name()); err != nil {
		return err
	}
	return t.commit()
}

// temp is a write in progress: the temporary file f, open and, where
// locked, locked against the removal of leftovers, to be renamed over
// target.
type temp struct {
	path, target string
	mode         fs.FileMode
	f            *os.File
	locked, done bool
}

// begin resolves path's target, removes the leftovers of killed writes to
// it and creates the temporary file beside it.
func begin(path string) (*temp, error) {
	target, fi, err := resolve(path)
	if err != nil {
		return nil, err
	}
	mode := fs.FileMode(0o644)
	if fi != nil {
		mode = fi.Mode().Perm()
	}
	dir := filepath.Dir(target)
	removeLeftovers(dir, filepath.Base(target))
	f, locked, err := createLocked(dir, tempPattern(filepath.Base(target)))
	if err != nil {
		return nil, fmt.Errorf("atomicfile: %w", err)
	}
	return &temp{path: path, target: target, mode: mode, f: f, locked: locked}, nil
}

// createLocked creates a temporary file in dir and takes its lock, where
// there are locks. Between the two, another writer's removal of leftovers
// may take the new file for one and remove it: the file is then created
// anew. The lock is held until the file is renamed or removed.
func createLocked(dir, pattern string) (f *os.File, locked bool, err error) {
	for range 100 {
		if f, err = os.CreateTemp(dir, pattern); err != nil {
			return nil, false, err
		}
		if !lockWriter(f) {
			return f, false, nil
		}
		if named(f) {
			return f, true, nil
		}
		f.Close()
	}
	return nil, false, fmt.Errorf("%s: temporary files removed as soon as created", dir)
}

// named reports whether f's name still names f.
func named(f *os.File) bool {
	fi, err := f.Stat()
	if err != nil {
		return false
	}
	li, err := os.Lstat(f.Name())
	return err == nil && os.SameFile(fi, li)
}

// end removes the temporary file unless the write was committed; a locked
// file is removed before it is closed, while still locked.
func (t *temp) end(err error) {
	if err == nil && t.done {
		return
	}
	if t.locked {
		os.Remove(t.f.Name())
		t.f.Close()
		return
	}
	t.f.Close()
	os.Remove(t.f.Name())
}

// commit sets the mode, syncs and renames the temporary file over the
// target. A locked file is renamed before it is closed, so that its lock
// guards it to the end; elsewhere it is closed first, as some systems
// cannot rename an open file.
func (t *temp) commit() error {
	f := t.f
	if err := f.Chmod(t.mode); err != nil {
		return fmt.Errorf("atomicfile: %s: %w", t.path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("atomicfile: %s: %w", t.path, err)
	}
	if !t.locked {
		if err := f.Close(); err != nil {
			return fmt.Errorf("atomicfile: %s: %w", t.path, err)
		}
	}
	if err := os.Rename(f.Name(), t.target); err != nil {
		return fmt.Errorf("atomicfile: %w", err)
	}
	t.done = true
	if t.locked {
		f.Close() // synced and renamed: nothing is lost on a close error
	}
	if d, err := os.Open(filepath.Dir(t.target)); err == nil { // make the rename durable; best effort
		d.Sync()
		d.Close()
	}
	return nil
}
