package model

import (
	"errors"
	"fmt"
	"math"

	"github.com/recnet/recnet/internal/quote"

	"github.com/recnet/recnet/dataset"
)

// Errors returned for ids a model does not know.
var (
	ErrUnknownUser = errors.New("model: unknown user")
	ErrUnknownItem = errors.New("model: unknown item")
	// ErrColdUser is returned by Recommend for a user the model knows by
	// id but kept no training or validation row of (see Model.Seen): the
	// net learned nothing of it, and its list would be the same for
	// anyone. Fold its ratings in instead (FoldIn).
	ErrColdUser = errors.New("model: cold user")
	// ErrColdItem is returned by Similar for an item without a training
	// interaction and without features to stand for it: its embedding
	// was never trained, so it is near nothing.
	ErrColdItem = errors.New("model: cold item")
)

// Epoch is one epoch of training history.
type Epoch struct {
	Epoch   int     `json:"epoch"`
	Loss    float64 `json:"loss"`     // mean training MSE on the training scale
	ValLoss float64 `json:"val_loss"` // validation MSE on the training scale
	ValRMSE float64 `json:"val_rmse"` // validation RMSE on the original scale
	// ValNDCG is the validation NDCG@10 of a sample of users, each
	// validation item ranked among all items the user has not trained on
	// (the implicit task's early stopping of dot and mf); NaN when not
	// measured.
	ValNDCG float64 `json:"val_ndcg"`
	Seconds float64 `json:"seconds"` // training time of the epoch, validation excluded
}

// Model is a trained net with everything needed to use it: its settings,
// id maps, rating scale and training history.
type Model struct {
	Config       Config
	Net          Net
	Users, Items *dataset.IDMap
	// Min and Max are the rating range. Unless Config.NoScale, the net was
	// trained on (r-Min)/(Max-Min).
	Min, Max float64
	// Step is the spacing of the ratings the model was fitted on (see
	// RatingStep): 1 for 3, 4, 5, 0.5 for half stars, 0 when continuous
	// or unknown.
	Step float64
	// Seen holds each known user's rated items (see Seen); nil when the
	// model keeps none, and then Recommend cannot leave them out.
	Seen *Seen
	// Features are the item features a dot net was trained with (see
	// ItemFeatures), nil without.
	Features  *ItemFeatures
	History   []Epoch
	BestEpoch int // 1-based epoch whose tables the model holds; 0 if none
	// Initial is the validation of the initial weights (epoch 0, no
	// training loss) when early stopping scored them, as the best until an
	// epoch beats them; nil otherwise. With BestEpoch 0 after some epochs
	// the model holds those initial weights. It is not saved.
	Initial *Epoch
}

// ToScale maps a rating to the training scale.
func (m *Model) ToScale(r float64) float32 {
	if m.Config.NoScale || m.Max <= m.Min {
		return float32(r)
	}
	return float32((r - m.Min) / (m.Max - m.Min))
}

// FromScale maps a score on the training scale back to a rating, clipped to
// [Min, Max]: a prediction of a rating, as Predict gives it.
//
// A model of the implicit task predicts probabilities, which FromScale
// returns as they are.
func (m *Model) FromScale(s float32) float64 {
	r := m.Unscale(s)
	if m.Config.Implicit() || math.IsNaN(r) {
		return r
	}
	return min(max(r, m.Min), m.Max)
}

// Unscale maps a score on the training scale back to the original scale
// without clipping: a rating model's output may pass Max or fall below
// Min, which Recommend shows (see Rec.Beyond). A model of the implicit
// task predicts probabilities, which Unscale returns as they are.
func (m *Model) Unscale(s float32) float64 {
	r := float64(s)
	if !m.Config.Implicit() && !m.Config.NoScale && m.Max > m.Min {
		r = m.Min + r*(m.Max-m.Min)
	}
	return r
}

// PredictInner returns the rating of inner user u and item i on the
// original scale, clipped to [Min, Max] (see FromScale).
func (m *Model) PredictInner(u, i int32) float64 {
	return m.FromScale(m.Net.Score(u, i))
}

// Predict returns the predicted rating of a raw user and item id on the
// original scale, clipped to [Min, Max]: a rating of one pair, which
// cannot be better than Max. Recommend, which ranks items against each
// other, gives the unclipped score. Unknown ids give ErrUnknownUser or
// ErrUnknownItem.
func (m *Model) Predict(user, item string) (float64, error) {
	u, ok := m.Users.Inner(user)
	if !ok {
		return 0, fmt.Errorf("%w %s", ErrUnknownUser, quote.Short(user))
	}
	i, ok := m.Items.Inner(item)
	if !ok {
		return 0, fmt.Errorf("%w %s", ErrUnknownItem, quote.Short(item))
	}
	return m.PredictInner(u, i), nil
}

// ScaleRatings returns a copy of r's values on the training scale.
func (m *Model) ScaleRatings(r dataset.Ratings) []float32 {
	out := make([]float32, r.Len())
	for k, v := range r.Value {
		out[k] = m.ToScale(float64(v))
	}
	return out
}

// The names ScoreName gives.
const (
	ScoreRating      = "rating"      // on the original scale
	ScoreProbability = "probability" // of an interaction
	ScoreRelevance   = "relevance"   // a score that orders the items and means nothing alone
)

// ScoreName names what Predict returns and Recommend ranks by and gives
// in Rec.Score: ScoreProbability for a model of the implicit task,
// ScoreRating (a predicted rating on the original scale, unclipped in
// Recommend) otherwise.
//
// A kind may declare its own (Kind.Score): ScoreRelevance for one whose
// scores only order the items (ials, ease).
func (m *Model) ScoreName() string {
	if k, ok := Lookup(m.Config.WithDefaults().Kind); ok && k.Score != "" {
		return k.Score
	}
	if m.Config.Implicit() {
		return ScoreProbability
	}
	return ScoreRating
}
