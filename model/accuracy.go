package model

import (
	"math"

	"github.com/recnet/recnet/dataset"
)

// Accuracy holds error measures of predictions against true ratings.
type Accuracy struct {
	N          int     `json:"n"`
	RMSE       float64 `json:"rmse"`        // original scale, predictions clipped to the range
	MAE        float64 `json:"mae"`         // original scale
	MSEScaled  float64 `json:"mse_scaled"`  // training scale, raw net output (as the lab's test MSE)
	RMSEScaled float64 `json:"rmse_scaled"` // training scale
}

// Test scores every row of r and returns the accuracy (Surprise's
// algo.test followed by accuracy.rmse and accuracy.mae).
func (m *Model) Test(r dataset.Ratings) Accuracy {
	var se, ae, sse float64
	for k, v := range r.Value {
		s := m.Net.Score(r.User[k], r.Item[k])
		e := m.FromScale(s) - float64(v)
		se += e * e
		ae += math.Abs(e)
		es := float64(s - m.ToScale(float64(v)))
		sse += es * es
	}
	n := float64(r.Len())
	return Accuracy{
		N: r.Len(), RMSE: math.Sqrt(se / n), MAE: ae / n,
		MSEScaled: sse / n, RMSEScaled: math.Sqrt(sse / n),
	}
}

// PredictBatch writes into dst the rating of each (users[k], items[k]) pair
// on the original scale and returns dst, grown if needed. Each row is scored
// on its own: the result never depends on the other rows of the batch.
func (m *Model) PredictBatch(dst []float64, users, items []int32) []float64 {
	dst = append(dst[:0], make([]float64, len(users))...)
	for k, u := range users {
		dst[k] = m.PredictInner(u, items[k])
	}
	return dst
}
