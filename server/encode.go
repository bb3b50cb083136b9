package server

import (
	"encoding/json"
	"math"
	"strconv"
	"sync"
	"unicode/utf8"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

// The hot endpoints (recommend, similar, fold-in) encode their answers by
// appending to a pooled buffer rather than through encoding/json's
// reflection: each item's {"item","title","genres" part is encoded once,
// when a model is served, and a request appends its score. The bytes are
// the ones encoding/json gives for the same values (the tests compare
// them); the other endpoints still use encoding/json.

// jsonAppender is data that encodes itself by appending its JSON to dst.
type jsonAppender interface {
	appendJSON(dst []byte) []byte
}

// served is a model with its name and the JSON labels of its items,
// swapped together.
type served struct {
	name string
	m    *model.Model
	// labels maps a raw item id to `{"item":ID,"title":T,"genres":[...],"score":`.
	labels map[string][]byte
}

// newServed labels every item of m, named name, from cat, which may be nil.
func newServed(name string, m *model.Model, cat *dataset.Catalog) *served {
	ids := m.Items.IDs()
	labels := make(map[string][]byte, len(ids))
	for _, id := range ids {
		labels[id] = labelJSON(cat, id)
	}
	return &served{name: name, m: m, labels: labels}
}

// label returns the catalog title and genres of an item; genres is never
// nil, so that it encodes as a list.
func label(cat *dataset.Catalog, id string) (title string, genres []string) {
	genres = []string{}
	if cat != nil {
		if c, ok := cat.Lookup(id); ok {
			title = c.Title
			genres = append(genres, c.Genres...)
		}
	}
	return title, genres
}

// labelJSON returns `{"item":ID,"title":T,"genres":[...],"score":` for id.
func labelJSON(cat *dataset.Catalog, id string) []byte {
	title, genres := label(cat, id)
	b := append([]byte(`{"item":`), appendString(nil, id)...)
	b = append(b, `,"title":`...)
	b = appendString(b, title)
	b = append(b, `,"genres":[`...)
	for k, g := range genres {
		if k > 0 {
			b = append(b, ',')
		}
		b = appendString(b, g)
	}
	return append(b, `],"score":`...)
}

// recsData is the answer of recommend, similar and fold-in:
// {KEY:ID,LIST:[recs]} or, for fold-in, {"cold":C,"recommendations":[recs]},
// with "score_kind" and "seen_left_out" after the first member when set.
// A rec whose Beyond is not 0 has "beyond", a new one (Rec.New)
// "new":true; with because, "because_exact"
// or "because_note" follows "seen_left_out" and each rec ends with its
// "because" list (see because.appendHead and because.appendItem).
type recsData struct {
	key, id     string // the first member, left out when key is ""
	cold        *bool  // fold-in's "cold", when not nil
	scoreKind   string // "score_kind" (model.ScoreName), left out when ""
	seenLeftOut *bool  // recommend's "seen_left_out", when not nil
	list        string
	recs        []model.Rec
	because     *because // each rec's "because", after "seen_left_out"; nil when not asked
	labels      map[string][]byte
	cat         *dataset.Catalog // labels items missing from labels
}

func (d *recsData) appendJSON(b []byte) []byte {
	b = append(b, '{')
	switch {
	case d.key != "":
		b = appendString(b, d.key)
		b = append(b, ':')
		b = appendString(b, d.id)
		b = append(b, ',')
	case d.cold != nil:
		b = append(b, `"cold":`...)
		b = strconv.AppendBool(b, *d.cold)
		b = append(b, ',')
	}
	if d.scoreKind != "" {
		b = append(b, `"score_kind":`...)
		b = appendString(b, d.scoreKind)
		b = append(b, ',')
	}
	if d.seenLeftOut != nil {
		b = append(b, `"seen_left_out":`...)
		b = strconv.AppendBool(b, *d.seenLeftOut)
		b = append(b, ',')
	}
	b = d.because.appendHead(b)
	b = appendString(b, d.list)
	b = append(b, ":["...)
	for k, r := range d.recs {
		if k > 0 {
			b = append(b, ',')
		}
		l, ok := d.labels[r.Item]
		if !ok { // not an item of the model: cannot happen, but stay correct
			l = labelJSON(d.cat, r.Item)
		}
		b = append(b, l...)
		b = appendNumber(b, r.Score)
		if r.Beyond != 0 {
			b = append(b, `,"beyond":`...)
			b = strconv.AppendInt(b, int64(r.Beyond), 10)
		}
		if r.New {
			b = append(b, `,"new":true`...)
		}
		b = d.because.appendItem(b, k)
		b = append(b, '}')
	}
	return append(b, "]}"...)
}

// bufPool holds response buffers.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// maxPooled is the largest buffer put back in bufPool, so that one huge
// answer does not stay in memory.
const maxPooled = 64 << 10

// successPrefix and successSuffix wrap data in a success envelope, as
// json.Marshal(envelope{Status: "success", Data: data}) does, plus the
// final newline every response has.
const (
	successPrefix = `{"status":"success","data":`
	successSuffix = "}\n"
)

// encodeSuccess returns the success envelope of data with its final
// newline, in a buffer to give back with putBuf.
func encodeSuccess(data any) (*[]byte, error) {
	p := bufPool.Get().(*[]byte)
	b := append((*p)[:0], successPrefix...)
	if a, ok := data.(jsonAppender); ok {
		b = a.appendJSON(b)
	} else {
		enc, err := json.Marshal(data)
		if err != nil {
			putBuf(p)
			return nil, err
		}
		b = append(b, enc...)
	}
	*p = append(b, successSuffix...)
	return p, nil
}

// putBuf returns a buffer of encodeSuccess to the pool.
func putBuf(p *[]byte) {
	if cap(*p) <= maxPooled {
		bufPool.Put(p)
	}
}

// appendNumber appends f as encoding/json encodes a float64, or null when
// it is NaN or infinite (as model.Number).
func appendNumber(b []byte, f float64) []byte {
	if !model.Finite(f) {
		return append(b, "null"...)
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' { // e-09 to e-9, as encoding/json
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// hexDigits are the digits of \u escapes.
const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string the way encoding/json does by
// default: <, > and & escaped, invalid UTF-8 replaced by U+FFFD, and
// U+2028 and U+2029 escaped.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
