package model

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"slices"

	"github.com/recnet/recnet/internal/quote"

	"github.com/recnet/recnet/dataset"
)

// Read reads a model file from r; name (a path, say) is used in errors.
// Damaged input gives an error wrapping ErrCorrupt, an intact file of another
// format version one wrapping ErrVersion, an intact file whose tables hold
// a NaN or infinite value one wrapping ErrNonFinite, and one whose rating
// range is not finite or has min above max one wrapping ErrBadRange. When
// the size of r is known (an *os.File, or a reader with a Len method such
// as *bytes.Reader) it bounds
// every length field before anything is allocated; otherwise memory grows
// only as data actually arrives.
func Read(r io.Reader, name string) (*Model, error) {
	f := &fileReader{r: r, cr: &crcReader{r: r}, name: name, left: -1}
	switch v := r.(type) {
	case interface{ Len() int }:
		f.left = int64(v.Len())
	case *os.File:
		if fi, err := v.Stat(); err == nil && fi.Mode().IsRegular() {
			if pos, err := v.Seek(0, io.SeekCurrent); err == nil {
				f.left = fi.Size() - pos
			}
		}
	}
	h, err := f.header()
	if err != nil {
		return nil, err
	}
	users, items, err := f.ids(h)
	if err != nil {
		return nil, err
	}
	params, err := f.tables(h.Tables)
	if err != nil {
		return nil, err
	}
	seen, err := f.seen(h.Seen, users.Len())
	if err != nil {
		return nil, err
	}
	if err := f.trailer(); err != nil {
		return nil, err
	}
	if seen != nil {
		if err := firstError(seen.check(users.Len(), items.Len()), seen.checkRange(float64(h.Min), float64(h.Max))); err != nil {
			return nil, f.corrupt("%v", err)
		}
	}
	for _, p := range params {
		if err := checkFinite(p, " in "+name); err != nil {
			return nil, err
		}
	}
	if err := checkRange(float64(h.Min), float64(h.Max), " in "+name); err != nil {
		return nil, err
	}
	if err := checkStep(float64(h.Step), float64(h.Min), float64(h.Max)); err != nil {
		return nil, fmt.Errorf("%w %s: %v", ErrCorrupt, name, err)
	}
	net, err := Build(h.Kind, h.Config, params)
	if err != nil {
		return nil, fmt.Errorf("model: %s holds a %q net that cannot be rebuilt: %w", name, h.Kind, err)
	}
	if s, ok := net.(Sizer); ok {
		if u, i := s.Sizes(); u != users.Len() || i != items.Len() {
			return nil, fmt.Errorf("%w %s: its %s net holds %d users and %d items, its ids %d and %d", ErrCorrupt, name, h.Kind, u, i, users.Len(), items.Len())
		}
	}
	m := &Model{
		Config: h.Config, Net: net, Users: users, Items: items,
		Min: float64(h.Min), Max: float64(h.Max), BestEpoch: h.BestEpoch,
		Step: float64(h.Step), Seen: seen,
	}
	if err := m.readFeatures(h.Features, name); err != nil {
		return nil, err
	}
	for _, e := range h.History {
		ndcg := math.NaN()
		if e.ValNDCG != nil {
			ndcg = float64(*e.ValNDCG)
		}
		m.History = append(m.History, Epoch{e.Epoch, float64(e.Loss), float64(e.ValLoss), float64(e.ValRMSE), ndcg, float64(e.Seconds)})
	}
	return m, nil
}

// fileReader reads the parts of a model file in turn.
type fileReader struct {
	r    io.Reader  // the input
	cr   *crcReader // the input, summed
	name string
	left int64 // bytes left after the header, or -1 if unknown
}

// corrupt returns an ErrCorrupt naming the file and what is wrong.
func (f *fileReader) corrupt(format string, args ...any) error {
	return fmt.Errorf("%w %s: %s", ErrCorrupt, f.name, fmt.Sprintf(format, args...))
}

// readErr turns an error of io.ReadFull in reading what into a truncation
// or an I/O error.
func (f *fileReader) readErr(err error, what string) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return f.corrupt("truncated in %s", what)
	}
	return fmt.Errorf("model: reading %s: %w", f.name, err)
}

// header reads and checks everything up to the table data.
func (f *fileReader) header() (*fileHeader, error) {
	version, hlen, err := f.preamble()
	if err != nil {
		return nil, err
	}
	var hb bytes.Buffer
	if f.left >= 0 {
		hb.Grow(int(hlen))
	}
	if _, err := io.CopyN(&hb, f.cr, int64(hlen)); err != nil {
		return nil, f.readErr(err, "the header")
	}
	h, err := decodeHeader(hb.Bytes(), version)
	if err != nil {
		return nil, f.corrupt("bad header: %v", err)
	}
	if (h.Features != nil) != (version == FeaturesFileVersion) {
		return nil, f.corrupt("bad header: item features in a version %d file", version)
	}
	if h.Config.withSVDpp() != (version == SVDppFileVersion) {
		return nil, f.corrupt("bad header: the svdpp setting in a version %d file", version)
	}
	if err := checkTables(h); err != nil {
		return nil, f.corrupt("bad header: %v", err)
	}
	if err := checkSeenHeader(h, version); err != nil {
		return nil, f.corrupt("bad header: %v", err)
	}
	if err := f.checkLeft(h); err != nil {
		return nil, err
	}
	return h, nil
}

// preamble reads the magic number, the version and the header length,
// and checks the length against the bytes left when they are known.
func (f *fileReader) preamble() (version uint32, hlen uint64, err error) {
	pre := make([]byte, preamble)
	n, err := io.ReadFull(f.cr, pre[:8])
	switch {
	case n == 0 && err == io.EOF:
		return 0, 0, f.corrupt("empty file")
	case !bytes.HasPrefix([]byte(fileMagic), pre[:n]):
		return 0, 0, f.corrupt("not a recnet model file (starts with %q)", pre[:n])
	case err != nil:
		return 0, 0, f.readErr(err, "the magic number")
	}
	if _, err := io.ReadFull(f.cr, pre[8:12]); err != nil {
		return 0, 0, f.readErr(err, "the version")
	}
	version = binary.LittleEndian.Uint32(pre[8:])
	if version != FileVersion && version != FeaturesFileVersion && version != SVDppFileVersion && version != 1 {
		return 0, 0, f.versionError(version)
	}
	if _, err := io.ReadFull(f.cr, pre[12:]); err != nil {
		return 0, 0, f.readErr(err, "the header length")
	}
	hlen = binary.LittleEndian.Uint64(pre[12:])
	if f.left >= 0 {
		f.left -= preamble
		if hlen > uint64(max(f.left-4, 0)) {
			return 0, 0, f.corrupt("truncated: header length %d but %d bytes left", hlen, f.left)
		}
		f.left -= int64(hlen)
	} else if hlen > maxHeader {
		return 0, 0, f.corrupt("header length %d is impossible", hlen)
	}
	return version, hlen, nil
}

// decodeHeader decodes the JSON header of a file of the given version: a
// version 1 file holds its settings flat, with the kind under "model".
func decodeHeader(b []byte, version uint32) (*fileHeader, error) {
	var h fileHeader
	if err := json.Unmarshal(b, &h); err != nil {
		return nil, err
	}
	if version == 1 {
		var v1 struct {
			Config configV1 `json:"config"`
		}
		if err := json.Unmarshal(b, &v1); err != nil {
			return nil, err
		}
		h.Config = Config{Kind: v1.Config.Model, Training: v1.Config.Training, Settings: v1.Config.Settings}
	}
	return &h, nil
}

// checkLeft checks, when the file's size is known, that the bytes left
// after the header are those of h's tables and the checksum.
func (f *fileReader) checkLeft(h *fileHeader) error {
	if f.left < 0 {
		return nil
	}
	var total int64
	for _, t := range h.Tables {
		total += int64(t.Rows) * int64(t.Cols)
	}
	total += h.Seen.words(len(h.Users))
	if need := 4*total + 4; f.left != need {
		what := "truncated"
		if f.left > need {
			what = "trailing data"
		}
		return f.corrupt("%s: tables, seen items and checksum take %d bytes but %d are left", what, need, f.left)
	}
	return nil
}

// ids decodes the id lists of h into id maps.
func (f *fileReader) ids(h *fileHeader) (users, items *dataset.IDMap, err error) {
	switch h.IDEncoding {
	case "":
	case idsBase64:
		for _, ids := range [][]string{h.Users, h.Items} {
			for k, id := range ids {
				b, err := base64.StdEncoding.DecodeString(id)
				if err != nil {
					return nil, nil, f.corrupt("bad header: id %s: %v", quote.Short(id), err)
				}
				ids[k] = string(b)
			}
		}
	default:
		return nil, nil, f.corrupt("bad header: unknown id encoding %s", quote.Short(h.IDEncoding))
	}
	users, items = dataset.NewIDMap(h.Users), dataset.NewIDMap(h.Items)
	if users.Len() != len(h.Users) || items.Len() != len(h.Items) {
		return nil, nil, f.corrupt("bad header: repeated user or item id")
	}
	return users, items, nil
}

// tables reads the table data.
func (f *fileReader) tables(tables []fileTable) ([]Param, error) {
	params := make([]Param, len(tables))
	buf := make([]byte, 4*chunkFloats)
	for k, t := range tables {
		data, err := readWords(f, buf, t.Rows*t.Cols, "table "+t.Name, math.Float32frombits)
		if err != nil {
			return nil, err
		}
		params[k] = Param{Name: t.Name, Rows: t.Rows, Cols: t.Cols, Data: data}
	}
	return params, nil
}

// checkSeenHeader checks the sizes of h's seen section: only version 2
// has one, with at most maxSeenRows entries and 1 to SeenCodes values
// (none when there are no entries).
func checkSeenHeader(h *fileHeader, version uint32) error {
	s := h.Seen
	switch {
	case s == nil:
		return nil
	case version < 2:
		return fmt.Errorf("a version %d file has no seen items", version)
	case s.Ratings < 0 || s.Ratings > maxSeenRows:
		return fmt.Errorf("%d seen ratings (0 to %d)", s.Ratings, int64(maxSeenRows))
	case s.Values < 0 || s.Values > SeenCodes || (s.Values == 0 && s.Ratings > 0):
		return fmt.Errorf("%d seen rating values (1 to %d)", s.Values, SeenCodes)
	}
	return nil
}

// seen reads the seen section that h describes for users users; nil, nil
// when there is none. Read checks its contents once the checksum holds.
func (f *fileReader) seen(h *fileSeen, users int) (*Seen, error) {
	if h == nil {
		return nil, nil
	}
	buf := make([]byte, 4*chunkFloats)
	s := &Seen{Approx: h.Approx}
	var err error
	if s.Offsets, err = readWords(f, buf, users+1, "the seen offsets", ident); err != nil {
		return nil, err
	}
	if s.Packed, err = readWords(f, buf, int(h.Ratings), "the seen items", ident); err != nil {
		return nil, err
	}
	if s.Values, err = readWords(f, buf, h.Values, "the seen rating values", math.Float32frombits); err != nil {
		return nil, err
	}
	return s, nil
}

// readWords reads n little-endian 4-byte words, from(w) for each, through
// buf (len a multiple of 4) a chunk at a time. When the input size is
// unknown the result grows as data arrives, so a lying length costs no
// more memory than the data that is there; otherwise checkLeft has
// bounded n.
func readWords[T any](f *fileReader, buf []byte, n int, what string, from func(uint32) T) ([]T, error) {
	size := n
	if f.left < 0 {
		size = min(n, 1<<20) // unknown input size: grow as data arrives
	}
	data := make([]T, 0, size)
	for len(data) < n {
		c := min(n-len(data), len(buf)/4)
		if _, err := io.ReadFull(f.cr, buf[:4*c]); err != nil {
			return nil, f.readErr(err, what)
		}
		data = slices.Grow(data, c)
		dst := data[len(data) : len(data)+c]
		for j := range dst {
			dst[j] = from(binary.LittleEndian.Uint32(buf[4*j:]))
		}
		data = data[:len(data)+c]
	}
	return data, nil
}

// trailer checks the checksum and that nothing follows it.
func (f *fileReader) trailer() error {
	var sum [4]byte
	if _, err := io.ReadFull(f.r, sum[:]); err != nil {
		return f.readErr(err, "the checksum")
	}
	if got := binary.LittleEndian.Uint32(sum[:]); got != f.cr.crc {
		return f.corrupt("checksum mismatch (stored %08x, computed %08x)", got, f.cr.crc)
	}
	if n, _ := io.ReadAtLeast(f.r, sum[:1], 1); n > 0 {
		return f.corrupt("trailing data after the checksum")
	}
	return nil
}

// versionError reads the rest of a file of version v. An intact file (its
// last four bytes the CRC-32C of the rest, as in every version) gives
// ErrVersion; otherwise the version field itself is suspect: ErrCorrupt.
func (f *fileReader) versionError(v uint32) error {
	buf := make([]byte, 4+32<<10)
	held := 0 // the last bytes read, not yet known not to be the checksum
	for {
		n, err := f.r.Read(buf[held:])
		held += n
		if held > 4 {
			f.cr.crc = crc32.Update(f.cr.crc, castagnoli, buf[:held-4])
			copy(buf, buf[held-4:held])
			held = 4
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return f.readErr(err, fmt.Sprintf("a version %d file", v))
		}
	}
	if held < 4 {
		return f.corrupt("truncated (the version field reads %d)", v)
	}
	if binary.LittleEndian.Uint32(buf) != f.cr.crc {
		return f.corrupt("checksum mismatch (the version field reads %d)", v)
	}
	return fmt.Errorf("%w %d in %s (this build reads versions 1 to %d)", ErrVersion, v, f.name, FileVersion)
}

// readFeatures sets m.Features from the header's features ff (nil: none),
// refusing features that disagree with the net, and a net with feature
// tables but no features.
func (m *Model) readFeatures(ff *fileFeatures, name string) error {
	fn, ok := m.Net.(featureNet)
	rows := 0
	if ok {
		rows = fn.FeatureRows()
	}
	if ff == nil {
		if rows > 0 {
			return fmt.Errorf("%w %s: feature tables without item features", ErrCorrupt, name)
		}
		return nil
	}
	f := &ItemFeatures{Features: dataset.Features{Names: ff.Names, Offsets: ff.Offsets, Index: ff.Index}, New: ff.New}
	if err := checkFeatures(f, m.Net, m.Items.Len()); err != nil {
		return fmt.Errorf("%w %s: %v", ErrCorrupt, name, err)
	}
	m.Features = f
	return nil
}
