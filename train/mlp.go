package train

import (
	"context"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

func init() {
	Register("mlp", Fitter{Fit: fitMLP, RowFloats: nnRowFloats})
}

// fitMLP trains a model.MLP.
func fitMLP(ctx context.Context, s *dataset.Split, m *model.Model, o *Options) error {
	net := model.NewMLP(s.Users.Len(), s.Items.Len(), m.Config)
	net.Out.B[0] = startBias(s, m)
	m.Net = net
	k := newNNKernel(net, scratch(m.Config, s))
	return loop(ctx, s, m, nnEpochs{k, net}, o)
}
