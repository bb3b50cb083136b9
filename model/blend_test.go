package model_test

import (
	"bytes"
	"context"
	"math"
	"strings"
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

// biasBlend returns a blend of one bias net, fitted on a small low-rank
// table, with weight w and intercept c, and the table's training rows and
// their targets.
func biasBlend(t *testing.T, w, c float32) (*model.Model, *model.Bias, dataset.Ratings, []float32) {
	t.Helper()
	d, _ := dataset.GenerateLowRank(dataset.LowRankConfig{Users: 50, Items: 20, Rows: 600, Seed: 3})
	s, err := dataset.SplitRandom(d, dataset.Fractions{}, 42)
	if err != nil {
		t.Fatal(err)
	}
	m := &model.Model{Config: model.Config{Kind: model.BlendKind, Members: &[]model.Config{{Kind: "bias"}}},
		Users: s.Users, Items: s.Items, Min: s.Min, Max: s.Max}
	targets := m.ScaleRatings(s.Train)
	b := model.FitBias(s.Train, targets, s.Users.Len(), s.Items.Len(), model.BiasConfig{})
	m.Net = model.NewBlend([]model.Net{b}, m.Config.MemberList(), []float32{w, c}, s.Users.Len(), s.Items.Len())
	return m, b, s.Train, targets
}

// TestBlendFoldInBias folds a known user's training ratings into a blend
// of bias alone: the folded user bias is the trained one (ALS updates the
// user biases last), and the blended score is c + w·(mu + bu + bi), split
// exactly into its base and one part a rating.
func TestBlendFoldInBias(t *testing.T) {
	const w, c = 0.8, 0.05
	m, b, train, targets := biasBlend(t, w, c)
	var rated []model.Rated
	for k := range train.Len() {
		if train.User[k] == 0 {
			rated = append(rated, model.Rated{Item: train.Item[k], Target: float64(targets[k])})
		}
	}
	fu, err := m.Net.(model.FoldInNet).FoldInUser(context.Background(), rated, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i := range int32(m.Items.Len()) {
		want := c + w*b.Score(0, i)
		if got := fu.Score(i); math.Abs(float64(got-want)) > 1e-5 {
			t.Errorf("item %d: folded score %v, trained %v", i, got, want)
		}
		z, base, parts := fu.Explain(i)
		sum := base
		for _, p := range parts {
			sum += p
		}
		if !fu.Exact || math.Abs(sum-z) > 1e-9 || math.Abs(z-float64(fu.Score(i))) > 1e-5 || len(parts) != len(rated) {
			t.Errorf("item %d: exact %v, z %v, base + parts %v, score %v", i, fu.Exact, z, sum, fu.Score(i))
		}
	}
}

// TestBlendFileRefusals round-trips a blend through a file and checks
// that Build refuses tables that do not make one.
func TestBlendFileRefusals(t *testing.T) {
	m, _, _, _ := biasBlend(t, 0.5, 0.1)
	var buf bytes.Buffer
	if err := m.Write(&buf); err != nil {
		t.Fatal(err)
	}
	l, err := model.Read(&buf, "b")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := l.Net.Score(3, 4), m.Net.Score(3, 4); got != want {
		t.Errorf("loaded score %v, saved %v", got, want)
	}
	params := m.Net.Params()
	with := func(edit func([]model.Param) []model.Param) []model.Param {
		ps := make([]model.Param, len(params))
		copy(ps, params)
		return edit(ps)
	}
	cfg := m.Config
	for _, c := range []struct {
		name   string
		cfg    model.Config
		params []model.Param
		want   string
	}{
		{"negative weight", cfg, with(func(ps []model.Param) []model.Param {
			ps[len(ps)-1].Data = []float32{-1, 0}
			return ps
		}), "not at least 0"},
		{"stray table", cfg, with(func(ps []model.Param) []model.Param {
			return append(ps, model.Param{Name: "m3/x", Rows: 1, Cols: 1, Data: []float32{0}})
		}), "belongs to none"},
		{"no weights", cfg, params[:len(params)-1], "blend_weights is missing"},
		{"nested", model.Config{Kind: model.BlendKind, Members: &[]model.Config{{Kind: model.BlendKind}}}, params, "do not nest"},
	} {
		if _, err := model.Build(model.BlendKind, c.cfg, c.params); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
}

// TestBlendHasItemBiases: a blend's member tables are named m<k>/<name>,
// and a bias member's item biases still count as the blend's (a
// recommendation's reasons say its bias terms raised it); a bias member
// has no embeddings.
func TestBlendHasItemBiases(t *testing.T) {
	m, _, _, _ := biasBlend(t, 1, 0)
	if !m.HasItemBiases() {
		t.Error("HasItemBiases() = false for a blend of bias, want true")
	}
	if m.HasItemEmbeddings() {
		t.Error("HasItemEmbeddings() = true for a blend of bias, want false")
	}
}
