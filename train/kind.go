package train

import (
	"context"
	"maps"
	"slices"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

// A Fitter trains the nets of one kind, which model.Register declares.
type Fitter struct {
	// Fit trains m (whose Config, with defaults and checked, id maps and
	// scale are set) on s: it sets m.Net and, for a kind trained in
	// epochs, m.History and m.BestEpoch. It returns ctx's error when ctx
	// is done first.
	Fit func(ctx context.Context, s *dataset.Split, m *model.Model, o *Options) error
	// RowFloats is the 4-byte floats the fitter keeps for each row of a
	// batch (cfg has its defaults), which TrainFloats counts; nil means
	// none.
	RowFloats func(cfg model.Config) int64
	// Check, when not nil, refuses training cfg (defaults applied and
	// checked) on s before anything is allocated, where the kind has its
	// own limit, such as ease's number of items; Fit calls it before its
	// estimate of the memory of training (ErrTooLarge).
	Check func(cfg model.Config, s *dataset.Split) error
}

// fitters maps a kind's name to its fitter.
var fitters = map[string]Fitter{}

// Register makes the kind trainable by Fit. It panics when the kind has a
// fitter already or f has no Fit, as a second declaration of one kind is
// a programming error.
func Register(kind string, f Fitter) {
	if _, ok := fitters[kind]; ok || f.Fit == nil {
		panic("train: Register of kind " + kind + " twice or without Fit")
	}
	fitters[kind] = f
}

// Kinds returns the model kinds Fit trains, sorted.
func Kinds() []string {
	return slices.Sorted(maps.Keys(fitters))
}
