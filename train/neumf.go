package train

import (
	"context"
	"fmt"
	"slices"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

// PretrainedKind is the kind WithPretrained starts.
const PretrainedKind = "neumf"

func init() {
	Register(PretrainedKind, Fitter{Fit: fitNeuMF, RowFloats: nnRowFloats})
}

// WithPretrained starts a neumf from a trained dot model and a trained mlp
// model, as Neural Collaborative Filtering does: the GMF branch takes the
// dot model's embeddings and biases, the MLP branch the mlp model's
// embeddings and hidden layers, and the output unit weighs the two with
// alpha 0.5, so that the new net's pre-activation starts as the mean of
// theirs. Both must have been trained on the same id maps (the same data
// and split), with the same embedding size and the same task; the neumf
// takes its hidden layers from the mlp model. Other kinds ignore this
// option.
func WithPretrained(dot, mlp *model.Model) Option {
	return func(o *Options) { o.dot, o.mlp = dot, mlp }
}

// fitNeuMF trains a model.NeuMF, from scratch or from WithPretrained's
// models.
func fitNeuMF(ctx context.Context, s *dataset.Split, m *model.Model, o *Options) error {
	var net *model.NeuMF
	if o.dot != nil || o.mlp != nil {
		var err error
		if net, err = pretrainedNeuMF(s, m, o.dot, o.mlp); err != nil {
			return err
		}
	} else {
		net = model.NewNeuMF(s.Users.Len(), s.Items.Len(), m.Config)
		net.Out.B[0] = startBias(s, m)
	}
	m.Net = net
	k := newNNKernel(net, scratch(m.Config, s))
	return loop(ctx, s, m, nnEpochs{k, net}, o)
}

// pretrainedNeuMF builds the NeuMF WithPretrained describes and sets m's
// Dim and Layers to the pretrained models'.
func pretrainedNeuMF(s *dataset.Split, m *model.Model, dm, mm *model.Model) (*model.NeuMF, error) {
	if dm == nil || mm == nil {
		return nil, fmt.Errorf("train: a pretrained neumf needs both a dot and an mlp model")
	}
	dot, ok := dm.Net.(*model.Dot)
	if !ok {
		return nil, fmt.Errorf("train: pretrained GMF model is a %s, want dot", dm.Net.Kind())
	}
	mlp, ok := mm.Net.(*model.MLP)
	if !ok {
		return nil, fmt.Errorf("train: pretrained MLP model is a %s, want mlp", mm.Net.Kind())
	}
	for _, p := range []*model.Model{dm, mm} {
		if !slices.Equal(p.Users.IDs(), s.Users.IDs()) || !slices.Equal(p.Items.IDs(), s.Items.IDs()) {
			return nil, fmt.Errorf("train: pretrained %s model was trained on other users or items than this data", p.Net.Kind())
		}
		if p.Config.Implicit() != m.Config.Implicit() {
			return nil, fmt.Errorf("train: pretrained %s model was trained for another task", p.Net.Kind())
		}
	}
	switch {
	case dot.Dim != mlp.Dim:
		return nil, fmt.Errorf("train: pretrained dot and mlp models have embedding sizes %d and %d; they must agree", dot.Dim, mlp.Dim)
	case dot.Act != mlp.Out.Act:
		return nil, fmt.Errorf("train: pretrained dot and mlp models have %s and %s outputs; they must agree", dot.Act, mlp.Out.Act)
	}
	m.Config.Dim, m.Config.Layers, m.Config.Activation = dot.Dim, mm.Config.Layers, dot.Act
	net := model.NewNeuMF(dot.Users, dot.Items, m.Config)
	const alpha = 0.5
	d := dot.Dim
	copy(net.UserEmb, dot.UserEmb)
	copy(net.ItemEmb, dot.ItemEmb)
	for u, b := range dot.UserBias {
		net.UserBias[u] = alpha * b
	}
	for i, b := range dot.ItemBias {
		net.ItemBias[i] = alpha * b
	}
	copy(net.MLPUserEmb, mlp.UserEmb)
	copy(net.MLPItemEmb, mlp.ItemEmb)
	for j := range net.Hidden {
		copy(net.Hidden[j].W, mlp.Hidden[j].W)
		copy(net.Hidden[j].B, mlp.Hidden[j].B)
	}
	for j := range d {
		net.Out.W[j] = alpha
	}
	for j, w := range mlp.Out.W {
		net.Out.W[d+j] = (1 - alpha) * w
	}
	net.Out.B[0] = (1 - alpha) * mlp.Out.B[0]
	return net, nil
}
