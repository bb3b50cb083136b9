package model_test

import (
	"bytes"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/recnet/recnet/model"
)

// withRated returns m's config with the svdpp setting and gives its net
// (a dot or an mf) a y table drawn from seed.
func withRated(m *model.Model, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 1))
	draw := func(n int) []float32 {
		y := make([]float32, n)
		for k := range y {
			y[k] = float32(rng.NormFloat64() * 0.4)
		}
		return y
	}
	switch n := m.Net.(type) {
	case *model.Dot:
		n.Rated = draw(n.Items * n.Dim)
	case *model.MF:
		n.Rated = draw(n.Items * n.Dim)
	}
	m.Config.SVDpp = true
}

// TestSVDppFileRoundTrip saves a dot model with the svdpp setting: the
// file is version 4 (SVDppFileVersion), reads back to the same bits, and
// without its y table, or with one and without the setting, is refused.
func TestSVDppFileRoundTrip(t *testing.T) {
	want := fileTestModel()
	withRated(want, 3)
	b := fileBytes(t, want)
	if !bytes.HasPrefix(b, []byte("RECNET\x00\x00\x04\x00\x00\x00")) {
		t.Errorf("file starts % x, want version %d", b[:12], model.SVDppFileVersion)
	}
	got, err := readBoth(t, b)
	if err != nil {
		t.Fatal(err)
	}
	assertSameModel(t, got, want)
	if !got.Config.SVDpp || got.Net.(*model.Dot).Rated == nil {
		t.Error("the svdpp setting or the y table was lost")
	}
	plain := fileTestModel()
	plain.Net.(*model.Dot).Rated = want.Net.(*model.Dot).Rated // a y table without the setting
	if _, err := readBoth(t, fileBytes(t, plain)); err == nil {
		t.Error("a version 2 file with a y table read")
	}
	bare := fileTestModel()
	bare.Config.SVDpp = true // the setting without a y table
	if _, err := readBoth(t, fileBytes(t, bare)); err == nil {
		t.Error("a file with the svdpp setting and no y table read")
	}
}

// TestSVDppFoldInAndExplain folds learners into dot and mf nets with y
// tables. Ratings that the rated items' sum s alone predicts (the user
// vector s, no user bias) fold in to the vector s exactly, which no ridge
// without y (shrinking towards 0) gives; and every explanation's base and
// parts add up to its score, which is the fold-in's.
func TestSVDppFoldInAndExplain(t *testing.T) {
	cfg := model.Config{Settings: model.Settings{Dim: 3, InitStd: 0.4, Activation: model.Linear}, Training: model.Training{Seed: 5}}
	mf := model.NewMF(4, 12, model.Config{Kind: "mf", Settings: model.Settings{Dim: 3, InitStd: 0.4}})
	mf.Mu = 0.6
	for _, tc := range []struct {
		name string
		m    *model.Model
	}{
		{"dot", explainModel(model.NewDot(4, 12, cfg), cfg)},
		{"mf", explainModel(mf, model.Config{Kind: "mf"})},
	} {
		withRated(tc.m, 9)
		rated := []int32{1, 4, 7, 9}
		var itemEmb, itemBias, y []float32
		var mu float32
		switch n := tc.m.Net.(type) {
		case *model.Dot:
			itemEmb, itemBias, y = n.ItemEmb, n.ItemBias, n.Rated
		case *model.MF:
			itemEmb, itemBias, y, mu = n.ItemEmb, n.ItemBias, n.Rated, n.Mu
		}
		s := make([]float32, 3)
		model.RatedSum(s, y, rated)
		ratings := map[string]float64{}
		for _, j := range rated {
			itemBias[j] = 0.5 - mu - model.Dot32(s, itemEmb[j*3:j*3+3]) // a rating inside the range
			x := float64(mu) + float64(itemBias[j]) + float64(model.Dot32(s, itemEmb[j*3:j*3+3]))
			ratings[tc.m.Items.Raw(j)] = tc.m.Min + x*(tc.m.Max-tc.m.Min)
		}
		res, err := tc.m.FoldIn(ratings, 3, 0)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		for f := range s {
			if math.Abs(float64(res.UserEmb[f]-s[f])) > 1e-4 {
				t.Errorf("%s: folded-in vector %v, want the rated items' sum %v", tc.name, res.UserEmb, s)
				break
			}
		}
		if math.Abs(float64(res.UserBias)) > 1e-4 {
			t.Errorf("%s: folded-in bias %g, want 0", tc.name, res.UserBias)
		}
		ratings["c2"] = 1 // a rating s does not predict, so that every part moves
		checkExplainExact(t, tc.name, tc.m, ratings, []string{"c0", "c3", "c11"})
	}
}
