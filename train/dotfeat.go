package train

import (
	"context"
	"fmt"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

// WithItemFeatures trains with the items' features f (inner item ids of
// the split; see dataset.Catalog.ItemFeatures), as LightFM does: an item's
// row is its id embedding plus the sum of its features' embeddings, and
// its bias the id bias plus the features' biases. The model keeps the
// features (model.Model.Features), marking as new the items with no
// training or validation row. Only dot trains with them.
func WithItemFeatures(f *dataset.Features) Option {
	return func(o *Options) { o.features = f }
}

// checkFeatures refuses item features for a kind other than dot, or that
// do not describe the split's items.
func checkFeatures(cfg model.Config, s *dataset.Split, f *dataset.Features) error {
	if f == nil {
		return nil
	}
	if cfg.Kind != dotKind {
		return fmt.Errorf("train: kind %s does not train with item features (dot does)", cfg.Kind)
	}
	if len(f.Names) == 0 {
		return fmt.Errorf("train: item features name no feature")
	}
	if cfg.Threads > 1 {
		return fmt.Errorf("train: dot trains with item features on one goroutine, not %d threads", cfg.Threads)
	}
	if err := f.Check(s.Items.Len()); err != nil {
		return fmt.Errorf("train: item features: %w", err)
	}
	return nil
}

// fitDotFeatures trains dot with item features f.
func fitDotFeatures(ctx context.Context, s *dataset.Split, m *model.Model, o *Options, f *dataset.Features) error {
	cfg := m.Config
	net := model.NewDot(s.Users.Len(), s.Items.Len(), cfg)
	feats := model.NewDot(0, len(f.Names), cfg) // the feature rows, drawn as item rows are
	if cfg.Init == "normal" {
		mu := startBias(s, m)
		for i := range net.ItemBias {
			net.ItemBias[i] = mu
		}
		clear(net.UserBias)
		clear(feats.ItemBias)
	}
	net.Feats, net.FeatEmb, net.FeatBias = len(f.Names), feats.ItemEmb, feats.ItemBias
	m.Features = model.NewItemFeatures(f, s.Items.Len(), s.Train, s.Valid)
	cold := make([]bool, s.Items.Len())
	for _, i := range m.Features.New {
		cold[i] = true
		clear(net.ItemEmb[int(i)*net.Dim : int(i)*net.Dim+net.Dim])
	}
	k := newFeatKernel(net, f, scratch(cfg, s))
	k.cold = cold
	m.Net = net
	return loop(ctx, s, m, k, o)
}

// featKernel trains a dot net with item features on packed tables (see
// dotKernel): users, item id rows and feature rows. A batch scores every row
// with the weights before the batch, sums each touched row's gradient (an
// item's gradient goes to its id row and to each of its features' rows),
// then steps every touched row once.
type featKernel struct {
	dim                 int
	act                 model.Activation
	bce                 bool
	users, items, feats dotTable
	f                   *dataset.Features
	net                 *model.Dot
	l2, bl2             float32
	opt                 *optim
	touched             [3][]int32   // users, items, features touched by the batch, in slot order
	grad                [3][]float32 // their gradients, gn floats a slot
	gn                  int          // floats a slot: dim, the bias and (items) the batch's rows of the item
	q                   []float32    // an item's effective row: dim weights and the bias
	eff                 []float32    // the effective row of each touched item, by slot, gn floats a slot
	// cold marks the items without a training or validation row (nil:
	// none). Their id rows are not trained: their id embedding stays 0,
	// and store gives them the mean id bias of the other items, so that
	// their scores come from their features alone.
	cold []bool
}

func newFeatKernel(d *model.Dot, f *dataset.Features, cfg model.Config) *featKernel {
	l2, bl2 := cfg.PositiveL2()
	moments := cfg.Optimizer == "adam"
	k := &featKernel{
		dim: d.Dim, act: d.Act, bce: cfg.Implicit(), f: f, net: d, gn: d.Dim + 2,
		users: newDotTable(d.Users, d.Dim, moments), items: newDotTable(d.Items, d.Dim, moments),
		feats: newDotTable(d.Feats, d.Dim, moments),
		l2:    float32(2 * l2), bl2: float32(2 * bl2),
		opt: newOptim(cfg.Optimizer, cfg.LR, cfg.Beta1, cfg.Beta2, cfg.Eps),
		q:   make([]float32, d.Dim+2),
	}
	b := cfg.Batch
	most := 0
	for i := range d.Items {
		most = max(most, len(f.Of(int32(i))))
	}
	for t, n := range []int{b, min(b, d.Items), min(b*most, d.Feats)} {
		k.touched[t] = make([]int32, 0, n)
		k.grad[t] = make([]float32, n*k.gn)
	}
	k.eff = make([]float32, min(b, d.Items)*k.gn)
	k.users.load(d.UserEmb, d.UserBias)
	k.items.load(d.ItemEmb, d.ItemBias)
	k.feats.load(d.FeatEmb, d.FeatBias)
	return k
}

// effective sets k.q to item i's effective row from the packed weights.
func (k *featKernel) effective(i int32) []float32 {
	d, b := k.dim, k.items.bias()
	qi := k.items.row(i)
	q := k.q
	copy(q[:d], qi[:d])
	q[d] = qi[b]
	for _, x := range k.f.Of(i) {
		fr := k.feats.row(x)
		for j := range q[:d] {
			q[j] += fr[j]
		}
		q[d] += fr[b]
	}
	return q
}

// preact returns <p_u, q_i> + b_u + b_i with q_i and b_i effective.
func (k *featKernel) preact(u, i int32) float32 {
	d, b := k.dim, k.users.bias()
	pu, q := k.users.row(u), k.effective(i)
	return model.Dot32(pu[:d], q[:d]) + pu[b] + q[d]
}

func (k *featKernel) score(u, i int32) float32 {
	y, _ := k.act.Apply(k.preact(u, i))
	return y
}

func (k *featKernel) epoch(us, is []int32, ts []float32, batch int, after func(b int, sse float64) error) (float64, error) {
	return batches(len(us), batch, after, func(lo, hi int) {},
		func(lo, hi int) float64 { return k.batch(us[lo:hi], is[lo:hi], ts[lo:hi]) })
}

// batch trains on one mini-batch and returns the sum of its losses before
// the update, as dotKernel.batch does. An item's effective row is computed
// once a batch, when its slot is claimed, and the gradient of its rows is
// summed in the slot as that of the effective row; spread then gives each
// of the item's rows (its id row and its features' rows) its share.
func (k *featKernel) batch(us, is []int32, ts []float32) float64 {
	n := len(us)
	inv := 2 / float32(n)
	d, b := k.dim, k.users.bias()
	var sse float64
	for r, u := range us {
		gi, q := k.itemSlot(is[r])
		pu := k.users.row(u)
		y, dy := k.act.Apply(model.Dot32(pu[:d], q[:d]) + pu[b] + q[d])
		e := y - ts[r]
		var g float32
		if k.bce {
			sse += bce(y, ts[r])
			g = inv / 2 * e
		} else {
			sse += float64(e * e)
			g = inv * e * dy
		}
		gu := k.slot(0, &k.users, u)
		for j, p := range pu[:d] {
			gu[j] += g*q[j] + k.l2*p
			gi[j] += g * p
		}
		gu[d] += g + k.bl2*pu[b]
		gi[d] += g
		gi[d+1]++
	}
	k.spread()
	k.opt.next()
	for t, tab := range []*dotTable{&k.users, &k.items, &k.feats} {
		k.opt.updateRows(tab, k.touched[t], k.grad[t], k.gn)
		k.touched[t] = k.touched[t][:0]
	}
	return sse
}

// itemSlot returns item i's gradient slot in the batch (dim floats, the
// bias and the count of the batch's rows of i) and its effective row,
// computed when the slot is claimed.
func (k *featKernel) itemSlot(i int32) (g, q []float32) {
	claimed := len(k.touched[1])
	g = k.slot(1, &k.items, i)
	s := int(*slotOf(k.items.row(i), k.items.bo))
	q = k.eff[s*k.gn : s*k.gn+k.gn]
	if s == claimed {
		copy(q, k.effective(i))
	}
	return g, q
}

// spread turns each touched item's slot, the gradient of its effective row
// summed over the batch's c rows of it, into its id row's gradient and
// adds it to its features' slots, each row's plus c times its L2 gradient
// (each row of the batch pays the penalty). A cold item's id row gets none.
func (k *featKernel) spread() {
	d, b := k.dim, k.items.bias()
	for s, i := range k.touched[1] {
		G := k.grad[1][s*k.gn : s*k.gn+k.gn]
		c := G[d+1]
		for _, x := range k.f.Of(i) {
			gx, w := k.slot(2, &k.feats, x), k.feats.row(x)
			for j, v := range G[:d] {
				gx[j] += v + c*k.l2*w[j]
			}
			gx[d] += G[d] + c*k.bl2*w[b]
		}
		if k.cold != nil && k.cold[i] {
			clear(G)
			continue
		}
		w := k.items.row(i)
		for j, v := range G[:d] {
			G[j] = v + c*k.l2*w[j]
		}
		G[d] += c * k.bl2 * w[b]
		G[d+1] = 0
	}
}

// slot returns the gradient slot of row r of table t (0 users, 1 items,
// 2 features) in the current batch.
func (k *featKernel) slot(t int, tab *dotTable, r int32) []float32 {
	s := int(claim(tab, r, &k.touched[t], k.grad[t], k.gn))
	return k.grad[t][s*k.gn : s*k.gn+k.gn]
}

// store writes the current weights into the net: the user rows, the
// feature rows and each item's effective row, a cold item's from the mean
// id bias and its features.
func (k *featKernel) store() {
	d := k.net
	k.users.store(d.UserEmb, d.UserBias)
	k.feats.store(d.FeatEmb, d.FeatBias)
	k.items.store(d.ItemEmb, d.ItemBias)
	var sum float64
	warm := 0
	for i, c := range k.cold {
		if !c {
			sum += float64(d.ItemBias[i])
			warm++
		}
	}
	for i, c := range k.cold {
		if c && warm > 0 {
			d.ItemBias[i] = float32(sum / float64(warm))
		}
	}
	model.Materialize(d.ItemEmb, d.ItemBias, d.ItemEmb, d.ItemBias, d.FeatEmb, d.FeatBias, d.Dim, k.f)
}
