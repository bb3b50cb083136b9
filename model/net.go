package model

import "fmt"

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

// SummaryRow describes one layer of a net in a summary (Summary's table).
type SummaryRow struct {
	Name   string // e.g. "user_embedding"
	Type   string // e.g. "Embedding"
	Output string // output shape, e.g. "(None, 16)"
	Params int    // number of parameters
}

// Net is a model that can be scored, saved and summarized.
type Net interface {
	Scorer
	// Kind names the net's kind (Kind.Name); it selects the declaration
	// whose Build rebuilds the net when a model file is read.
	Kind() string
	// Params returns the parameter tables. Their Data alias the net's own.
	Params() []Param
	// SummaryRows describes the net's layers for a summary.
	SummaryRows() []SummaryRow
}

// A Sizer is a net whose tables are not the id-indexed embedding and bias
// tables a model file checks by name (ease's weights and user rows): it
// says how many users and items it holds, and Read refuses a file whose
// ids disagree.
type Sizer interface {
	Sizes() (users, items int)
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

// hasParam reports whether params hold a table called name.
func hasParam(params []Param, name string) bool {
	for _, p := range params {
		if p.Name == name {
			return true
		}
	}
	return false
}
