package sparkals

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/recnet/recnet/internal/quote"
)

// layoutEntries are the entries a directory Write replaces may hold.
var layoutEntries = map[string]bool{metadataDir: true, usersDir: true, itemsDir: true, idsDir: true}

// CheckTarget returns an error wrapping ErrTarget when Write would not
// write dir: a path that is a symbolic link or not a directory, or a
// directory that is neither empty nor a saved ALSModel (its entries among
// metadata, userFactors, itemFactors and recnet-ids, with metadata among
// them and readable as an ALSModel's). A dir that does not exist passes.
func CheckTarget(dir string) error { return checkTarget(dir) }

func checkTarget(dir string) error {
	fi, err := os.Lstat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("sparkals: %w", err)
	case fi.Mode()&fs.ModeSymlink != 0:
		return fmt.Errorf("%w: %s is a symbolic link (give the directory it names)", ErrTarget, dir)
	case !fi.IsDir():
		return fmt.Errorf("%w: %s is not a directory", ErrTarget, dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("sparkals: %w", err)
	}
	meta := false
	for _, e := range entries {
		if !layoutEntries[e.Name()] {
			return fmt.Errorf("%w: %s holds %s, which is no part of a saved ALSModel: give an empty or new directory, or a previous export", ErrTarget, dir, quote.Short(e.Name()))
		}
		meta = meta || e.Name() == metadataDir
	}
	if len(entries) > 0 && !meta {
		return fmt.Errorf("%w: %s is not empty and has no metadata directory: not a saved ALSModel", ErrTarget, dir)
	}
	if meta {
		if _, err := readMetadata(filepath.Join(dir, metadataDir)); err != nil {
			return fmt.Errorf("%w: %s has a metadata directory that is not a saved ALSModel's (%v)", ErrTarget, dir, err)
		}
	}
	return nil
}

// replaceDir renames tmp to dir; a dir already there (checked by
// checkTarget) is first moved aside, restored if the rename fails, and
// removed after it.
func replaceDir(tmp, dir string) error {
	if _, err := os.Lstat(dir); errors.Is(err, fs.ErrNotExist) {
		if err := os.Rename(tmp, dir); err != nil {
			return fmt.Errorf("sparkals: %w", err)
		}
		return nil
	}
	if err := checkTarget(dir); err != nil { // again, just before replacing it
		return err
	}
	old := tmp + ".old"
	if err := os.Rename(dir, old); err != nil {
		return fmt.Errorf("sparkals: moving the previous %s aside: %w", dir, err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		if e := os.Rename(old, dir); e != nil {
			return fmt.Errorf("sparkals: %w; the previous directory is kept at %s", err, old)
		}
		return fmt.Errorf("sparkals: %w", err)
	}
	if err := os.RemoveAll(old); err != nil {
		return fmt.Errorf("sparkals: removing the previous %s (kept at %s): %w", filepath.Base(dir), old, err)
	}
	return nil
}
