package train

import (
	"errors"
	"fmt"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

// MaxTrainFloats bounds the memory a training run may need, in 4-byte
// floats (2^31, 8 GiB): the weights with their optimizer state and the
// batch and epoch buffers, as TrainFloats estimates them. Fit refuses a
// larger configuration before allocating anything.
const MaxTrainFloats = 1 << 31

// ErrTooLarge is wrapped by the error of Fit for a configuration that
// would need more than MaxTrainFloats to train.
var ErrTooLarge = errors.New("too large to train")

// epochLen returns the rows of one training epoch on s: the training rows,
// and for the implicit task their sampled negatives when the kind samples
// them (reads "negatives"; ials and ease weigh every cell instead).
func epochLen(s *dataset.Split, cfg model.Config) int {
	n := s.Train.Len()
	if k, ok := model.Lookup(cfg.Kind); cfg.Implicit() && ok && k.ReadsSetting("negatives") {
		n *= 1 + cfg.Negatives
	}
	return n
}

// scratch returns cfg with Batch cut to the rows of an epoch: the size of
// the kernels' batch buffers, which no batch exceeds. The batches
// themselves (and so the numbers) are those of cfg.Batch.
func scratch(cfg model.Config, s *dataset.Split) model.Config {
	cfg.Batch = max(1, min(cfg.Batch, epochLen(s, cfg)))
	return cfg
}

// TrainFloats estimates the 4-byte floats training cfg (with its defaults)
// needs for the given numbers of users and items and rows an epoch: four
// copies of the weights (the net, the packed training tables, two optimizer
// moments), the batch buffers of min(Batch, rows) rows and the epoch's row
// buffers; with the svdpp setting, each user's cached sum and gathered
// gradient and the rated items with the rows regrouped (ratedState).
func TrainFloats(cfg model.Config, users, items, rows int) int64 {
	cfg = cfg.WithDefaults()
	b := int64(max(1, min(cfg.Batch, rows)))
	perRow := int64(0)
	if f := fitters[cfg.Kind].RowFloats; f != nil {
		perRow = f(cfg)
	}
	n := 4*cfg.Params(users, items) + b*perRow + 6*int64(rows)
	if cfg.SVDpp {
		n += 2*int64(users)*int64(cfg.Dim) + 4*int64(rows)
	}
	return n
}

// checkSize returns an error wrapping ErrTooLarge when training cfg on s
// would need more than MaxTrainFloats.
func checkSize(cfg model.Config, s *dataset.Split) error {
	users, items, rows := s.Users.Len(), s.Items.Len(), epochLen(s, cfg)
	if n := TrainFloats(cfg, users, items, rows); n > MaxTrainFloats {
		return fmt.Errorf("train: a model of kind %s, dim %d (layers %s, batch %d) on %d users, %d items and %d rows an epoch needs about %.1f GiB to train: %w (the limit is %d GiB); use a smaller dim, fewer or narrower layers or a smaller batch",
			cfg.Kind, cfg.Dim, cmpLayers(cfg), cfg.Batch, users, items, rows, float64(n)*4/(1<<30), ErrTooLarge, MaxTrainFloats*4>>30)
	}
	return nil
}

// cmpLayers returns cfg's hidden layers as written, or "none".
func cmpLayers(cfg model.Config) string {
	if k, ok := model.Lookup(cfg.Kind); cfg.Layers == "" || !ok || !k.ReadsSetting("layers") {
		return "none"
	}
	return cfg.Layers
}
