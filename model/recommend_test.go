package model_test

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

// TestRecommendByHand uses exampleModel, whose linear scores are
//
//	ann: go 0.75, rust 0, zig 0.75   (ratings 4, 1, 4)
//	bob: go 0.5, rust 0.75, zig 1    (ratings 3, 4, 5)
//
// ann's tie between go and zig goes to go, the lower inner id.
func TestRecommendByHand(t *testing.T) {
	m := exampleModel()
	tests := []struct {
		user    string
		k       int
		exclude []string
		want    []model.Rec
	}{
		{"ann", 3, nil, []model.Rec{{Item: "go", Score: 4}, {Item: "zig", Score: 4}, {Item: "rust", Score: 1}}},
		{"ann", 1, nil, []model.Rec{{Item: "go", Score: 4}}},
		{"ann", 10, []string{"go"}, []model.Rec{{Item: "zig", Score: 4}, {Item: "rust", Score: 1}}},
		{"bob", 3, nil, []model.Rec{{Item: "zig", Score: 5}, {Item: "rust", Score: 4}, {Item: "go", Score: 3}}},
		{"bob", 2, []string{"zig", "cobol"}, []model.Rec{{Item: "rust", Score: 4}, {Item: "go", Score: 3}}},
		{"bob", 5, []string{"zig", "rust", "go"}, []model.Rec{}},
	}
	for _, tt := range tests {
		got, err := m.Recommend(tt.user, tt.k, model.RecommendOptions{Exclude: tt.exclude})
		if err != nil {
			t.Fatalf("Recommend(%s, %d, %v): %v", tt.user, tt.k, tt.exclude, err)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("Recommend(%s, %d, %v) = %v, want %v", tt.user, tt.k, tt.exclude, got, tt.want)
		}
	}
}

// TestRecommendRanksUnclipped: both items would clip to the top rating,
// but the higher unclipped score ranks first, and each shows its own
// score, marked as beyond the top of the scale.
func TestRecommendRanksUnclipped(t *testing.T) {
	m := &model.Model{
		Net: &model.Dot{Users: 1, Items: 3, Dim: 1, Act: model.Linear,
			UserEmb: []float32{1}, UserBias: []float32{0},
			ItemEmb: []float32{1.2, 1.5, 0.5}, ItemBias: []float32{0, 0, 0}},
		Users: dataset.NewIDMap([]string{"u"}),
		Items: dataset.NewIDMap([]string{"a", "b", "c"}),
		Min:   1, Max: 5,
	}
	got, err := m.Recommend("u", 3, model.RecommendOptions{})
	want := []model.Rec{{Item: "b", Score: 7, Beyond: 1}, {Item: "a", Score: 1 + float64(float32(1.2))*4, Beyond: 1}, {Item: "c", Score: 3}}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("Recommend = %v, %v, want %v", got, err, want)
	}
}

// TestRecommendAnyNet: a mean net scores every item alike, so items come
// in inner id order.
func TestRecommendAnyNet(t *testing.T) {
	m := exampleModel()
	m.Net = &model.Mean{Mu: 0.5}
	got, err := m.Recommend("bob", 2, model.RecommendOptions{})
	want := []model.Rec{{Item: "go", Score: 3}, {Item: "rust", Score: 3}}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("Recommend = %v, %v, want %v", got, err, want)
	}
}

func TestRecommendErrors(t *testing.T) {
	m := exampleModel()
	if _, err := m.Recommend("cat", 3, model.RecommendOptions{}); !errors.Is(err, model.ErrUnknownUser) || !strings.Contains(err.Error(), `"cat"`) {
		t.Errorf("unknown user: %v, want ErrUnknownUser naming cat", err)
	}
	for _, k := range []int{0, -1} {
		if _, err := m.Recommend("ann", k, model.RecommendOptions{}); err == nil || !strings.HasPrefix(err.Error(), "model: ") {
			t.Errorf("k=%d: %v, want a model: error", k, err)
		}
	}
}

// similarModel has item embeddings a=(1,0), b=(3,4), c=(0,2), d=(-1,0) and
// e=(0,0). From a: b 0.6, c 0, e 0 (all-zero), d -1; from b: c 0.8, a 0.6.
func similarModel() *model.Model {
	return &model.Model{
		Net: &model.Dot{Users: 1, Items: 5, Dim: 2, Act: model.Linear,
			UserEmb: []float32{0, 0}, UserBias: []float32{0},
			ItemEmb: []float32{1, 0, 3, 4, 0, 2, -1, 0, 0, 0}, ItemBias: make([]float32, 5)},
		Users: dataset.NewIDMap([]string{"u"}),
		Items: dataset.NewIDMap([]string{"a", "b", "c", "d", "e"}),
		Min:   1, Max: 5,
	}
}

func TestSimilarByHand(t *testing.T) {
	m := similarModel()
	tests := []struct {
		item string
		k    int
		want []model.Rec
	}{
		{"a", 10, []model.Rec{{Item: "b", Score: 0.6}, {Item: "c", Score: 0}, {Item: "e", Score: 0}, {Item: "d", Score: -1}}},
		{"b", 2, []model.Rec{{Item: "c", Score: 0.8}, {Item: "a", Score: 0.6}}},
		{"d", 1, []model.Rec{{Item: "c", Score: 0}}},
	}
	// e's row is all zeros: never trained, near nothing.
	if got, err := m.Similar("e", 4); !errors.Is(err, model.ErrColdItem) {
		t.Errorf("Similar(e, 4) = %v, %v; want ErrColdItem", got, err)
	}
	for _, tt := range tests {
		got, err := m.Similar(tt.item, tt.k)
		if err != nil {
			t.Fatalf("Similar(%s, %d): %v", tt.item, tt.k, err)
		}
		ok := len(got) == len(tt.want)
		for j := 0; ok && j < len(got); j++ {
			ok = got[j].Item == tt.want[j].Item && math.Abs(got[j].Score-tt.want[j].Score) < 1e-9
		}
		if !ok {
			t.Errorf("Similar(%s, %d) = %v, want %v", tt.item, tt.k, got, tt.want)
		}
	}
}

// TestSimilarKinds: Similar reads any net's item_embedding table.
func TestSimilarKinds(t *testing.T) {
	d := similarModel().Net.(*model.Dot)
	ids := similarModel()
	for _, net := range []model.Net{
		&model.MF{Users: 1, Items: 5, Dim: 2, UserEmb: d.UserEmb, UserBias: d.UserBias, ItemEmb: d.ItemEmb, ItemBias: d.ItemBias},
		&model.NMF{Users: 1, Items: 5, Dim: 2, UserEmb: d.UserEmb, ItemEmb: d.ItemEmb},
	} {
		m := &model.Model{Net: net, Users: ids.Users, Items: ids.Items, Min: 1, Max: 5}
		got, err := m.Similar("b", 1)
		if err != nil || len(got) != 1 || got[0].Item != "c" || math.Abs(got[0].Score-0.8) > 1e-9 {
			t.Errorf("%s: Similar(b, 1) = %v, %v, want [{c 0.8}]", net.Kind(), got, err)
		}
	}
}

func TestSimilarErrors(t *testing.T) {
	m := similarModel()
	bias := &model.Model{Net: &model.Bias{UserBias: []float32{0}, ItemBias: make([]float32, 5)}, Users: m.Users, Items: m.Items}
	tests := []struct {
		name string
		m    *model.Model
		item string
		k    int
		is   error
	}{
		{"unknown item", m, "cobol", 3, model.ErrUnknownItem},
		{"no embeddings", bias, "a", 3, model.ErrUnsupported},
		{"k zero", m, "a", 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.m.Similar(tt.item, tt.k)
			if err == nil || !strings.HasPrefix(err.Error(), "model: ") {
				t.Fatalf("error %v, want a model: error", err)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %v does not wrap %v", err, tt.is)
			}
		})
	}
}
