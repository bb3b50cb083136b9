package server

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

// TestAppendString checks appendString gives encoding/json's bytes for
// special characters, invalid UTF-8 and random byte strings.
func TestAppendString(t *testing.T) {
	cases := []string{
		"", "BC0101EN", `a"b\c`, "<script>&amp;</script>", "tab\tnl\nret\rbs\bff\f",
		"\x00\x01\x1f\x7f", "café ☕ 日本", "\u2028\u2029", "bad \xff\xfe utf8", "\xe2\x82", "end\xc3",
		strings.Repeat("x", 300),
	}
	rng := rand.New(rand.NewPCG(7, 8))
	for range 2000 {
		b := make([]byte, rng.IntN(12))
		for k := range b {
			if rng.IntN(2) == 0 {
				b[k] = byte(rng.IntN(128))
			} else {
				b[k] = byte(rng.IntN(256))
			}
		}
		cases = append(cases, string(b))
	}
	for _, s := range cases {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendString([]byte("x"), s); string(got) != "x"+string(want) {
			t.Errorf("%q: got %s, want %s", s, got[1:], want)
		}
	}
}

// TestAppendNumber checks appendNumber gives model.Number's JSON for
// special values, both notations, and random float64 bit patterns.
func TestAppendNumber(t *testing.T) {
	cases := []float64{
		0, math.Copysign(0, -1), 1, -1, 4, 1.600000023841858, 0.1, 1e-6, 9.99e-7, 1e-7, 1.5e-9,
		1e20, 1e21, 1.2345e25, -3e-300, math.MaxFloat64, math.SmallestNonzeroFloat64,
		math.NaN(), math.Inf(1), math.Inf(-1),
	}
	rng := rand.New(rand.NewPCG(9, 10))
	for range 5000 {
		cases = append(cases, math.Float64frombits(rng.Uint64()), rng.NormFloat64()*5)
	}
	for _, f := range cases {
		want, err := json.Marshal(model.Number(f))
		if err != nil {
			t.Fatal(err)
		}
		if got := appendNumber(nil, f); string(got) != string(want) {
			t.Errorf("%v: got %s, want %s", f, got, want)
		}
	}
}

// TestRecsDataMatchesEncodingJSON checks the appended answers of
// recommend, similar and fold-in are byte for byte what encoding/json
// gives for the structs they replace, including items missing from the
// catalog or from the precomputed labels.
func TestRecsDataMatchesEncodingJSON(t *testing.T) {
	cat := &dataset.Catalog{Courses: []dataset.Course{
		{ID: "a", Title: `Tom & "Jerry" <3`, Genres: []string{"X", "Y"}},
		{ID: "b\u2028", Title: "B", Genres: nil},
	}}
	type rec struct {
		Item   string       `json:"item"`
		Title  string       `json:"title"`
		Genres []string     `json:"genres"`
		Score  model.Number `json:"score"`
	}
	type reasonJSON struct {
		Item   string       `json:"item"`
		Title  string       `json:"title"`
		Rating model.Number `json:"rating"`
		Share  model.Number `json:"share"`
	}
	type becauseRec struct {
		rec
		Because []reasonJSON `json:"because"`
	}
	recs := []model.Rec{{Item: "a", Score: 4.25}, {Item: "b\u2028", Score: math.NaN()}, {Item: "c", Score: 1e-9}, {Item: "not-labelled", Score: -2}}
	labels := map[string][]byte{}
	want := make([]rec, len(recs))
	for k, r := range recs {
		if r.Item != "not-labelled" {
			labels[r.Item] = labelJSON(cat, r.Item)
		}
		title, genres := label(cat, r.Item)
		want[k] = rec{r.Item, title, genres, model.Number(r.Score)}
	}
	cold := true
	for _, tt := range []struct {
		name string
		got  *recsData
		want any
	}{
		{"recommend", &recsData{key: "user", id: "u<1>", list: "recommendations", recs: recs, labels: labels, cat: cat},
			struct {
				User string `json:"user"`
				Recs []rec  `json:"recommendations"`
			}{"u<1>", want}},
		{"similar none", &recsData{key: "item", id: "a", list: "similar", recs: nil, labels: labels, cat: cat},
			struct {
				Item string `json:"item"`
				Recs []rec  `json:"similar"`
			}{"a", []rec{}}},
		{"foldin", &recsData{cold: &cold, list: "recommendations", recs: recs, labels: labels, cat: nil},
			struct {
				Cold bool  `json:"cold"`
				Recs []rec `json:"recommendations"`
			}{true, append(want[:3:3], rec{"not-labelled", "", []string{}, -2})}},
		{"foldin because", &recsData{cold: &cold, list: "recommendations", recs: recs[:2], labels: labels, cat: cat,
			because: &because{exact: true, lists: [][]reason{{{model.Reason{Item: "a", Rating: 4.5, Share: 0.75}, `Tom & "Jerry" <3`}, {model.Reason{Item: "b\u2028", Rating: 1, Share: 1e-9}, "B"}}, {}}}},
			struct {
				Cold  bool         `json:"cold"`
				Exact bool         `json:"because_exact"`
				Recs  []becauseRec `json:"recommendations"`
			}{true, true, []becauseRec{{want[0], []reasonJSON{{"a", `Tom & "Jerry" <3`, 4.5, 0.75}, {"b\u2028", "B", 1, 1e-9}}}, {want[1], []reasonJSON{}}}}},
		{"recommend note", &recsData{key: "user", id: "u", list: "recommendations", recs: recs[:1], labels: labels, cat: cat,
			because: &because{note: "no <reasons>"}},
			struct {
				User string `json:"user"`
				Note string `json:"because_note"`
				Recs []rec  `json:"recommendations"`
			}{"u", "no <reasons>", want[:1]}},
	} {
		p, err := encodeSuccess(tt.got)
		if err != nil {
			t.Fatal(err)
		}
		w, err := json.Marshal(envelope{Status: "success", Data: tt.want})
		if err != nil {
			t.Fatal(err)
		}
		if string(*p) != string(w)+"\n" {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, *p, w)
		}
		putBuf(p)
	}
}
