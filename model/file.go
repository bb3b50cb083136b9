package model

// A model file, version 2. Integers are little-endian.
//
//	offset  size  field
//	0       8     magic "RECNET\x00\x00"
//	8       4     uint32 format version (FileVersion)
//	12      8     uint64 length H of the JSON header
//	20      H     JSON header (fileHeader below): config, kind, rating range,
//	              raw ids in inner order, history, best epoch, table shapes
//	20+H    4*N   every table's float32 values, row-major, in header order
//	        4*S   the seen items, when the header has "seen" (below)
//	end-4   4     uint32 CRC-32C (Castagnoli) of every byte before it
//
// The seen items (see Seen) are, when the header's "seen" object gives R
// entries and V rating values: U+1 uint32 offsets (U users), R uint32
// entries item<<8|code, and V float32 rating values; S = U+1+R+V. A file
// without "seen" (every version 1 file, and a model saved without them)
// loads with Model.Seen nil.
//
// Version 2 saves the settings as Config marshals them: the kind, then the
// training settings every kind shares and the settings of the kind in
// objects of their own. Version 1 saved them as one flat object, with the
// kind under "model"; Read reads both.
//
// Version 3 is version 2 with item features (Model.Features): a
// "features" object in the header (feature names, each item's features as
// offsets and indices, the new items) and the feature tables among the
// tables; item_embedding and item_bias hold each item's effective row.
// Write writes it only for a model with features, so a model without them
// is the same version 2 file as before.
//
// Version 4 is version 2 with the svdpp setting (SVDppFileVersion): the
// rated_embedding table among the tables.
//
// The trailer does not depend on the version: in every version the last four
// bytes are the CRC-32C of the bytes before them. That lets Read tell a file
// of another version (ErrVersion) from a damaged version field (ErrCorrupt).

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/internal/openctx"
)

// FileVersion is the version of the model file format that Write writes
// for a model without item features. Read reads it and every earlier
// version (1).
const FileVersion = 2

// FeaturesFileVersion is the version Write writes for a model with item
// features (Model.Features): version 2 and a "features" object in the
// header (feature names, each item's features, the new items), with the
// feature tables among the tables. A reader of version 2 refuses it,
// rather than lose the features.
const FeaturesFileVersion = 3

// configV1 is a Config as version 1 files hold it: one flat object, with
// the kind under "model".
type configV1 struct {
	Model string `json:"model"`
	Training
	Settings
}

// Errors returned by Read and Load, wrapped with the file name and details.
var (
	// ErrCorrupt means the input is not an intact model file: bad magic,
	// truncated, checksum mismatch, inconsistent header or trailing data.
	ErrCorrupt = errors.New("model: corrupt model file")
	// ErrVersion means an intact model file of a version this build does
	// not read.
	ErrVersion = errors.New("model: unsupported model file version")
	// ErrNonFinite means a table holds a NaN or an infinite weight: the
	// model diverged, and neither Write nor Read accepts it.
	ErrNonFinite = errors.New("model: non-finite weight")
	// ErrBadRange means the rating range (min, max) is not finite or has
	// min above max: neither Write nor Read accepts it. An equal min and
	// max (every rating the same) is a valid range.
	ErrBadRange = errors.New("model: bad rating range")
)

const (
	fileMagic   = "RECNET\x00\x00"
	preamble    = 8 + 4 + 8
	maxHeader   = 1 << 30 // bytes of JSON header
	maxTables   = 1 << 10
	maxFloats   = min(1<<34, math.MaxInt/4) // values in all tables: 64 GiB on 64-bit systems
	chunkFloats = 1 << 14                   // values encoded or decoded per I/O call
	idsBase64   = "base64"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// fileHeader is the JSON header of a model file.
type fileHeader struct {
	Config Config    `json:"config"`
	Kind   string    `json:"kind"`
	Min    jsonFloat `json:"min"`
	Max    jsonFloat `json:"max"`
	// IDEncoding is "" when ids are stored as JSON strings and "base64" when
	// some id is not valid UTF-8 (JSON would replace its bad bytes).
	IDEncoding string      `json:"id_encoding,omitempty"`
	Users      []string    `json:"users"`
	Items      []string    `json:"items"`
	History    []fileEpoch `json:"history"`
	BestEpoch  int         `json:"best_epoch"`
	Tables     []fileTable `json:"tables"`
	// Step is Model.Step; absent means 0.
	Step jsonFloat `json:"step,omitempty"`
	// Seen gives the sizes of the seen section; nil when there is none.
	Seen *fileSeen `json:"seen,omitempty"`
	// Features are the item features (version 3 only); nil when there are
	// none.
	Features *fileFeatures `json:"features,omitempty"`
}

// fileFeatures are a model's ItemFeatures in the file header: the feature
// names, each item's features in compressed rows (offsets, one more than
// the items, into index) and the new items, inner ids ascending.
type fileFeatures struct {
	Names   []string `json:"names"`
	Offsets []int32  `json:"offsets"`
	Index   []int32  `json:"index"`
	New     []int32  `json:"new"`
}

// fileSeen gives the sizes of the seen section of a model file.
type fileSeen struct {
	Ratings int64 `json:"ratings"` // entries
	Values  int   `json:"values"`  // rating values
	Approx  bool  `json:"approx,omitempty"`
}

// words returns the number of 4-byte words of the section for users users.
func (s *fileSeen) words(users int) int64 {
	if s == nil {
		return 0
	}
	return int64(users) + 1 + s.Ratings + int64(s.Values)
}

// fileEpoch is Epoch with floats that may be NaN or infinite (a run without
// validation data has NaN validation losses).
type fileEpoch struct {
	Epoch   int       `json:"epoch"`
	Loss    jsonFloat `json:"loss"`
	ValLoss jsonFloat `json:"val_loss"`
	ValRMSE jsonFloat `json:"val_rmse"`
	Seconds jsonFloat `json:"seconds"`
	// ValNDCG is absent when not measured, and in files written before
	// it was.
	ValNDCG *jsonFloat `json:"val_ndcg,omitempty"`
}

type fileTable struct {
	Name string `json:"name"`
	Rows int    `json:"rows"`
	Cols int    `json:"cols"`
}

// jsonFloat is a float64 whose JSON form is a number, or "NaN", "+Inf" or
// "-Inf".
type jsonFloat float64

func (f jsonFloat) MarshalJSON() ([]byte, error) {
	switch v := float64(f); {
	case math.IsNaN(v):
		return []byte(`"NaN"`), nil
	case math.IsInf(v, 0):
		return []byte(fmt.Sprintf(`"%+g"`, v)), nil
	default:
		return strconv.AppendFloat(nil, v, 'g', -1, 64), nil
	}
}

func (f *jsonFloat) UnmarshalJSON(b []byte) error {
	var v float64
	var err error
	switch s := string(b); s {
	case `"NaN"`:
		v = math.NaN()
	case `"+Inf"`:
		v = math.Inf(1)
	case `"-Inf"`:
		v = math.Inf(-1)
	default:
		v, err = strconv.ParseFloat(s, 64)
	}
	*f = jsonFloat(v)
	return err
}

// header checks that m can be written and returns its file header and tables.
func (m *Model) header() (*fileHeader, []Param, error) {
	if m.Net == nil {
		return nil, nil, errors.New("model: cannot write a model without a net")
	}
	h := &fileHeader{
		Config: m.Config, Kind: m.Net.Kind(), Min: jsonFloat(m.Min), Max: jsonFloat(m.Max),
		Users: idsOf(m.Users), Items: idsOf(m.Items), BestEpoch: m.BestEpoch, Step: jsonFloat(m.Step),
	}
	if m.Seen != nil {
		if err := firstError(m.Seen.check(len(h.Users), len(h.Items)), m.Seen.checkRange(m.Min, m.Max)); err != nil {
			return nil, nil, fmt.Errorf("model: %v", err)
		}
		h.Seen = &fileSeen{Ratings: int64(len(m.Seen.Packed)), Values: len(m.Seen.Values), Approx: m.Seen.Approx}
	}
	for _, e := range m.History {
		fe := fileEpoch{e.Epoch, jsonFloat(e.Loss), jsonFloat(e.ValLoss), jsonFloat(e.ValRMSE), jsonFloat(e.Seconds), nil}
		if !math.IsNaN(e.ValNDCG) {
			v := jsonFloat(e.ValNDCG)
			fe.ValNDCG = &v
		}
		h.History = append(h.History, fe)
	}
	if err := CheckRange(m.Min, m.Max, m.Step); err != nil {
		return nil, nil, err
	}
	params := m.Net.Params()
	for _, p := range params {
		if p.Rows < 0 || p.Cols < 0 || len(p.Data) != p.Rows*p.Cols {
			return nil, nil, fmt.Errorf("model: table %s has shape %dx%d but %d values", p.Name, p.Rows, p.Cols, len(p.Data))
		}
		h.Tables = append(h.Tables, fileTable{p.Name, p.Rows, p.Cols})
		if err := checkFinite(p, ""); err != nil {
			return nil, nil, err
		}
	}
	if err := checkTables(h); err != nil {
		return nil, nil, fmt.Errorf("model: %s", err)
	}
	if fn, ok := m.Net.(featureNet); ok && fn.FeatureRows() > 0 && m.Features == nil {
		return nil, nil, errors.New("model: feature tables without item features")
	}
	if f := m.Features; f != nil {
		if err := checkFeatures(f, m.Net, len(h.Items)); err != nil {
			return nil, nil, fmt.Errorf("model: %s", err)
		}
		h.Features = &fileFeatures{Names: f.Names, Offsets: f.Offsets, Index: f.Index, New: f.New}
		if h.Features.New == nil {
			h.Features.New = []int32{}
		}
	}
	if !allUTF8(h.Users) || !allUTF8(h.Items) {
		h.IDEncoding = idsBase64
		h.Users, h.Items = encodeIDs(h.Users), encodeIDs(h.Items)
	}
	return h, params, nil
}

// checkFinite returns an error wrapping ErrNonFinite naming p and the
// place of its first NaN or infinite value, if any; where (say, " in
// FILE") follows ErrNonFinite in the message.
func checkFinite(p Param, where string) error {
	for k, v := range p.Data {
		if !Finite(float64(v)) {
			row, col := k, 0
			if p.Cols > 0 {
				row, col = k/p.Cols, k%p.Cols
			}
			return fmt.Errorf("%w%s: table %s holds %v at row %d, column %d (the model diverged)", ErrNonFinite, where, p.Name, v, row, col)
		}
	}
	return nil
}

// MaxRatingAbs bounds the magnitude of a model's rating range: rating
// scales are small, and a range like -1e308..1e308 is a corrupt file (its
// scores printed 300 digits).
const MaxRatingAbs = 1e9

// checkRange returns an error wrapping ErrBadRange when min or max is NaN,
// infinite or beyond ±MaxRatingAbs, or min is above max; where (say, " in
// FILE") follows ErrBadRange in the message.
func checkRange(min, max float64, where string) error {
	switch {
	case !Finite(min) || math.Abs(min) > MaxRatingAbs:
		return fmt.Errorf("%w%s: min is %v, not a finite number within ±%g", ErrBadRange, where, min, MaxRatingAbs)
	case !Finite(max) || math.Abs(max) > MaxRatingAbs:
		return fmt.Errorf("%w%s: max is %v, not a finite number within ±%g", ErrBadRange, where, max, MaxRatingAbs)
	case min > max:
		return fmt.Errorf("%w%s: min %g above max %g", ErrBadRange, where, min, max)
	}
	return nil
}

// checkStep returns an error when step is not a rating step of the
// range min..max: 0 (none), or a finite number above 0 and at most the
// span, as model.RatingStep finds (a step of 1e300 on 1..5 is a corrupt
// file). The range is checked first.
func checkStep(step, min, max float64) error {
	if step != 0 && !(step > 0 && step <= max-min) {
		return fmt.Errorf("rating step %v is not 0 or a number above 0 up to the span %g of the range", step, max-min)
	}
	return nil
}

// CheckRange returns the error Write and Read give for a rating range
// min..max and step a model file cannot hold: one wrapping ErrBadRange
// when min or max is not finite or beyond ±MaxRatingAbs, or min is above
// max, and one saying so when step is neither 0 nor a number above 0 up
// to max-min. Those reading a range from elsewhere (an export's sidecar)
// check it with this.
func CheckRange(min, max, step float64) error {
	if err := checkRange(min, max, ""); err != nil {
		return err
	}
	if err := checkStep(step, min, max); err != nil {
		return fmt.Errorf("model: %v", err)
	}
	return nil
}

// checkTables checks the table list of h: names present and unique, shapes
// non-negative, sizes bounded, and id-indexed tables (user_embedding,
// user_bias, item_embedding, item_bias) with one row per id; a net of
// other tables says its sizes (Sizer), which Read checks once it is built.
func checkTables(h *fileHeader) error {
	if len(h.Tables) > maxTables {
		return fmt.Errorf("%d tables (at most %d)", len(h.Tables), maxTables)
	}
	ids := map[string]int{"user_embedding": len(h.Users), "user_bias": len(h.Users),
		"item_embedding": len(h.Items), "item_bias": len(h.Items)}
	seen := map[string]bool{}
	var total int64
	for _, t := range h.Tables {
		rows, cols := int64(t.Rows), int64(t.Cols)
		switch {
		case t.Name == "" || seen[t.Name]:
			return fmt.Errorf("table name %q is empty or repeated", t.Name)
		case rows < 0 || cols < 0 || (cols > 0 && rows > (maxFloats-total)/cols):
			return fmt.Errorf("table %s has an impossible shape %dx%d", t.Name, t.Rows, t.Cols)
		}
		seen[t.Name] = true
		total += rows * cols
		if n, ok := ids[t.Name]; ok && t.Rows != n {
			return fmt.Errorf("table %s has %d rows for %d ids", t.Name, t.Rows, n)
		}
	}
	return nil
}

func idsOf(m *dataset.IDMap) []string {
	if m == nil {
		return []string{}
	}
	return m.IDs()
}

func allUTF8(ids []string) bool {
	for _, id := range ids {
		if !utf8.ValidString(id) {
			return false
		}
	}
	return true
}

func encodeIDs(ids []string) []string {
	out := make([]string, len(ids))
	for k, id := range ids {
		out[k] = base64.StdEncoding.EncodeToString([]byte(id))
	}
	return out
}

// Write writes m in the model file format (see FileVersion). A table with
// a NaN or infinite value is refused with an error wrapping ErrNonFinite,
// and a rating range that is not finite or has Min above Max with one
// wrapping ErrBadRange.
func (m *Model) Write(w io.Writer) error {
	h, params, err := m.header()
	if err != nil {
		return err
	}
	js, err := json.Marshal(h)
	if err != nil {
		return fmt.Errorf("model: encoding the file header: %w", err)
	}
	cw := &crcWriter{w: w}
	pre := make([]byte, preamble, preamble+len(js))
	copy(pre, fileMagic)
	version := uint32(FileVersion)
	switch {
	case h.Features != nil:
		version = FeaturesFileVersion
	case h.Config.withSVDpp():
		version = SVDppFileVersion
	}
	binary.LittleEndian.PutUint32(pre[8:], version)
	binary.LittleEndian.PutUint64(pre[12:], uint64(len(js)))
	if _, err := cw.Write(append(pre, js...)); err != nil {
		return fmt.Errorf("model: writing model file: %w", err)
	}
	buf := make([]byte, 4*chunkFloats)
	for _, p := range params {
		if err := writeWords(cw, p.Data, math.Float32bits, buf); err != nil {
			return fmt.Errorf("model: writing table %s: %w", p.Name, err)
		}
	}
	if s := m.Seen; s != nil {
		err := writeWords(cw, s.Offsets, ident, buf)
		if err == nil {
			err = writeWords(cw, s.Packed, ident, buf)
		}
		if err == nil {
			err = writeWords(cw, s.Values, math.Float32bits, buf)
		}
		if err != nil {
			return fmt.Errorf("model: writing the seen items: %w", err)
		}
	}
	if _, err := w.Write(binary.LittleEndian.AppendUint32(nil, cw.crc)); err != nil {
		return fmt.Errorf("model: writing model file: %w", err)
	}
	return nil
}

type crcWriter struct {
	w   io.Writer
	crc uint32
}

func (c *crcWriter) Write(p []byte) (int, error) {
	c.crc = crc32.Update(c.crc, castagnoli, p)
	return c.w.Write(p)
}

type crcReader struct {
	r   io.Reader
	crc uint32
}

func (c *crcReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.crc = crc32.Update(c.crc, castagnoli, p[:n])
	return n, err
}

// ident returns w: the bits of a uint32 word.
func ident(w uint32) uint32 { return w }

// writeWords writes data as little-endian 4-byte words, bits(v) for each
// value, len(buf)/4 at a time.
func writeWords[T any](w io.Writer, data []T, bits func(T) uint32, buf []byte) error {
	for len(data) > 0 {
		n := min(len(data), len(buf)/4)
		for k, v := range data[:n] {
			binary.LittleEndian.PutUint32(buf[4*k:], bits(v))
		}
		if _, err := w.Write(buf[:4*n]); err != nil {
			return err
		}
		data = data[n:]
	}
	return nil
}

// Load reads the model file at path; it is LoadContext with a context
// that never ends.
func Load(path string) (*Model, error) {
	return LoadContext(context.Background(), path)
}

// LoadContext reads the model file at path. Waiting for a FIFO's writer,
// or for the data of a FIFO or a device, ends with ctx, with an error
// wrapping its error.
func LoadContext(ctx context.Context, path string) (*Model, error) {
	r, err := openctx.ReadFile(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	defer r.Close()
	return Read(r, path)
}

// Save writes m to path atomically: to a temporary file in the same
// directory, synced and then renamed over path. On error the temporary file
// is removed and a file already at path is left as it was. A new file gets
// mode 0644; a replaced file keeps its mode. A symbolic link at path is
// followed to the regular file it names, which is replaced; any other
// target that is not a regular file (a directory, a device, a FIFO, a
// socket, a dangling link) is refused with an error wrapping
// atomicfile.ErrTarget, and left as it was.
func (m *Model) Save(path string) error {
	return writeFileAtomic(path, m.Write)
}

// checkFeatures checks item features f against net, of items items: a
// net with as many feature rows as f names features.
func checkFeatures(f *ItemFeatures, net Net, items int) error {
	fn, ok := net.(featureNet)
	if !ok || fn.FeatureRows() == 0 {
		return fmt.Errorf("item features without feature tables in a %s net", net.Kind())
	}
	return f.check(items, fn.FeatureRows())
}
