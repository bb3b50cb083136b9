package train

import (
	"cmp"
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

// Options are what Fit passes a fitter besides the settings: the
// callbacks and starting points its Option values set. The settings
// themselves are Fit's model.Config, so no option can override one.
type Options struct {
	// Progress, when not nil, is called during training: every few
	// batches and at the end of every epoch (with Progress.End set), on
	// the training goroutine.
	Progress func(Progress)
	every    int
	dot, mlp *model.Model      // WithPretrained
	noSeen   bool              // WithoutSeen
	features *dataset.Features // WithItemFeatures
}

// Option sets a Fit option.
type Option func(*Options)

// WithProgress calls fn during training: every few batches and at the end
// of every epoch (with Progress.End set). fn runs on the training goroutine.
func WithProgress(fn func(Progress)) Option { return func(o *Options) { o.Progress = fn } }

// WithoutSeen leaves the model's seen items out (Model.Seen nil): they
// take about 4 bytes a training or validation rating, and without them
// Recommend cannot leave out what a user has rated.
func WithoutSeen() Option { return func(o *Options) { o.noSeen = true } }

// ErrNoTrainRows is returned when the training part is empty.
var ErrNoTrainRows = errors.New("train: no training rows")

// Fit trains a model of kind cfg.Kind (default model.DefaultKind) with
// the settings of cfg (zero fields mean the kind's defaults) on s.Train,
// validating on s.Valid after every epoch. With a validation part and
// Patience > 0 it first scores the initial weights (m.Initial, epoch 0),
// stops once validation RMSE (on the implicit task validation NDCG@RankK
// of a sample of users for dot and mf, see rankValidation, and validation
// cross-entropy for the others) has not improved on the best so far for
// Patience epochs and keeps the best epoch's tables, or the initial ones
// (BestEpoch 0) when no epoch beat them; otherwise the model holds the
// last epoch's tables. Closed-form models (mean, bias) fit in one step and
// have no history. A training or validation loss that is not finite stops
// the fit with a *DivergedError.
//
// The model records the spacing of the training and validation ratings
// (Model.Step) and, unless WithoutSeen, each user's training and
// validation items with their ratings (Model.Seen), which Recommend leaves
// out; a table of more than model.MaxSeenItems items keeps none.
func Fit(ctx context.Context, s *dataset.Split, cfg model.Config, opts ...Option) (*model.Model, error) {
	o := Options{every: 16}
	for _, f := range opts {
		f(&o)
	}
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	f, ok := fitters[cfg.Kind]
	if !ok {
		return nil, fmt.Errorf("train: kind %q cannot be trained (known: %v)", cfg.Kind, Kinds())
	}
	if s.Train.Len() == 0 {
		return nil, ErrNoTrainRows
	}
	if err := NeedRatings(s.Name, s.Unrated, cfg.Task); err != nil {
		return nil, err
	}
	if err := NeedVariety(s.Name, cfg.Task, s.Train); err != nil {
		return nil, err
	}
	if err := checkFeatures(cfg, s, o.features); err != nil {
		return nil, err
	}
	if f.Check != nil {
		if err := f.Check(cfg, s); err != nil {
			return nil, err
		}
	}
	if err := checkSize(cfg, s); err != nil {
		return nil, err
	}
	m := &model.Model{Config: cfg, Users: s.Users, Items: s.Items, Min: s.Min, Max: s.Max,
		Step: model.RatingStep(s.Train, s.Valid)}
	if err := f.Fit(ctx, s, m, &o); err != nil {
		return nil, err
	}
	if !o.noSeen {
		seen, err := model.NewSeen(s.Users.Len(), s.Items.Len(), s.Train, s.Valid)
		if err != nil && !errors.Is(err, model.ErrSeenTooLarge) {
			return nil, fmt.Errorf("train: %w", err)
		}
		m.Seen = seen // nil when too large: the model says it keeps none
	}
	return m, nil
}

// ErrNoRatings is returned for a table without ratings (user,item
// interactions) and a task that learns ratings.
var ErrNoRatings = errors.New("no rating column")

// NeedRatings returns an error wrapping ErrNoRatings when the table name is
// unrated (a table of user,item interactions) and task ("" means rating)
// learns ratings: only the implicit task learns from such a table.
func NeedRatings(name string, unrated bool, task string) error {
	if unrated && task != model.TaskImplicit {
		return fmt.Errorf("train: %s has %w (a table of user,item interactions): the %s task learns ratings; only the implicit task learns from one",
			name, ErrNoRatings, cmp.Or(task, model.TaskRating))
	}
	return nil
}

// ErrConstant is wrapped by the error of NeedVariety.
var ErrConstant = errors.New("nothing to learn")

// NeedVariety returns an error wrapping ErrConstant when task ("" means
// rating) learns ratings and every rating of parts (the table name) is the
// same: there is nothing to learn, with or without scaling (every model,
// the global mean included, is then exact). The implicit task learns from
// such a table, which it reads as interactions.
func NeedVariety(name, task string, parts ...dataset.Ratings) error {
	if task == model.TaskImplicit {
		return nil
	}
	n, first, seen := 0, float32(0), false
	for _, p := range parts {
		for _, v := range p.Value {
			if !seen {
				first, seen = v, true
			} else if v != first {
				return nil
			}
			n++
		}
	}
	if !seen {
		return nil
	}
	return fmt.Errorf("train: all %d ratings of %s are %g: %w for the %s task", n, name, first, ErrConstant, cmp.Or(task, model.TaskRating))
}

// scorer scores a pair with the current weights, on the training scale:
// what validation reads of a model being trained.
type scorer interface {
	score(u, i int32) float32
}

// epochTrainer is a model trained in epochs by loop.
type epochTrainer interface {
	// epoch trains once over the rows in the given order, in batches of
	// the given size, calling after (if not nil) after each batch with its
	// index and the sum of squared errors so far; an error from after stops
	// the epoch. It returns the sum of squared errors on the training scale.
	epoch(us, is []int32, ts []float32, batch int, after func(b int, sse float64) error) (float64, error)
	// score scores a pair with the current weights, on the training scale.
	score(u, i int32) float32
	// store copies the current weights into the model's net.
	store()
}

// loop runs epochs of t over s.Train: it shuffles the rows each epoch from
// the seed, validates after each epoch, records the history, reports
// progress and stops early (keeping the best epoch) as Fit documents.
func loop(ctx context.Context, s *dataset.Split, m *model.Model, t epochTrainer, o *Options) error {
	cfg := m.Config
	rows := newEpochRows(s, m)
	val := newValidation(s, m)
	rng := newShuffleRNG(cfg)
	n := rows.len()
	rank := newRankValidation(s, m, t, n)
	batches := (n + cfg.Batch - 1) / cfg.Batch
	st := newStopper(m, t, val, rank, o, batches)
	pending := rows.ahead(rng)
	for epoch := 1; epoch <= cfg.Epochs; epoch++ {
		start := time.Now()
		us, is, ts := pending()
		if epoch < cfg.Epochs {
			pending = rows.ahead(rng) // the next epoch's order, on another core
		}
		sse, err := t.epoch(us, is, ts, cfg.Batch, func(b int, sse float64) error {
			if (b+1)%o.every != 0 {
				return nil
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			if o.Progress != nil {
				o.Progress(Progress{Epoch: epoch, Epochs: cfg.Epochs, Batch: b + 1, Batches: batches, Loss: sse / float64(min((b+1)*cfg.Batch, n))})
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("train: %w", err)
		}
		if stop, err := st.end(epoch, sse/float64(n), start); err != nil || stop {
			return err
		}
	}
	st.finish()
	return nil
}

// stopper is the end of an epoch in the trainers that validate after
// each one (loop, fitAutoRec): it records and reports the epoch, stops a
// diverged fit, and with a validation part and Patience > 0 keeps the
// best epoch's tables (the initial weights are epoch 0) and stops Patience
// epochs after it, as Fit documents.
type stopper struct {
	m       *model.Model
	t       storer
	val     *validation
	rank    *rankValidation // nil: no ranking validation
	o       *Options
	early   bool
	best    float64 // the best early-stopping criterion so far
	bad     int     // epochs since the best
	batches int
}

// storer is a trainer whose current weights can be scored and copied
// into the model's net.
type storer interface {
	scorer
	store()
}

// newStopper returns the stopper of a fit of t with the given batches an
// epoch, having scored the initial weights when it stops early.
func newStopper(m *model.Model, t storer, val *validation, rank *rankValidation, o *Options, batches int) *stopper {
	st := &stopper{m: m, t: t, val: val, rank: rank, o: o, batches: batches, best: math.Inf(1),
		early: m.Config.Patience > 0 && val.len() > 0}
	if st.early {
		// The initial weights are epoch 0, the best until an epoch beats
		// them. Scoring them draws no random number and changes no weight.
		st.best = initialScore(m, t, val, rank)
	}
	return st
}

// end validates the weights after the given epoch, begun at start, with
// its mean training loss, records and reports it, and says whether the
// fit stops: on a divergence (with the error) or past the patience.
func (st *stopper) end(epoch int, loss float64, start time.Time) (bool, error) {
	cfg := st.m.Config
	rec := model.Epoch{Epoch: epoch, Loss: loss, Seconds: time.Since(start).Seconds()}
	rec.ValLoss, rec.ValRMSE = st.val.run(st.m, st.t)
	rec.ValNDCG = st.rank.run(st.t)
	st.m.History = append(st.m.History, rec)
	if st.o.Progress != nil {
		st.o.Progress(Progress{Epoch: epoch, Epochs: cfg.Epochs, Batch: st.batches, Batches: st.batches, Loss: rec.Loss, End: &rec})
	}
	if err := diverged(rec, st.val.len() > 0); err != nil {
		return true, err
	}
	if !st.early {
		return false, nil
	}
	if crit := criterion(cfg, rec); crit < st.best {
		st.best, st.bad = crit, 0
		st.t.store()
		st.m.BestEpoch = epoch
		return false, nil
	}
	st.bad++
	return st.bad >= cfg.Patience, nil
}

// finish keeps the last epoch's tables when the fit did not stop early.
func (st *stopper) finish() {
	if !st.early {
		st.t.store()
		st.m.BestEpoch = len(st.m.History)
	}
}

// initialScore validates the initial weights of t, records them in
// m.Initial as epoch 0 and returns their early-stopping criterion.
func initialScore(m *model.Model, t scorer, val *validation, rank *rankValidation) float64 {
	rec := model.Epoch{Loss: math.NaN()}
	rec.ValLoss, rec.ValRMSE = val.run(m, t)
	rec.ValNDCG = rank.run(t)
	m.Initial = &rec
	return criterion(m.Config, rec)
}

// criterion returns what early stopping minimizes: validation RMSE for the
// rating task; for the implicit task minus the validation NDCG@RankK when
// it was measured (see rankValidation), else validation cross-entropy.
func criterion(cfg model.Config, rec model.Epoch) float64 {
	if cfg.Implicit() && !math.IsNaN(rec.ValNDCG) {
		return -rec.ValNDCG
	}
	if cfg.Implicit() {
		return rec.ValLoss
	}
	return rec.ValRMSE
}

// newShuffleRNG returns the generator of the epochs' row order.
func newShuffleRNG(cfg model.Config) *rand.Rand { return rand.New(rand.NewPCG(cfg.Seed, 0x5f1e)) }

// batchScorer is an epochTrainer that scores many pairs at once.
type batchScorer interface {
	scoreBatch(dst []float32, us, is []int32)
}

// validation holds the validation rows with their targets on the training
// scale (1 and 0 for the implicit task, whose negatives are sampled once)
// and, for the rating task, the ratings on the original scale.
type validation struct {
	us, is []int32
	ts     []float32
	orig   []float32 // rating task only
	bce    bool
	y      []float32
}

func newValidation(s *dataset.Split, m *model.Model) *validation {
	v := &validation{bce: m.Config.Implicit()}
	if v.bce {
		v.us, v.is, v.ts = implicitValidation(s, m)
	} else {
		v.us, v.is, v.ts, v.orig = s.Valid.User, s.Valid.Item, m.ScaleRatings(s.Valid), s.Valid.Value
	}
	v.y = make([]float32, len(v.us))
	return v
}

func (v *validation) len() int { return len(v.us) }

// run returns the validation loss (MSE on the training scale, or mean
// cross-entropy) and, for the rating task, the RMSE on the original scale,
// scoring with the trainer's current weights; NaN, NaN when there are no
// validation rows.
func (v *validation) run(m *model.Model, t scorer) (loss, rmse float64) {
	if len(v.us) == 0 {
		return math.NaN(), math.NaN()
	}
	if bs, ok := t.(batchScorer); ok {
		bs.scoreBatch(v.y, v.us, v.is)
	} else {
		for r, u := range v.us {
			v.y[r] = t.score(u, v.is[r])
		}
	}
	var sl, seo float64
	for r, y := range v.y {
		if v.bce {
			sl += bce(y, v.ts[r])
			continue
		}
		e := float64(y - v.ts[r])
		sl += e * e
		eo := m.FromScale(y) - float64(v.orig[r])
		seo += eo * eo
	}
	n := float64(len(v.y))
	if v.bce {
		return sl / n, math.NaN()
	}
	return sl / n, math.Sqrt(seo / n)
}

// score returns the net's output for (u, i) from the packed weights.
func (k *dotKernel) score(u, i int32) float32 {
	if k.rated != nil {
		return k.ratedScore(u, i)
	}
	y, _ := k.act.Apply(k.preact(u, i))
	return y
}
