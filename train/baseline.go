package train

import (
	"context"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

func init() {
	Register("mean", Fitter{Fit: func(_ context.Context, s *dataset.Split, m *model.Model, _ *Options) error {
		m.Net = model.FitMean(m.ScaleRatings(s.Train))
		return nil
	}})
	Register("bias", Fitter{Fit: func(_ context.Context, s *dataset.Split, m *model.Model, _ *Options) error {
		m.Net = model.FitBias(s.Train, m.ScaleRatings(s.Train), s.Users.Len(), s.Items.Len(), model.BiasConfig{})
		return nil
	}})
}
