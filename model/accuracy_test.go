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

// tableNet is a model.Net whose scores are fixed: Score(u, i) is
// scores[{u, i}], or Default for pairs not listed.
type tableNet struct {
	scores  map[[2]int32]float32
	Default float32
}

func (n *tableNet) Score(u, i int32) float32 {
	if s, ok := n.scores[[2]int32{u, i}]; ok {
		return s
	}
	return n.Default
}
func (n *tableNet) Kind() string                    { return "table" }
func (n *tableNet) Params() []model.Param           { return nil }
func (n *tableNet) SummaryRows() []model.SummaryRow { return nil }

func TestScaleRoundTrip(t *testing.T) {
	m := &model.Model{Min: 0.5, Max: 5}
	for _, r := range []float64{0.5, 1, 2.25, 3, 4.5, 5} {
		s := m.ToScale(r)
		if want := (r - 0.5) / 4.5; !near(float64(s), want, 1e-7) {
			t.Errorf("ToScale(%g) = %v, want %v", r, s, want)
		}
		if back := m.FromScale(s); !near(back, r, 1e-6) {
			t.Errorf("FromScale(ToScale(%g)) = %v", r, back)
		}
	}
	if got := m.ToScale(0.5); got != 0 {
		t.Errorf("ToScale(Min) = %v, want 0", got)
	}
	if got := m.ToScale(5); got != 1 {
		t.Errorf("ToScale(Max) = %v, want 1", got)
	}
	if got := m.ScaleRatings(dataset.Ratings{Value: []float32{0.5, 5, 2.75}}); !slices.Equal(got, []float32{0, 1, 0.5}) {
		t.Errorf("ScaleRatings = %v", got)
	}
}

func TestFromScale(t *testing.T) {
	scaled := &model.Model{Min: 1, Max: 5}
	raw := &model.Model{Min: 1, Max: 5, Config: model.Config{Training: model.Training{NoScale: true}}}
	flat := &model.Model{Min: 3, Max: 3} // one rating value: nothing to scale
	tests := []struct {
		m    *model.Model
		s    float32
		want float64
	}{
		{scaled, 0, 1},
		{scaled, 1, 5},
		{scaled, 0.5, 3},
		{scaled, 0.125, 1.5},
		{scaled, -0.5, 1}, // clipped
		{scaled, 1.25, 5}, // clipped
		{scaled, float32(math.Inf(1)), 5},
		{raw, 3.5, 3.5}, // passed through
		{raw, 0.5, 1},   // clipped
		{raw, 7, 5},     // clipped
		{flat, 3, 3},
		{flat, 0.5, 3},
		{flat, 9, 3},
	}
	for _, tt := range tests {
		if got := tt.m.FromScale(tt.s); got != tt.want {
			t.Errorf("FromScale(%v) with scale %g..%g, no scale %v = %v, want %v", tt.s, tt.m.Min, tt.m.Max, tt.m.Config.NoScale, got, tt.want)
		}
	}
	if got := scaled.FromScale(float32(math.NaN())); !math.IsNaN(got) {
		t.Errorf("FromScale(NaN) = %v, want NaN", got)
	}
	if got := raw.ToScale(4.5); got != 4.5 {
		t.Errorf("ToScale with NoScale = %v, want 4.5", got)
	}
	if got := flat.ToScale(3); got != 3 {
		t.Errorf("ToScale with Min = Max = %v, want 3", got)
	}
}

func TestPredict(t *testing.T) {
	net := &tableNet{scores: map[[2]int32]float32{{0, 1}: 0.75, {1, 0}: 0.25}}
	m := &model.Model{
		Net:   net,
		Users: dataset.NewIDMap([]string{"ann", "bob"}),
		Items: dataset.NewIDMap([]string{"go", "zig"}),
		Min:   1, Max: 5,
	}
	if got, err := m.Predict("ann", "zig"); err != nil || got != 4 {
		t.Errorf("Predict(ann, zig) = %v, %v; want 4", got, err)
	}
	if got, err := m.Predict("bob", "go"); err != nil || got != 2 {
		t.Errorf("Predict(bob, go) = %v, %v; want 2", got, err)
	}
	tests := []struct {
		user, item string
		want       error
		other      error
	}{
		{"carl", "go", model.ErrUnknownUser, model.ErrUnknownItem},
		{"carl", "rust", model.ErrUnknownUser, model.ErrUnknownItem},
		{"ann", "rust", model.ErrUnknownItem, model.ErrUnknownUser},
		{"", "go", model.ErrUnknownUser, model.ErrUnknownItem},
	}
	for _, tt := range tests {
		_, err := m.Predict(tt.user, tt.item)
		if !errors.Is(err, tt.want) || errors.Is(err, tt.other) {
			t.Errorf("Predict(%q, %q): error %v, want %v", tt.user, tt.item, err, tt.want)
			continue
		}
		id := tt.user
		if tt.want == model.ErrUnknownItem {
			id = tt.item
		}
		if !strings.Contains(err.Error(), `"`+id+`"`) {
			t.Errorf("Predict(%q, %q): error %q does not name %q", tt.user, tt.item, err, id)
		}
	}
}

// TestAccuracyByHand scores four rows with a fixed net on the scale 1..5:
// one exact, one off by a quarter of the scale, one above and one below the
// scale (clipped for RMSE and MAE, raw for the scaled MSE).
func TestAccuracyByHand(t *testing.T) {
	var r dataset.Ratings
	r.Append(0, 0, 5)
	r.Append(0, 1, 1)
	r.Append(1, 0, 3)
	r.Append(1, 1, 4)
	net := &tableNet{scores: map[[2]int32]float32{
		{0, 0}: 1,     // 5: exact
		{0, 1}: 0.25,  // 2, rating 1: error 1; scaled error 0.25
		{1, 0}: 1.5,   // 7 clipped to 5, rating 3: error 2; scaled error 1.5-0.5 = 1
		{1, 1}: -0.25, // 0 clipped to 1, rating 4: error -3; scaled error -0.25-0.75 = -1
	}}
	m := &model.Model{Net: net, Min: 1, Max: 5}
	got := m.Test(r)
	want := model.Accuracy{
		N:          4,
		RMSE:       math.Sqrt((0 + 1 + 4 + 9) / 4.0),
		MAE:        (0 + 1 + 2 + 3) / 4.0,
		MSEScaled:  (0 + 0.0625 + 1 + 1) / 4.0,
		RMSEScaled: math.Sqrt((0 + 0.0625 + 1 + 1) / 4.0),
	}
	if got != want {
		t.Errorf("Test = %+v\nwant   %+v", got, want)
	}

	// Without scaling the scores are ratings.
	raw := &model.Model{Net: net, Min: 0, Max: 5, Config: model.Config{Training: model.Training{NoScale: true}}}
	var r2 dataset.Ratings
	r2.Append(0, 0, 2)  // score 1: error -1
	r2.Append(0, 1, 0)  // score 0.25: error 0.25
	r2.Append(1, 1, 0)  // score -0.25 clipped to 0: error 0; raw error -0.25
	r2.Append(1, 0, 15) // score 1.5: error -13.5 (the rating is off the scale)
	got = raw.Test(r2)
	want = model.Accuracy{
		N:          4,
		RMSE:       math.Sqrt((1 + 0.0625 + 0 + 182.25) / 4),
		MAE:        (1 + 0.25 + 0 + 13.5) / 4,
		MSEScaled:  (1 + 0.0625 + 0.0625 + 182.25) / 4,
		RMSEScaled: math.Sqrt((1 + 0.0625 + 0.0625 + 182.25) / 4),
	}
	if got != want {
		t.Errorf("raw Test = %+v\nwant       %+v", got, want)
	}
}

func TestPredictBatch(t *testing.T) {
	cfg := model.Config{Training: model.Training{Seed: 3}, Settings: model.Settings{Dim: 5, Activation: model.Sigmoid}}
	m := &model.Model{Config: cfg, Net: model.NewDot(6, 4, cfg), Min: 1, Max: 5}
	var users, items []int32
	for u := range int32(6) {
		for i := range int32(4) {
			users, items = append(users, u), append(items, i)
		}
	}
	// A reused destination longer than the batch, holding junk.
	dst := make([]float64, 100)
	for k := range dst {
		dst[k] = -1
	}
	got := m.PredictBatch(dst, users, items)
	if len(got) != len(users) {
		t.Fatalf("PredictBatch returned %d values for %d pairs", len(got), len(users))
	}
	for k := range users {
		if want := m.PredictInner(users[k], items[k]); got[k] != want {
			t.Errorf("pair %d (%d, %d): batch %v, alone %v", k, users[k], items[k], got[k], want)
		}
		if got[k] < 1 || got[k] > 5 {
			t.Errorf("pair %d: %v is off the scale", k, got[k])
		}
	}
	if got := m.PredictBatch(nil, users[:3], items[:3]); len(got) != 3 || got[2] != m.PredictInner(users[2], items[2]) {
		t.Errorf("PredictBatch(nil, 3 pairs) = %v", got)
	}
	if got := m.PredictBatch(nil, nil, nil); len(got) != 0 {
		t.Errorf("PredictBatch of no pairs = %v", got)
	}
}
