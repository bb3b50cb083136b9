package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/recnet/recnet/atomicfile"
	"github.com/recnet/recnet/dataset"
)

// outputRule ends the --help of every flag that names a file to write.
const outputRule = " (written to a temporary file and renamed; a symbolic link is followed and the regular file it names is replaced, the link kept; an input file, a directory, a device, a FIFO, a socket or a dangling link is refused)"

// input is a file a command reads, with the flag that names it: every
// output is checked against the inputs so that no write replaces one.
type input struct {
	flag, path string
}

// checkOutput refuses, as an input error naming the flag, an output path
// that atomicfile would not replace or that is one of inputs (naming the
// input's flag too). An empty path passes. "-" is refused: only gen writes
// to standard output, and it checks its --out with checkOutputOrStdout.
func checkOutput(flag, path string, inputs ...input) error {
	if path == "" {
		return nil
	}
	if path == "-" {
		return badInput(fmt.Errorf("--%s: - (standard output) is not supported here: give a file name (./- for a file named -)", flag))
	}
	if err := checkDir(flag, filepath.Dir(path), "the directory of "+path); err != nil {
		return err
	}
	if err := atomicfile.Check(path); err != nil {
		return outputErr(flag, err)
	}
	for _, in := range inputs {
		if err := atomicfile.Check(path, in.path); err != nil {
			if errors.Is(err, atomicfile.ErrTarget) {
				return badInput(fmt.Errorf("--%s and --%s name one file: %w", flag, in.flag, err))
			}
			return err
		}
	}
	return nil
}

// checkOutputOrStdout is checkOutput for a flag where "-" means standard
// output.
func checkOutputOrStdout(flag, path string, inputs ...input) error {
	if path == "-" {
		return nil
	}
	return checkOutput(flag, path, inputs...)
}

// checkDir refuses, as an input error naming the flag, a directory that
// does not exist or is not a directory (what says what it is, e.g. "the
// directory of m.recnet"), so that a run is refused before its work
// rather than failing at the end.
func checkDir(flag, dir, what string) error {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return badInput(fmt.Errorf("--%s: %s, %s, does not exist; create it first", flag, what, dir))
	case err != nil && errors.Is(err, syscall.ENOTDIR), err == nil && !fi.IsDir():
		return badInput(fmt.Errorf("--%s: %s, %s, is not a directory", flag, what, dir))
	case err != nil:
		return badInput(fmt.Errorf("--%s: %w", flag, err))
	}
	return nil
}

// outputErr marks an error of writing flag's file as an input error naming
// the flag when the target was refused; other errors pass unchanged.
func outputErr(flag string, err error) error {
	if errors.Is(err, atomicfile.ErrTarget) {
		return badInput(fmt.Errorf("--%s: %w", flag, err))
	}
	return err
}

// inputs returns the files the data flags read: --data (the database file
// of a sqlite: URL), --train, --valid, --test and --item-features. URLs and
// "builtin" name no file and are left out.
func (f *dataFlags) inputs() []input {
	var ins []input
	for _, in := range [...]input{{"data", f.data}, {"train", f.train}, {"valid", f.valid}, {"test", f.test}, {"item-features", f.itemFeatures}} {
		if p := inputFile(in.path); p != "" {
			ins = append(ins, input{in.flag, p})
		}
	}
	return ins
}

// inputFile returns the file a data source reads (dataset.LocalFile): the
// source itself, the database of a sqlite: URL, or "" for another URL and
// "builtin".
func inputFile(src string) string {
	if src == "builtin" {
		return ""
	}
	path, _ := dataset.LocalFile(src)
	return path
}

// checkOutputs checks each flag's output path (given as flag, path pairs)
// with checkOutput against inputs, and refuses two flags that name the same
// file, whatever the paths.
func checkOutputs(inputs []input, flagPaths ...string) error {
	for k := 0; k+1 < len(flagPaths); k += 2 {
		if err := checkOutput(flagPaths[k], flagPaths[k+1], inputs...); err != nil {
			return err
		}
	}
	for k := 0; k+1 < len(flagPaths); k += 2 {
		a := flagPaths[k+1]
		for j := k + 2; j+1 < len(flagPaths); j += 2 {
			b := flagPaths[j+1]
			if a == "" || a == "-" || b == "" || b == "-" || !atomicfile.Same(a, b) {
				continue
			}
			return badInput(fmt.Errorf("--%s %s and --%s %s name the same file: the second write would replace the first; give each its own file",
				flagPaths[k], a, flagPaths[j], b))
		}
	}
	return nil
}

// checkInputsDistinct refuses, as an input error naming both flags, one
// file given twice among --train, --valid and --test, whatever the paths
// (os.SameFile): the test would be measured on the rows trained on. Only
// plain files are compared (a database may hold a table for each part);
// a file that cannot be read is left to the loader.
func (f *dataFlags) checkInputsDistinct() error {
	flags := [...]struct{ name, src string }{{"train", f.train}, {"valid", f.valid}, {"test", f.test}}
	var fis [len(flags)]os.FileInfo
	for k, fl := range flags {
		if path, ok := dataset.LocalFile(fl.src); ok && path == fl.src && fl.src != "builtin" {
			fis[k], _ = os.Stat(path)
		}
		for j := range k {
			if fis[j] != nil && fis[k] != nil && os.SameFile(fis[j], fis[k]) {
				return badInput(fmt.Errorf("--%s %s and --%s %s name the same file: give each part its own file",
					flags[j].name, flags[j].src, fl.name, fl.src))
			}
		}
	}
	return nil
}
