package eval

import (
	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

// Comparison is a model's test accuracy beside the global-mean and the
// user+item bias baselines, all fitted on the same training rows.
type Comparison struct {
	Model      model.Accuracy `json:"model"`
	GlobalMean model.Accuracy `json:"global_mean"`
	Bias       model.Accuracy `json:"bias"`
}

// BeatsBias reports whether the model's test RMSE is below the bias
// baseline's.
func (c Comparison) BeatsBias() bool { return c.Model.RMSE < c.Bias.RMSE }

// Compare fits the baselines on s.Train with m's scale and tests all three
// on rows.
func Compare(m *model.Model, s *dataset.Split, rows dataset.Ratings) Comparison {
	mean, bias := model.Baselines(m, s)
	return Comparison{Model: m.Test(rows), GlobalMean: mean.Test(rows), Bias: bias.Test(rows)}
}
