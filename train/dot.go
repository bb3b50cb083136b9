package train

import (
	"context"
	"fmt"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

// dotKind names the dot kind (model.DefaultKind), whose fitter this file
// registers.
const dotKind = "dot"

func init() {
	Register(dotKind, Fitter{Fit: fitDot, RowFloats: dotRowFloats})
}

// dotRowFloats counts the floats dot keeps a batch row: gradient slots,
// outputs and slots.
func dotRowFloats(cfg model.Config) int64 { return 2*(int64(cfg.Dim)+16) + 4 }

// fitDot trains RecommenderNet.
func fitDot(ctx context.Context, s *dataset.Split, m *model.Model, o *Options) error {
	cfg := m.Config
	if err := checkRated(cfg, o); err != nil {
		return err
	}
	if o.features != nil {
		if cfg.Blocked() {
			return fmt.Errorf("train: the blocked schedule does not train with item features")
		}
		return fitDotFeatures(ctx, s, m, o, o.features)
	}
	net := model.NewDot(s.Users.Len(), s.Items.Len(), cfg)
	m.Net = net
	if cfg.Init == "normal" {
		// The net has no global bias: start the item biases at the mean so
		// that the embeddings need not learn it.
		mu := startBias(s, m)
		for i := range net.ItemBias {
			net.ItemBias[i] = mu
		}
		clear(net.UserBias)
	}
	if cfg.Blocked() {
		k := newBlockedKernel(s, m, net.UserEmb, net.UserBias, net.ItemEmb, net.ItemBias, 0)
		return fitBlocked(ctx, s, m, k, o)
	}
	if cfg.SVDpp {
		net.Rated = newRated(s, cfg)
	}
	k := newDotKernel(net, scratch(cfg, s))
	k.bce = cfg.Implicit()
	if cfg.SVDpp {
		k.withRated(s, net, cfg)
	}
	return loop(ctx, s, m, dotEpochs{k, net}, o)
}

// dotEpochs adapts the dot kernel to the training loop.
type dotEpochs struct {
	k   *dotKernel
	net *model.Dot
}

func (d dotEpochs) epoch(us, is []int32, ts []float32, batch int, after func(int, float64) error) (float64, error) {
	return d.k.epoch(us, is, ts, batch, after)
}
func (d dotEpochs) score(u, i int32) float32 { return d.k.score(u, i) }
func (d dotEpochs) store()                   { d.k.store(d.net) }
