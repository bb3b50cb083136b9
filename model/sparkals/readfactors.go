package sparkals

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"

	"github.com/parquet-go/parquet-go"
	"github.com/recnet/recnet/internal/pqfooter"
)

// factorTable is a factor table as read: each row's Spark id, vector and
// place (file and 1-based row), in the order read.
type factorTable struct {
	rank  int
	ids   []int32
	vecs  []float32
	files []string
	where []place
}

type place struct {
	file int
	row  int64
}

func (t *factorTable) at(k int) string {
	return fmt.Sprintf("%s row %d", t.files[t.where[k].file], t.where[k].row)
}

// readBatch is the number of rows read from a file at a time.
const readBatch = 256

// readFactors reads every part file of a factor table and returns the
// Spark ids, ascending, and their vectors (rank values each).
func readFactors(dir string, rank int) ([]int32, []float32, error) {
	names, err := partFiles(dir, ".parquet")
	if err != nil {
		return nil, nil, err
	}
	t := &factorTable{rank: rank}
	for _, n := range names {
		if err := t.readFile(filepath.Join(dir, n)); err != nil {
			return nil, nil, err
		}
	}
	order := make([]int, len(t.ids))
	for k := range order {
		order[k] = k
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(t.ids[a], t.ids[b]) })
	ids := make([]int32, len(order))
	vecs := make([]float32, len(t.vecs))
	for k, o := range order {
		if k > 0 && t.ids[o] == ids[k-1] {
			return nil, nil, fmt.Errorf("%w: field id: id %d is on %s and on %s", ErrLayout, t.ids[o], t.at(order[k-1]), t.at(o))
		}
		ids[k] = t.ids[o]
		copy(vecs[k*rank:(k+1)*rank], t.vecs[o*rank:(o+1)*rank])
	}
	return ids, vecs, nil
}

// readFile reads one Parquet part file into t.
func (t *factorTable) readFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrLayout, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("%w: %v", ErrLayout, err)
	}
	if err := pqfooter.Check(f, fi.Size()); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrLayout, path, err)
	}
	pf, err := parquet.OpenFile(f, fi.Size(), parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrLayout, path, err)
	}
	if err := checkSchema(pf, t.rank); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrLayout, path, err)
	}
	if err := checkPages(f, fi.Size(), pf.Metadata()); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrLayout, path, err)
	}
	t.files = append(t.files, path)
	file := len(t.files) - 1
	r := parquet.NewGenericReader[factorRow](pf)
	defer r.Close()
	batch := make([]factorRow, readBatch)
	var row int64
	for {
		n, err := r.Read(batch)
		for _, x := range batch[:n] {
			row++
			if len(t.ids) >= MaxRows {
				return fmt.Errorf("%w: %s row %d: more than %d rows", ErrLayout, path, row, MaxRows)
			}
			if len(x.Features) != t.rank {
				return fmt.Errorf("%w: %s row %d (id %d): field features has %d values, the rank is %d", ErrLayout, path, row, x.ID, len(x.Features), t.rank)
			}
			for j, v := range x.Features {
				if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
					return fmt.Errorf("%w: %s row %d (id %d): field features holds %v at %d", ErrLayout, path, row, x.ID, v, j)
				}
			}
			t.ids = append(t.ids, x.ID)
			t.vecs = append(t.vecs, x.Features...)
			t.where = append(t.where, place{file, row})
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%w: %s after row %d: %v", ErrLayout, path, row, err)
		}
	}
}

// maxExpansion bounds the declared uncompressed size of a column chunk
// against its compressed size: a chunk declaring more is refused before
// its pages are read, and so is a page declaring more than its chunk
// (checkPages).
const maxExpansion = 1024

// checkSchema checks that pf has Spark's factor columns: id, an INT32
// that is not repeated, and features, a three-level list of FLOAT (the
// standard layout Spark 3 writes), and that no column chunk declares an
// uncompressed size out of proportion to its compressed size or its
// values.
func checkSchema(pf *parquet.File, rank int) error {
	root := pf.Root()
	id := root.Column("id")
	switch {
	case id == nil:
		return fmt.Errorf("no column id")
	case !id.Leaf() || id.Repeated() || id.Type().Kind() != parquet.Int32:
		return fmt.Errorf("column id is %v, want int32", id.Type())
	}
	feat := root.Column("features")
	if feat == nil {
		return fmt.Errorf("no column features")
	}
	list := feat.Column("list")
	var elem *parquet.Column
	if list != nil && list.Repeated() {
		elem = list.Column("element")
	}
	if feat.Leaf() || elem == nil || !elem.Leaf() || elem.Type().Kind() != parquet.Float {
		return fmt.Errorf("column features is not array<float> as Spark writes it (a LIST of list.element FLOAT)")
	}
	for g, rg := range pf.Metadata().RowGroups {
		if rg.NumRows < 0 || rg.NumRows > MaxRows {
			return fmt.Errorf("row group %d declares %d rows (at most %d)", g, rg.NumRows, MaxRows)
		}
		for _, c := range rg.Columns {
			md := c.MetaData
			limit := min(maxExpansion*md.TotalCompressedSize, 16*rg.NumRows*int64(rank+1)) + 1<<20
			if md.TotalCompressedSize < 0 || md.TotalUncompressedSize < 0 || md.TotalUncompressedSize > limit {
				return fmt.Errorf("row group %d, column %v declares %d bytes uncompressed from %d (at most %d)", g, md.PathInSchema, md.TotalUncompressedSize, md.TotalCompressedSize, limit)
			}
		}
	}
	return nil
}
