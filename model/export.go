package model

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/recnet/recnet/atomicfile"
)

// Export writes a model's embeddings into dir, creating it if missing, and
// returns the paths it wrote, in this order:
//
//   - user_embeddings.csv: header user,UFeature0..UFeature{d-1}, then one row
//     per user in inner order: the raw id and its embedding;
//   - item_embeddings.csv: the same for items, header item,CFeature0..;
//   - user_embeddings.npy, item_embeddings.npy: the same tables as numpy
//     .npy files (format 1.0, little-endian float32, shape (n, d), C order).
//     Row k of an .npy file is the id on row k of the matching CSV file.
//
// CSV values are the shortest decimal forms that read back as the same
// float32. Each file is written to a temporary name in dir and renamed, so a
// reader never sees half a file; if a file fails, the ones before it stay and
// their paths are returned with the error. Nets without "user_embedding" and
// "item_embedding" tables (the baselines, ease) cannot be exported: that
// error wraps ErrUnsupported.
func (m *Model) Export(dir string) ([]string, error) {
	if m.Net == nil {
		return nil, errNoNet
	}
	user, err := m.embedding("user_embedding", idsOf(m.Users))
	if err != nil {
		return nil, err
	}
	item, err := m.embedding("item_embedding", idsOf(m.Items))
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("model: export: %w", err)
	}
	writes := []func(io.Writer) error{
		func(w io.Writer) error { return writeEmbeddingCSV(w, "user", "UFeature", idsOf(m.Users), user) },
		func(w io.Writer) error { return writeEmbeddingCSV(w, "item", "CFeature", idsOf(m.Items), item) },
		func(w io.Writer) error { return writeNPY(w, user) },
		func(w io.Writer) error { return writeNPY(w, item) },
	}
	var paths []string
	for k, p := range ExportPaths(dir) {
		if err := writeFileAtomic(p, writes[k]); err != nil {
			return paths, err
		}
		paths = append(paths, p)
	}
	return paths, nil
}

// ExportPaths returns the paths Export writes in dir, in its order.
func ExportPaths(dir string) []string {
	names := []string{"user_embeddings.csv", "item_embeddings.csv", "user_embeddings.npy", "item_embeddings.npy"}
	for k, n := range names {
		names[k] = filepath.Join(dir, n)
	}
	return names
}

// embedding returns the net's table called name, checking it has one row per
// id.
func (m *Model) embedding(name string, ids []string) (Param, error) {
	for _, p := range netParams(m.Net) {
		if p.Name != name {
			continue
		}
		if p.Rows != len(ids) || len(p.Data) != p.Rows*p.Cols {
			return p, fmt.Errorf("model: table %s has shape %dx%d (%d values) for %d ids", name, p.Rows, p.Cols, len(p.Data), len(ids))
		}
		return p, nil
	}
	return Param{}, fmt.Errorf("%w: %s net has no %s table to export", ErrUnsupported, m.Net.Kind(), name)
}

// An embedder is a net whose user and item embeddings are not among its
// tables (a blend's are its members', side by side): Embeddings returns
// them as tables named user_embedding and item_embedding, or none.
type embedder interface {
	Embeddings() []Param
}

// netParams returns the net's tables, with its embeddings when it is an
// embedder.
func netParams(n Net) []Param {
	if e, ok := n.(embedder); ok {
		return append(e.Embeddings(), n.Params()...)
	}
	return n.Params()
}

// writeEmbeddingCSV writes a header idCol,prefix0,prefix1,... and a row per id.
func writeEmbeddingCSV(w io.Writer, idCol, prefix string, ids []string, p Param) error {
	cw := csv.NewWriter(w)
	rec := make([]string, 1+p.Cols)
	rec[0] = idCol
	for j := range p.Cols {
		rec[1+j] = prefix + strconv.Itoa(j)
	}
	if err := cw.Write(rec); err != nil {
		return err
	}
	for r, id := range ids {
		rec[0] = id
		for j, v := range p.Data[r*p.Cols : (r+1)*p.Cols] {
			rec[1+j] = strconv.FormatFloat(float64(v), 'g', -1, 32)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// npyHeader returns the preamble of a .npy file (format 1.0) holding a
// little-endian float32 array of the given shape in C order: magic, version,
// header length and a Python dict literal padded with spaces and ended by a
// newline so that the data starts at a multiple of 64 bytes.
func npyHeader(rows, cols int) []byte {
	dict := fmt.Sprintf("{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }", rows, cols)
	const fixed = 6 + 2 + 2 // magic, version, header length
	pad := (64 - (fixed+len(dict)+1)%64) % 64
	hdr := dict + strings.Repeat(" ", pad) + "\n"
	out := append([]byte("\x93NUMPY\x01\x00"), byte(len(hdr)), byte(len(hdr)>>8))
	return append(out, hdr...)
}

// writeNPY writes p as a .npy file.
func writeNPY(w io.Writer, p Param) error {
	if _, err := w.Write(npyHeader(p.Rows, p.Cols)); err != nil {
		return err
	}
	return writeWords(w, p.Data, math.Float32bits, make([]byte, 4*chunkFloats))
}

// writeFileAtomic writes path through atomicfile, wrapping errors.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	if err := atomicfile.Write(path, write); err != nil {
		return fmt.Errorf("model: writing %s: %w", path, err)
	}
	return nil
}
