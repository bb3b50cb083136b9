package model

import (
	"fmt"
	"sort"

	"github.com/recnet/recnet/internal/quote"
)

// Scorer scores a (user, item) pair of inner ids on the training scale.
type Scorer interface {
	Score(u, i int32) float32
}

// Param is a named table of parameters, row-major.
type Param struct {
	Name       string
	Rows, Cols int
	Data       []float32
}

// Layer describes one layer for a summary.
type Layer struct {
	Name   string // e.g. "user_embedding"
	Type   string // e.g. "Embedding"
	Output string // output shape, e.g. "(None, 16)"
	Params int    // number of parameters
}

// Net is a model that can be scored, saved and summarized.
type Net interface {
	Scorer
	// Kind names the model ("dot", "mean", "bias"); it selects the
	// constructor when a model file is read.
	Kind() string
	// Params returns the parameter tables. Their Data alias the net's own.
	Params() []Param
	// Layers describes the net for a summary.
	Layers() []Layer
}

// Kind describes a model kind to the registry.
type Kind struct {
	// Build makes a net of this kind from its parameter tables (as read
	// from a model file).
	Build func(cfg Config, params []Param) (Net, error)
	// Defaults are the settings Config.WithDefaults fills in for this kind.
	Defaults Config
}

// kinds maps a kind's name to its description.
var kinds = map[string]Kind{}

// Register makes a model kind known: loadable from a model file, with its
// default settings.
func Register(name string, k Kind) {
	k.Defaults.Model = name
	kinds[name] = k
}

// Defaults returns the default settings of the named kind, and whether the
// kind is known.
func Defaults(kind string) (Config, bool) {
	k, ok := kinds[kind]
	return k.Defaults, ok
}

// Kinds returns the registered model kinds, sorted.
func Kinds() []string {
	out := make([]string, 0, len(kinds))
	for k := range kinds {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Build rebuilds a net of the given kind from its parameter tables.
func Build(kind string, cfg Config, params []Param) (Net, error) {
	k, ok := kinds[kind]
	if !ok {
		return nil, fmt.Errorf("model: unknown model kind %s (known: %v)", quote.Short(kind), Kinds())
	}
	return k.Build(cfg, params)
}

// findParam returns the table called name with the given shape.
func findParam(params []Param, name string, rows, cols int) ([]float32, error) {
	for _, p := range params {
		if p.Name != name {
			continue
		}
		if (rows >= 0 && p.Rows != rows) || p.Cols != cols || len(p.Data) != p.Rows*p.Cols {
			return nil, fmt.Errorf("model: table %s has shape %dx%d (%d values), want %dx%d", name, p.Rows, p.Cols, len(p.Data), rows, cols)
		}
		return p.Data, nil
	}
	return nil, fmt.Errorf("model: table %s is missing", name)
}
