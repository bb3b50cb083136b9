package train

import (
	"math/rand/v2"

	"github.com/recnet/recnet/model"
)

// nnKernel trains a model.MLP or a model.NeuMF. Embeddings live in packed
// tables with their Adam moments, one row per user or item, as in the dot
// kernel:
//
//	mlp:   row = mlp embedding (dim)
//	neumf: row = gmf embedding (dim) | bias | mlp embedding (dim)
//
// and the dense layers run on the whole batch at once. A batch computes the
// exact gradient of its mean loss (dropout aside), then takes one optimizer
// step for every dense table and every touched embedding row.
type nnKernel struct {
	dim     int
	neumf   bool
	bce     bool
	outAct  model.Activation
	users   table
	items   table
	off     int // where a row's mlp embedding starts
	tower   []*dense
	out     *dense // the output unit, without activation or biases
	l2, bl2 float32
	opt     *optim
	p       float32 // dropout rate
	rng     *rand.Rand

	x, dx    []float32 // batch x 2dim: the tower's input and its gradient
	o, do    []float32 // batch x out.in: the output layer's input and its gradient
	zz       []float32 // batch: pre-activations with the biases
	uslot    []int32
	islot    []int32
	utouched []int32
	itouched []int32
	ugrad    []float32
	igrad    []float32
	sink     float32
	touch    int // floats of a row an update reads (optim.rowFloats)
}

// newNNKernel returns a kernel holding a copy of net's weights.
func newNNKernel(net model.DeepNet, cfg model.Config) *nnKernel {
	t := net.Deep()
	d, users, items, hidden, out := t.Dim, t.Users, t.Items, t.Hidden, *t.Out
	k := &nnKernel{bce: cfg.Implicit(), outAct: cfg.Activation, p: float32(cfg.Dropout)}
	if t.ItemGMF != nil { // a neumf
		k.neumf, k.off = true, d+1
	}
	rowN := d
	if k.neumf {
		rowN = 2*d + 1
	}
	b := cfg.Batch
	k.dim = d
	k.users, k.items = newTableN(users, rowN), newTableN(items, rowN)
	for _, l := range hidden {
		k.tower = append(k.tower, newDense(l, b, cfg.Dropout))
	}
	k.out = newDense(model.DenseLayer{In: out.In, Out: 1, Act: model.Linear, W: out.W, B: out.B}, b, 0)
	l2, bl2 := cfg.PositiveL2()
	k.l2, k.bl2 = float32(2*l2), float32(2*bl2)
	k.opt = newOptim(cfg.Optimizer, cfg.LR, cfg.Beta1, cfg.Beta2, cfg.Eps)
	k.touch = k.opt.rowFloats(k.users)
	k.rng = rand.New(rand.NewPCG(cfg.Seed, 0xd0d0))
	k.x, k.dx = make([]float32, b*2*d), make([]float32, b*2*d)
	k.o, k.do = make([]float32, b*out.In), make([]float32, b*out.In)
	k.zz = make([]float32, b)
	k.uslot, k.islot = make([]int32, users), make([]int32, items)
	for i := range k.uslot {
		k.uslot[i] = -1
	}
	for i := range k.islot {
		k.islot[i] = -1
	}
	k.ugrad, k.igrad = make([]float32, b*rowN), make([]float32, min(b, items)*rowN)
	k.copyTables(net, true)
	return k
}

// copyTables copies the embeddings of net into the packed tables (load) or
// back (store).
func (k *nnKernel) copyTables(net model.DeepNet, load bool) {
	d := k.dim
	cp := func(t table, emb []float32, off int) {
		for r := range len(emb) / d {
			w := t.data[r*t.stride+off : r*t.stride+off+d]
			if load {
				copy(w, emb[r*d:r*d+d])
			} else {
				copy(emb[r*d:r*d+d], w)
			}
		}
	}
	cpb := func(t table, bias []float32) {
		for r := range bias {
			if load {
				t.data[r*t.stride+d] = bias[r]
			} else {
				bias[r] = t.data[r*t.stride+d]
			}
		}
	}
	t := net.Deep()
	if !k.neumf {
		cp(k.users, t.UserMLP, 0)
		cp(k.items, t.ItemMLP, 0)
		return
	}
	cp(k.users, t.UserGMF, 0)
	cp(k.items, t.ItemGMF, 0)
	cpb(k.users, t.UserBias)
	cpb(k.items, t.ItemBias)
	cp(k.users, t.UserMLP, k.off)
	cp(k.items, t.ItemMLP, k.off)
}

// store writes the current weights into net, which must be the kind of net
// the kernel was made from.
func (k *nnKernel) store(net model.DeepNet) {
	k.copyTables(net, false)
	t := net.Deep()
	for j := range t.Hidden {
		k.tower[j].store(&t.Hidden[j])
	}
	k.out.store(t.Out)
}

// forward computes the pre-activations (biases included) of the m rows
// whose tower inputs are in k.x, into k.zz.
func (k *nnKernel) forward(us, is []int32, train bool) {
	m, d := len(us), k.dim
	h := k.x[:m*2*d]
	for _, l := range k.tower {
		h = l.forward(h, m, train, k.p, k.rng)
	}
	o := h
	if k.neumf {
		w := k.out.in
		hw := w - d
		o = k.o[:m*w]
		for r, u := range us {
			pu, qi := k.users.row(u), k.items.row(is[r])
			or := o[r*w : r*w+w]
			for j := range d {
				or[j] = pu[j] * qi[j]
			}
			copy(or[d:], h[r*hw:r*hw+hw])
		}
	}
	z := k.out.forward(o, m, false, 0, nil)
	copy(k.zz[:m], z[:m])
	if k.neumf {
		for r, u := range us {
			k.zz[r] += k.users.row(u)[d] + k.items.row(is[r])[d]
		}
	}
}

// gather copies the mlp embeddings of the rows into k.x.
func (k *nnKernel) gather(us, is []int32) {
	d, off := k.dim, k.off
	for r, u := range us {
		x := k.x[r*2*d : r*2*d+2*d]
		copy(x[:d], k.users.row(u)[off:off+d])
		copy(x[d:], k.items.row(is[r])[off:off+d])
	}
}

// scoreBatch sets dst[r] to the net's output for (us[r], is[r]), in
// chunks of the batch size.
func (k *nnKernel) scoreBatch(dst []float32, us, is []int32) {
	b := len(k.zz)
	for lo := 0; lo < len(us); lo += b {
		hi := min(lo+b, len(us))
		k.gather(us[lo:hi], is[lo:hi])
		k.forward(us[lo:hi], is[lo:hi], false)
		for r, z := range k.zz[:hi-lo] {
			dst[lo+r], _ = k.outAct.Apply(z)
		}
	}
}

// score returns the net's output for one pair.
func (k *nnKernel) score(u, i int32) float32 {
	var y [1]float32
	k.scoreBatch(y[:], []int32{u}, []int32{i})
	return y[0]
}

// epoch trains on the rows in batches, as dotKernel.epoch does.
func (k *nnKernel) epoch(us, is []int32, ts []float32, batch int, after func(b int, loss float64) error) (float64, error) {
	return batches(len(us), batch, after,
		func(lo, hi int) { k.prefetch(us[lo:hi]) },
		func(lo, hi int) float64 { return k.batch(us[lo:hi], is[lo:hi], ts[lo:hi]) })
}

// prefetch touches the user rows of the next batch (see dotKernel.prefetch).
func (k *nnKernel) prefetch(next []int32) {
	var s float32
	for _, u := range next {
		row := k.users.row(u)
		for j := 0; j < k.touch; j += 16 {
			s += row[j]
		}
	}
	k.sink += s
}

// batch trains on one mini-batch and returns the sum of its losses before
// the update: forward, loss, back through the dense layers, the embedding
// rows' gradients, one optimizer step.
func (k *nnKernel) batch(us, is []int32, ts []float32) float64 {
	m := len(us)
	is, ts = is[:m], ts[:m]
	k.gather(us, is)
	k.forward(us, is, true)
	loss := k.lossGrad(ts)
	k.backward(m)
	k.embeddingGrads(us, is)
	k.step()
	return loss
}

// lossGrad returns the sum of the batch's losses and sets k.out.dh to the
// gradient of their mean with respect to each row's pre-activation.
func (k *nnKernel) lossGrad(ts []float32) float64 {
	m := len(ts)
	var loss float64
	inv := 1 / float32(m)
	g := k.out.dh[:m]
	for r, z := range k.zz[:m] {
		y, dy := k.outAct.Apply(z)
		e := y - ts[r]
		if k.bce {
			loss += bce(y, ts[r])
			g[r] = inv * e
		} else {
			loss += float64(e * e)
			g[r] = 2 * inv * e * dy
		}
	}
	return loss
}

// backward takes the gradient back through the output unit, the fusion and
// the tower, leaving the tower input's gradient in k.dx and, for neumf, the
// output layer input's gradient in k.do.
func (k *nnKernel) backward(m int) {
	d := k.dim
	h := k.x[:m*2*d]
	if n := len(k.tower); n > 0 {
		h = k.tower[n-1].h
	}
	o, do := h, k.do
	if k.neumf {
		o = k.o
	} else if n := len(k.tower); n > 0 {
		do = k.tower[n-1].dh // write the gradient straight into the last layer
	} else {
		do = k.dx
	}
	k.out.backward(o, do, m)
	if k.neumf && len(k.tower) > 0 {
		w, last := k.out.in, k.tower[len(k.tower)-1]
		hw := w - d
		for r := range m {
			copy(last.dh[r*hw:r*hw+hw], do[r*w+d:r*w+w])
		}
	} else if k.neumf {
		for r := range m {
			copy(k.dx[r*2*d:r*2*d+2*d], do[r*3*d+d:r*3*d+3*d])
		}
	}
	for j := len(k.tower) - 1; j >= 0; j-- {
		in, dx := k.x, k.dx
		if j > 0 {
			in, dx = k.tower[j-1].h, k.tower[j-1].dh
		}
		k.tower[j].backward(in, dx, m)
	}
}

// embeddingGrads sums each touched embedding row's gradient, penalties
// included, in its slot.
func (k *nnKernel) embeddingGrads(us, is []int32) {
	d, n := k.dim, k.users.n
	off, l2, bl2 := k.off, k.l2, k.bl2
	g := k.out.dh
	for r, u := range us {
		i := is[r]
		pu, qi := k.users.row(u), k.items.row(i)
		gu := slot(u, k.uslot, &k.utouched, k.ugrad, n)
		gi := slot(i, k.islot, &k.itouched, k.igrad, n)
		dx := k.dx[r*2*d : r*2*d+2*d]
		for j := range d {
			gu[off+j] += dx[j] + l2*pu[off+j]
			gi[off+j] += dx[d+j] + l2*qi[off+j]
		}
		if k.neumf {
			w := k.out.in
			dg := k.do[r*w : r*w+d]
			for j, gj := range dg {
				gu[j] += gj*qi[j] + l2*pu[j]
				gi[j] += gj*pu[j] + l2*qi[j]
			}
			gu[d] += g[r] + bl2*pu[d]
			gi[d] += g[r] + bl2*qi[d]
		}
	}
}

// step takes one optimizer step for every dense table and every touched
// embedding row, and frees the rows' slots.
func (k *nnKernel) step() {
	n := k.users.n
	k.opt.next()
	for _, l := range k.tower {
		l.step(k.opt)
	}
	k.out.step(k.opt)
	for s, u := range k.utouched {
		k.opt.row(k.users.row(u), k.ugrad[s*n:s*n+n], n)
		k.uslot[u] = -1
	}
	for s, i := range k.itouched {
		k.opt.row(k.items.row(i), k.igrad[s*n:s*n+n], n)
		k.islot[i] = -1
	}
	k.utouched, k.itouched = k.utouched[:0], k.itouched[:0]
}
