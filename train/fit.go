package train

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

// Progress reports training progress to a callback.
type Progress struct {
	Epoch, Epochs  int     // 1-based epoch and most epochs
	Batch, Batches int     // batches done in this epoch and their number
	Loss           float64 // mean training loss of the epoch so far
	// End is set once per epoch, after validation, with the epoch's record.
	End *model.Epoch
}

type options struct {
	cfg      model.Config
	progress func(Progress)
	every    int
}

// Option sets a Fit option.
type Option func(*options)

// WithConfig trains with the settings of c (zero fields mean defaults).
func WithConfig(c model.Config) Option { return func(o *options) { o.cfg = c } }

// WithProgress calls fn during training: every few batches and at the end
// of every epoch (with Progress.End set). fn runs on the training goroutine.
func WithProgress(fn func(Progress)) Option { return func(o *options) { o.progress = fn } }

// Dim sets the embedding size.
func Dim(n int) Option { return func(o *options) { o.cfg.Dim = n } }

// Epochs sets the most epochs to train.
func Epochs(n int) Option { return func(o *options) { o.cfg.Epochs = n } }

// Seed sets the seed of initialization and shuffling.
func Seed(s uint64) Option { return func(o *options) { o.cfg.Seed = s } }

// ErrNoTrainRows is returned when the training part is empty.
var ErrNoTrainRows = errors.New("train: no training rows")

// Fit trains a model on s.Train, validating on s.Valid after every epoch.
// With a validation part and Patience > 0 it stops once validation RMSE has
// not improved for Patience epochs and keeps the best epoch's tables;
// otherwise the model holds the last epoch's tables.
func Fit(ctx context.Context, s *dataset.Split, opts ...Option) (*model.Model, error) {
	o := options{every: 16}
	for _, f := range opts {
		f(&o)
	}
	cfg := o.cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	if cfg.Model != "dot" {
		return nil, fmt.Errorf("train: model %q cannot be trained by Fit (want dot)", cfg.Model)
	}
	if s.Train.Len() == 0 {
		return nil, ErrNoTrainRows
	}
	net := model.NewDot(s.Users.Len(), s.Items.Len(), cfg)
	m := &model.Model{Config: cfg, Net: net, Users: s.Users, Items: s.Items, Min: s.Min, Max: s.Max}
	train := s.Train
	target := m.ScaleRatings(train)
	if cfg.Init == "normal" {
		// The net has no global bias: start the item biases at the mean so
		// that the embeddings need not learn it.
		mu := model.FitMean(target).Mu
		for i := range net.ItemBias {
			net.ItemBias[i] = mu
		}
		clear(net.UserBias)
	}
	k := newDotKernel(net, cfg)
	validT := m.ScaleRatings(s.Valid)
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x5f1e))
	n := train.Len()
	perm := make([]int32, n)
	for i := range perm {
		perm[i] = int32(i)
	}
	us, is, ts := make([]int32, n), make([]int32, n), make([]float32, n)
	batches := (n + cfg.Batch - 1) / cfg.Batch
	best := math.Inf(1)
	bad := 0
	early := cfg.Patience > 0 && s.Valid.Len() > 0
	for epoch := 1; epoch <= cfg.Epochs; epoch++ {
		start := time.Now()
		rng.Shuffle(n, func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		for j, p := range perm {
			us[j], is[j], ts[j] = train.User[p], train.Item[p], target[p]
		}
		sse, err := k.epoch(us, is, ts, cfg.Batch, func(b int, sse float64) error {
			if (b+1)%o.every != 0 {
				return nil
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			if o.progress != nil {
				o.progress(Progress{Epoch: epoch, Epochs: cfg.Epochs, Batch: b + 1, Batches: batches, Loss: sse / float64(min((b+1)*cfg.Batch, n))})
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("train: %w", err)
		}
		rec := model.Epoch{Epoch: epoch, Loss: sse / float64(n), Seconds: time.Since(start).Seconds()}
		rec.ValLoss, rec.ValRMSE = k.validate(m, s.Valid, validT)
		m.History = append(m.History, rec)
		if o.progress != nil {
			o.progress(Progress{Epoch: epoch, Epochs: cfg.Epochs, Batch: batches, Batches: batches, Loss: rec.Loss, End: &rec})
		}
		if !early {
			continue
		}
		if rec.ValRMSE < best {
			best, bad = rec.ValRMSE, 0
			k.store(net)
			m.BestEpoch = epoch
			continue
		}
		if bad++; bad >= cfg.Patience {
			break
		}
	}
	if !early {
		k.store(net)
		m.BestEpoch = len(m.History)
	}
	return m, nil
}

// validate returns the validation MSE on the training scale and the RMSE on
// the original scale, scoring with the kernel's current weights; NaN, NaN
// when there are no validation rows.
func (k *dotKernel) validate(m *model.Model, v dataset.Ratings, scaled []float32) (mse, rmse float64) {
	if v.Len() == 0 {
		return math.NaN(), math.NaN()
	}
	var se, seo float64
	for r, t := range scaled {
		y := k.score(v.User[r], v.Item[r])
		e := float64(y - t)
		se += e * e
		eo := m.FromScale(y) - float64(v.Value[r])
		seo += eo * eo
	}
	n := float64(v.Len())
	return se / n, math.Sqrt(seo / n)
}

// score returns the net's output for (u, i) from the packed weights.
func (k *dotKernel) score(u, i int32) float32 {
	d := k.dim
	pu, qi := k.users.row(u), k.items.row(i)
	y, _ := k.act.Apply(model.Dot32(pu[:d], qi[:d]) + pu[d] + qi[d])
	return y
}
