package sparkals

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"github.com/parquet-go/parquet-go"
	"github.com/recnet/recnet/atomicfile"
	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

// ErrTarget is wrapped by Write's error for an output directory it will
// not replace: one that is not a directory, or holds files other than a
// saved ALSModel's.
var ErrTarget = errors.New("sparkals: output directory refused")

// Options are Write's settings; the zero value is the default.
type Options struct {
	// Timestamp is the metadata's timestamp, in milliseconds since 1970
	// (Spark writes the time of the save); 0 by default, so that one
	// model always gives the same bytes.
	Timestamp int64
}

// Written says what Write wrote.
type Written struct {
	Rank int // the number of features a vector
	// Columns name the columns after the model's factors: "user_bias"
	// (the user's s·(b_u+μ), 1 for an item), "offset" (c, 1 for an
	// item) and "item_bias" (1 for a user, the item's s·b_i), each only
	// when it is not zero for every row.
	Columns []string
	// Scale and Offset are s and c: the user vectors' factors are s
	// times the model's; 1 and 0 for a model that predicts on its
	// original scale.
	Scale, Offset float64
	// UserMap and ItemMap are the id maps written, "" for a side whose
	// raw ids are Spark's ids.
	UserMap, ItemMap string
	// Sidecar is the file that says how the vectors were made
	// (recnet-ids/model.json), which lets Read give back a dot model
	// exactly.
	Sidecar string
}

// Write writes m into dir as a saved Spark ALSModel (see the package
// documentation) and returns what it wrote, creating dir's parents if
// missing. dir is made whole in a
// temporary directory beside it and renamed: a failed Write leaves dir as
// it was. An existing dir is replaced only when it is empty or holds a
// saved ALSModel (metadata, userFactors, itemFactors and recnet-ids, no
// other entry); otherwise the error wraps ErrTarget. A model of a kind
// that is not a dot product plus biases gives an error wrapping
// model.ErrUnsupported.
func Write(dir string, m *model.Model, opt Options) (Written, error) {
	f, err := factorsOf(m)
	if err != nil {
		return Written{}, err
	}
	if err := checkTarget(dir); err != nil {
		return Written{}, err
	}
	parent := filepath.Dir(filepath.Clean(dir))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return Written{}, fmt.Errorf("sparkals: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".tmp-")
	if err != nil {
		return Written{}, fmt.Errorf("sparkals: %w", err)
	}
	defer os.RemoveAll(tmp) // after a rename, nothing is left there
	w := Written{Rank: f.rank, Columns: f.columns, Scale: f.scale, Offset: f.offset, Sidecar: filepath.Join(dir, idsDir, modelFile)}
	uids, umap := sparkIDs(m.Users)
	iids, imap := sparkIDs(m.Items)
	uid := f.uid()
	steps := []func() error{
		func() error { return writeMetadata(tmp, uid, f.rank, opt.Timestamp) },
		func() error { return writeFactors(filepath.Join(tmp, usersDir), uid, uids, f.user, f.rank) },
		func() error { return writeFactors(filepath.Join(tmp, itemsDir), uid, iids, f.item, f.rank) },
		func() error { return writeSidecar(filepath.Join(tmp, idsDir, modelFile), m, f) },
	}
	if umap {
		w.UserMap = filepath.Join(dir, idsDir, usersMap)
		steps = append(steps, func() error { return writeIDMap(filepath.Join(tmp, idsDir, usersMap), "user", m.Users) })
	}
	if imap {
		w.ItemMap = filepath.Join(dir, idsDir, itemsMap)
		steps = append(steps, func() error { return writeIDMap(filepath.Join(tmp, idsDir, itemsMap), "item", m.Items) })
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return Written{}, fmt.Errorf("sparkals: writing %s: %w", dir, err)
		}
	}
	if err := replaceDir(tmp, dir); err != nil {
		return Written{}, err
	}
	return w, nil
}

// The columns Write adds after the factors, in this order, each only
// when it is not zero for every row.
const (
	colUserBias = "user_bias" // user: s·(b_u+μ); item: 1
	colOffset   = "offset"    // user: c; item: 1
	colItemBias = "item_bias" // user: 1; item: s·b_i
)

// factors are the vectors Write writes, rank values a row: dim factors
// and the columns.
type factors struct {
	user, item    []float32
	dim, rank     int
	columns       []string
	scale, offset float64
}

// factorsOf returns m's vectors in Spark's form: the embeddings with the
// biases, mean and scale folded in (see the package documentation).
func factorsOf(m *model.Model) (factors, error) {
	var p, q, bu, bi []float32
	var mu float32
	var d int
	switch n := m.Net.(type) {
	case *model.Dot:
		if n.Act != model.Linear {
			return factors{}, fmt.Errorf("%w: a dot net with a %s output (Spark's prediction is the dot product alone; a linear output can be exported)", model.ErrUnsupported, n.Act)
		}
		p, q, bu, bi, d = n.UserEmb, n.ItemEmb, n.UserBias, n.ItemBias, n.Dim
	case *model.MF:
		p, q, bu, bi, d, mu = n.UserEmb, n.ItemEmb, n.UserBias, n.ItemBias, n.Dim, n.Mu
	case *model.IALS:
		p, q, d = n.UserEmb, n.ItemEmb, n.Dim
	default:
		kind := "a model without a net"
		if m.Net != nil {
			kind = m.Net.Kind()
		}
		return factors{}, fmt.Errorf("%w: %s cannot be written as a Spark ALS model; dot (linear output), mf and ials, whose score is a dot product plus biases, can", model.ErrUnsupported, kind)
	}
	users, items := m.Users.Len(), m.Items.Len()
	if d <= 0 || len(p) != users*d || len(q) != items*d {
		return factors{}, fmt.Errorf("sparkals: the model's tables do not match its %d users and %d items", users, items)
	}
	f := factors{dim: d, scale: 1}
	if !m.Config.NoScale && !m.Config.Implicit() && m.Max > m.Min {
		f.scale, f.offset = m.Max-m.Min, m.Min
	}
	ub := make([]float32, users)
	ib := make([]float32, items)
	var withUB, withIB bool
	for u := range ub {
		b := float64(mu)
		if bu != nil {
			b += float64(bu[u])
		}
		ub[u] = float32(f.scale * b)
		withUB = withUB || ub[u] != 0
	}
	for i := range ib {
		if bi != nil {
			ib[i] = float32(f.scale * float64(bi[i]))
		}
		withIB = withIB || ib[i] != 0
	}
	for _, c := range []struct {
		name string
		with bool
	}{{colUserBias, withUB}, {colOffset, float32(f.offset) != 0}, {colItemBias, withIB}} {
		if c.with {
			f.columns = append(f.columns, c.name)
		}
	}
	f.rank = d + len(f.columns)
	f.user = make([]float32, users*f.rank)
	f.item = make([]float32, items*f.rank)
	for u := range users {
		row := f.user[u*f.rank : (u+1)*f.rank]
		for j, v := range p[u*d : (u+1)*d] {
			row[j] = float32(f.scale * float64(v))
		}
		f.extra(row[d:], ub[u], float32(f.offset), 1)
	}
	for i := range items {
		row := f.item[i*f.rank : (i+1)*f.rank]
		copy(row, q[i*d:(i+1)*d])
		f.extra(row[d:], 1, 1, ib[i])
	}
	for _, t := range []struct {
		what string
		vecs []float32
	}{{"user", f.user}, {"item", f.item}} {
		for k, v := range t.vecs {
			if math.IsInf(float64(v), 0) || math.IsNaN(float64(v)) {
				return factors{}, fmt.Errorf("sparkals: %s %d's vector holds %v at %d once scaled by %g", t.what, k/f.rank, v, k%f.rank, f.scale)
			}
		}
	}
	return f, nil
}

// extra sets the added columns of a vector: ub, off and ib for the user
// bias, offset and item bias columns.
func (f factors) extra(dst []float32, ub, off, ib float32) {
	for k, c := range f.columns {
		switch c {
		case colUserBias:
			dst[k] = ub
		case colOffset:
			dst[k] = off
		case colItemBias:
			dst[k] = ib
		}
	}
}

// uid returns the model's uid, "als_" and 12 hex digits of a hash of the
// vectors: the same model gets the same uid.
func (f factors) uid() string {
	h := fnv.New64a()
	buf := make([]byte, 4)
	for _, t := range [][]float32{f.user, f.item} {
		for _, v := range t {
			b := math.Float32bits(v)
			buf[0], buf[1], buf[2], buf[3] = byte(b), byte(b>>8), byte(b>>16), byte(b>>24)
			h.Write(buf)
		}
	}
	return fmt.Sprintf("als_%012x", h.Sum64()&(1<<48-1))
}

// sparkIDs returns Spark's id of each inner id: the raw ids when all are
// canonical integers within int32 (mapped false), else the inner ids.
func sparkIDs(m *dataset.IDMap) (ids []int32, mapped bool) {
	ids = make([]int32, m.Len())
	if ints, ok := m.Ints(); ok {
		fit := true
		for k, v := range ints {
			if v < math.MinInt32 || v > math.MaxInt32 {
				fit = false
				break
			}
			ids[k] = int32(v)
		}
		if fit {
			return ids, false
		}
	}
	for k := range ids {
		ids[k] = int32(k)
	}
	return ids, true
}

// writeMetadata writes metadata/part-00000 and metadata/_SUCCESS.
func writeMetadata(dir, uid string, rank int, timestamp int64) error {
	md := metadata{Class: ModelClass, Timestamp: timestamp, SparkVersion: SparkVersion, UID: uid,
		ParamMap: defaultParams, DefaultParamMap: defaultParams, Rank: rank}
	js, err := json.Marshal(md)
	if err != nil {
		return err
	}
	sub := filepath.Join(dir, metadataDir)
	return writeFiles(sub, map[string][]byte{partFile: append(js, '\n'), successFile: nil})
}

// writeFactors writes a factor table as Spark does: one Snappy Parquet
// part file and _SUCCESS.
func writeFactors(dir, uid string, ids []int32, t []float32, rank int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	name := fmt.Sprintf("%s-%s-c000.snappy.parquet", partFile, pseudoUUID(uid))
	err := atomicfile.Write(filepath.Join(dir, name), func(w io.Writer) error {
		pw := parquet.NewGenericWriter[factorRow](w, factorSchema, parquet.Compression(&parquet.Snappy),
			parquet.KeyValueMetadata(rowMetadataKey, rowMetadata), parquet.KeyValueMetadata(versionKey, SparkVersion))
		buf := make([]factorRow, 0, 1024)
		for k, id := range ids {
			buf = append(buf, factorRow{id, t[k*rank : (k+1)*rank]})
			if len(buf) == cap(buf) || k == len(ids)-1 {
				if _, err := pw.Write(buf); err != nil {
					return err
				}
				buf = buf[:0]
			}
		}
		return pw.Close()
	})
	if err != nil {
		return err
	}
	return writeFiles(dir, map[string][]byte{successFile: nil})
}

// pseudoUUID formats a uid's hex digits as a UUID, as Spark names part
// files by its job's UUID.
func pseudoUUID(uid string) string {
	h := fnv.New128a()
	h.Write([]byte(uid))
	b := h.Sum(nil)
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// writeFiles writes each named file into dir, creating dir.
func writeFiles(dir string, files map[string][]byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// writeIDMap writes the map of Spark ids (inner ids) to raw ids.
func writeIDMap(path, col string, m *dataset.IDMap) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		if err := cw.Write([]string{"id", col}); err != nil {
			return err
		}
		for k, raw := range m.IDs() {
			if err := cw.Write([]string{strconv.Itoa(k), raw}); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	})
}
