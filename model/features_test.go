package model_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"slices"
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

// featureModel returns a dot model of 2 users and 3 items with item
// features: item 2 is new and has features 0 and 1.
func featureModel(t *testing.T) *model.Model {
	t.Helper()
	cfg := model.Config{Settings: model.Settings{Dim: 2}}.WithDefaults()
	d := model.NewDot(2, 3, cfg)
	d.Feats, d.FeatEmb, d.FeatBias = 2, []float32{1, 0, 0, 1}, []float32{0.5, -0.25}
	f := dataset.Features{Names: []string{"A", "B"}, Offsets: []int32{0, 1, 1, 3}, Index: []int32{0, 0, 1}}
	clear(d.ItemEmb[4:6])
	d.ItemBias[2] = 0
	model.Materialize(d.ItemEmb, d.ItemBias, d.ItemEmb, d.ItemBias, d.FeatEmb, d.FeatBias, d.Dim, &f)
	return &model.Model{Config: cfg, Net: d, Users: dataset.NewIDMap([]string{"u", "v"}), Items: dataset.NewIDMap([]string{"a", "b", "c"}),
		Min: 0, Max: 1, Features: &model.ItemFeatures{Features: f, New: []int32{2}}}
}

// TestFeaturesFile saves and reads a model with item features: version
// 3, the features and the new items kept, the same scores, and the new
// item marked in recommendations; the effective row of item 2 is the sum
// of its features' rows.
func TestFeaturesFile(t *testing.T) {
	m := featureModel(t)
	d := m.Net.(*model.Dot)
	if got := d.ItemEmb[4:6]; !slices.Equal(got, []float32{1, 1}) || d.ItemBias[2] != 0.25 {
		t.Fatalf("item 2's effective row %v bias %v, want [1 1] 0.25", got, d.ItemBias[2])
	}
	var buf bytes.Buffer
	if err := m.Write(&buf); err != nil {
		t.Fatal(err)
	}
	if v := binary.LittleEndian.Uint32(buf.Bytes()[8:]); v != model.FeaturesFileVersion {
		t.Errorf("version %d, want %d", v, model.FeaturesFileVersion)
	}
	got, err := model.Read(bytes.NewReader(buf.Bytes()), "m")
	if err != nil {
		t.Fatal(err)
	}
	if got.Features == nil || !slices.Equal(got.Features.Names, []string{"A", "B"}) || !slices.Equal(got.Features.New, []int32{2}) ||
		!slices.Equal(got.Features.Of(2), []int32{0, 1}) {
		t.Fatalf("features read back %+v", got.Features)
	}
	for u := range int32(2) {
		for i := range int32(3) {
			if a, b := m.Net.Score(u, i), got.Net.Score(u, i); a != b {
				t.Errorf("score(%d,%d) %v read back as %v", u, i, a, b)
			}
		}
	}
	recs, err := got.Recommend("u", 3, model.RecommendOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if r.New != (r.Item == "c") {
			t.Errorf("%s: New %v", r.Item, r.New)
		}
	}
	// Without features the model is a version 2 file, as before.
	m.Features = nil
	d.Feats, d.FeatEmb, d.FeatBias = 0, nil, nil
	buf.Reset()
	if err := m.Write(&buf); err != nil {
		t.Fatal(err)
	}
	if v := binary.LittleEndian.Uint32(buf.Bytes()[8:]); v != model.FileVersion {
		t.Errorf("version %d without features, want %d", v, model.FileVersion)
	}
}

// TestFeaturesFileRefused checks that Write refuses features the net has
// no tables for, and that features pointing past the feature names are
// refused.
func TestFeaturesFileRefused(t *testing.T) {
	m := featureModel(t)
	m.Features.Index = []int32{0, 0, 2}
	var buf bytes.Buffer
	if err := m.Write(&buf); err == nil {
		t.Error("Write accepted an item naming feature 2 of 2")
	}
	m = featureModel(t)
	d := m.Net.(*model.Dot)
	d.Feats, d.FeatEmb, d.FeatBias = 0, nil, nil
	if err := m.Write(&buf); err == nil {
		t.Error("Write accepted features without feature tables")
	}
	m = featureModel(t)
	m.Features = nil
	if err := m.Write(&buf); err == nil {
		t.Error("Write accepted feature tables without features")
	}
	// A file whose header claims features its version does not hold:
	// damaged.
	m = featureModel(t)
	buf.Reset()
	if err := m.Write(&buf); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	binary.LittleEndian.PutUint32(b[8:], model.FileVersion)
	crc := crc32.Checksum(b[:len(b)-4], crc32.MakeTable(crc32.Castagnoli))
	binary.LittleEndian.PutUint32(b[len(b)-4:], crc)
	if _, err := model.Read(bytes.NewReader(b), "m"); !errors.Is(err, model.ErrCorrupt) {
		t.Errorf("features in a version 2 file: %v, want ErrCorrupt", err)
	}
}
