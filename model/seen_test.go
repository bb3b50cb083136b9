package model_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

// ratings builds rows from (user, item, value) triples.
func ratings(rows ...[3]float32) dataset.Ratings {
	var r dataset.Ratings
	for _, x := range rows {
		r.Append(int32(x[0]), int32(x[1]), x[2])
	}
	return r
}

func TestNewSeen(t *testing.T) {
	train := ratings([3]float32{1, 3, 4}, [3]float32{0, 2, 5}, [3]float32{1, 0, 3}, [3]float32{0, 2, 3})
	valid := ratings([3]float32{1, 1, 5})
	s, err := model.NewSeen(3, 4, train, valid)
	if err != nil {
		t.Fatal(err)
	}
	want := &model.Seen{ // user 0: item 2 (its later rating, 3); user 1: items 0, 1, 3; user 2: none
		Offsets: []uint32{0, 1, 4, 4},
		Packed:  []uint32{2<<8 | 0, 0<<8 | 0, 1<<8 | 2, 3<<8 | 1},
		Values:  []float32{3, 4, 5},
	}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("NewSeen = %+v, want %+v", s, want)
	}
	m := &model.Model{Seen: s}
	for _, tt := range []struct {
		u       int32
		items   []int32
		ratings []float32
	}{{0, []int32{2}, []float32{3}}, {1, []int32{0, 1, 3}, []float32{3, 5, 4}}, {2, []int32{}, []float32{}}, {3, nil, nil}, {-1, nil, nil}} {
		items, rs := m.SeenItems(tt.u)
		if !slices.Equal(items, tt.items) || !slices.Equal(rs, tt.ratings) || (items == nil) != (tt.items == nil) {
			t.Errorf("SeenItems(%d) = %v %v, want %v %v", tt.u, items, rs, tt.items, tt.ratings)
		}
	}
	if !m.HasSeen() || (&model.Model{}).HasSeen() {
		t.Error("HasSeen does not say whether Seen is set")
	}
	if _, err := model.NewSeen(1, 2, ratings([3]float32{0, 2, 1})); err == nil {
		t.Error("NewSeen took an item out of range")
	}
	if _, err := model.NewSeen(1, model.MaxSeenItems+1); !errors.Is(err, model.ErrSeenTooLarge) {
		t.Errorf("NewSeen of %d items: %v, want ErrSeenTooLarge", model.MaxSeenItems+1, err)
	}
}

// TestNewSeenApprox: with more distinct ratings than codes, each rating is
// stored as the nearest of SeenCodes levels from the least to the largest.
func TestNewSeenApprox(t *testing.T) {
	var r dataset.Ratings
	for k := range 1000 {
		r.Append(int32(k%7), int32(k), 1+float32(k)/999*4) // 1..5, 1000 values
	}
	s, err := model.NewSeen(7, 1000, r)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Approx || len(s.Values) != model.SeenCodes || s.Values[0] != 1 || s.Values[model.SeenCodes-1] != 5 {
		t.Fatalf("approx %v, %d values from %v to %v; want 256 levels 1..5", s.Approx, len(s.Values), s.Values[0], s.Values[len(s.Values)-1])
	}
	m := &model.Model{Seen: s, Min: 1, Max: 5}
	half := 4.0 / (model.SeenCodes - 1) / 2
	for u := range int32(7) {
		items, rs := m.SeenItems(u)
		for k, i := range items {
			if want := 1 + float64(i)/999*4; math.Abs(float64(rs[k])-want) > half+1e-6 {
				t.Errorf("user %d item %d: rating %v, want %v within %v", u, i, rs[k], want, half)
			}
		}
	}
	// It survives a file round trip as it is.
	m = fileTestModel()
	m.Items = dataset.NewIDMap(nil)
	for k := range 1000 {
		m.Items.Add(string(rune('a'+k%26)) + string(rune('0'+k/26%10)) + string(rune('0'+k/260)))
	}
	m.Users = dataset.NewIDMap([]string{"0", "1", "2", "3", "4", "5", "6"})
	m.Net = model.NewDot(7, 1000, fileTestConfig)
	m.Seen = s
	got, err := readBoth(t, fileBytes(t, m))
	if err != nil {
		t.Fatal(err)
	}
	assertSameModel(t, got, m)
}

func TestRatingStep(t *testing.T) {
	for _, tt := range []struct {
		values []float32
		want   float64
	}{
		{[]float32{3, 4, 5, 4}, 1},
		{[]float32{0.5, 1, 4.5, 5}, 0.5},
		{[]float32{1, 2.5, 3}, 0.5},
		{[]float32{1, 3, 5}, 2},
		{[]float32{1, 1.1, 1.2}, 0.1},
		{[]float32{1, 1}, 0},
		{nil, 0},
		{[]float32{1, 1.2345, 2.7}, 0},
		{[]float32{1, 1 + 1.0/2048, 5}, 0}, // 8192 steps: continuous
		{[]float32{0, 1, 1000}, 1},
	} {
		var r dataset.Ratings
		for _, v := range tt.values {
			r.Append(0, 0, v)
		}
		if got := model.RatingStep(r); math.Abs(got-tt.want) > 1e-6 {
			t.Errorf("RatingStep(%v) = %v, want %v", tt.values, got, tt.want)
		}
	}
}

// TestRecommendSeen: known users' seen items are left out unless asked,
// beside Exclude.
func TestRecommendSeen(t *testing.T) {
	m := exampleModel() // ann: go 4, zig 4, rust 1; bob: zig 5, rust 4, go 3
	var err error
	m.Seen, err = model.NewSeen(2, 3, ratings([3]float32{0, 0, 5}, [3]float32{1, 2, 2}, [3]float32{1, 1, 3}))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		user string
		o    model.RecommendOptions
		want []string
	}{
		{"ann", model.RecommendOptions{}, []string{"zig", "rust"}},
		{"ann", model.RecommendOptions{IncludeSeen: true}, []string{"go", "zig", "rust"}},
		{"ann", model.RecommendOptions{Exclude: []string{"zig", "go", "cobol"}}, []string{"rust"}},
		{"bob", model.RecommendOptions{}, []string{"go"}},
		{"bob", model.RecommendOptions{IncludeSeen: true, Exclude: []string{"rust"}}, []string{"zig", "go"}},
	} {
		recs, err := m.Recommend(tt.user, 3, tt.o)
		var got []string
		for _, r := range recs {
			got = append(got, r.Item)
		}
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("Recommend(%s, %+v) = %v, %v, want %v", tt.user, tt.o, got, err, tt.want)
		}
	}
}

// TestReadLyingSeen: a seen section whose checksum holds but whose sizes or
// contents do not fit the model is refused as corrupt, by a sized and a
// streamed read alike.
func TestReadLyingSeen(t *testing.T) {
	good := fileBytes(t, fileTestModel())
	isCorrupt := func(what string, b []byte) {
		t.Helper()
		if _, err := readBoth(t, b); !errors.Is(err, model.ErrCorrupt) {
			t.Errorf("%s: got %v, want ErrCorrupt", what, err)
		}
	}
	seenAt := len(good) - 4 - 4*(4+3+3) // offsets, entries, values, then the checksum
	word := func(b []byte, k int, v uint32) []byte {
		b = slices.Clone(b)
		binary.LittleEndian.PutUint32(b[seenAt+4*k:], v)
		return fixChecksum(b)
	}
	isCorrupt("offset past the entries", word(good, 1, 9))
	isCorrupt("decreasing offsets", word(good, 2, 1))
	isCorrupt("first offset not 0", word(good, 0, 1))
	isCorrupt("item out of range", word(good, 4, 5<<8))
	isCorrupt("items not increasing", word(good, 5, 1<<8))
	isCorrupt("code out of range", word(good, 6, 3))
	isCorrupt("values not increasing", word(good, 8, math.Float32bits(6)))
	isCorrupt("NaN value", word(good, 9, math.Float32bits(float32(math.NaN()))))
	for _, tt := range []struct {
		what string
		seen map[string]any
	}{
		{"more entries than the file holds", map[string]any{"ratings": 1 << 40, "values": 3}},
		{"entries beyond uint32", map[string]any{"ratings": 1 << 33, "values": 3}},
		{"negative entries", map[string]any{"ratings": -1, "values": 3}},
		{"too many values", map[string]any{"ratings": 3, "values": 257}},
		{"no values", map[string]any{"ratings": 3, "values": 0}},
		{"approximate with 3 values", map[string]any{"ratings": 3, "values": 3, "approx": true}},
		{"fewer entries", map[string]any{"ratings": 2, "values": 3}},
	} {
		isCorrupt(tt.what, editHeader(t, good, func(h map[string]any) { h["seen"] = tt.seen }))
	}
	isCorrupt("seen section left out", editHeader(t, good, func(h map[string]any) { delete(h, "seen") }))
	isCorrupt("negative step", editHeader(t, good, func(h map[string]any) { h["step"] = -1 }))
	isCorrupt("step beyond the range", editHeader(t, good, func(h map[string]any) { h["step"] = 1e300 }))

	// Without its section a file loads with no seen items.
	m := fileTestModel()
	m.Seen = nil
	got, err := readBoth(t, fileBytes(t, m))
	if err != nil || got.HasSeen() {
		t.Errorf("a file without seen items: %v, HasSeen %v", err, got != nil && got.HasSeen())
	}
	// Write refuses a Seen that does not fit the model.
	m.Seen = &model.Seen{Offsets: []uint32{0, 1}, Packed: []uint32{0}, Values: []float32{1}}
	if err := m.Write(io.Discard); err == nil {
		t.Error("Write took seen items for 1 user of 3")
	}
}

// TestSeenValuesInRange refuses to write (and so to read) seen ratings
// outside the model's rating range: one would scale to a target no rating
// gives (3e38 overflows to an infinite target).
func TestSeenValuesInRange(t *testing.T) {
	m := fileTestModel()
	if m.Seen == nil || len(m.Seen.Values) == 0 {
		t.Fatal("the test model keeps no seen ratings")
	}
	m.Seen.Values[len(m.Seen.Values)-1] = 3e38
	var b bytes.Buffer
	if err := m.Write(&b); err == nil || !strings.Contains(err.Error(), "outside the rating range") {
		t.Errorf("Write = %v, want a rating value outside the range", err)
	}
}

// TestSeenCount: SeenCount is the length of SeenItems for every user, and
// 0 for a user out of range.
func TestSeenCount(t *testing.T) {
	m := fileTestModel()
	for u := range int32(m.Users.Len()) {
		if items, _ := m.SeenItems(u); m.SeenCount(u) != len(items) {
			t.Errorf("user %d: SeenCount %d, %d seen items", u, m.SeenCount(u), len(items))
		}
	}
	if n := m.SeenCount(int32(m.Users.Len())); n != 0 {
		t.Errorf("user out of range: %d", n)
	}
}
