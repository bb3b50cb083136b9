package train

import (
	"math"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

// startBias returns where an output bias starts so that the untrained net
// predicts the training mean (rating task) or the share of positives
// (implicit task) on the pre-activation scale.
func startBias(s *dataset.Split, m *model.Model) float32 {
	if m.Config.Implicit() {
		return float32(-math.Log(float64(m.Config.Negatives)))
	}
	return model.FitMean(m.ScaleRatings(s.Train)).Mu
}

// nnEpochs adapts the nn kernel to the training loop.
type nnEpochs struct {
	k   *nnKernel
	net model.DeepNet
}

func (e nnEpochs) epoch(us, is []int32, ts []float32, batch int, after func(int, float64) error) (float64, error) {
	return e.k.epoch(us, is, ts, batch, after)
}
func (e nnEpochs) score(u, i int32) float32                 { return e.k.score(u, i) }
func (e nnEpochs) scoreBatch(dst []float32, us, is []int32) { e.k.scoreBatch(dst, us, is) }
func (e nnEpochs) store()                                   { e.k.store(e.net) }

// nnRowFloats counts the floats mlp and neumf keep a batch row: the
// input, its gradient, gradient slots, the output layer and every hidden
// layer's values.
func nnRowFloats(cfg model.Config) int64 {
	n := 8*int64(cfg.Dim) + 4
	for _, l := range cfg.Hidden() {
		n += 5*int64(l.Units) + 1
	}
	return n
}
