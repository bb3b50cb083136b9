package model

import (
	"fmt"
	"math"
)

// SVD++ (Koren 2008): a net of the dot or the mf kind trained with the
// svdpp setting adds to each user's vector
//
//	|N(u)|^-½ Σ_{j∈N(u)} y_j
//
// where N(u) is the set of items the user rated in training (on a fold-in,
// the items the new learner rated) and y_j is item j's vector as a rated
// item: the choice of what to rate is a signal of its own, before the
// ratings. The y table is saved as rated_embedding (Items x Dim), and
// user_embedding holds each trained user's whole vector, p_u plus that
// sum, so that scoring a known user reads one row as without the setting.

// ratedEmbedding names the y table in model files and summaries.
const ratedEmbedding = "rated_embedding"

// SVDppFileVersion is the version Write writes for a model trained with
// the svdpp setting, or a blend with a member trained with it: version 2
// with rated_embedding tables. A reader of
// version 2, which would score known users right but fold new learners in
// without the y table, refuses it.
const SVDppFileVersion = 4

// withSVDpp reports whether c or one of its blend members has the svdpp
// setting: its model file is then version 4.
func (c Config) withSVDpp() bool {
	for _, m := range c.MemberList() {
		if m.SVDpp {
			return true
		}
	}
	return c.SVDpp
}

// RatedSum sets dst (of the nets' Dim) to |N|^-½ Σ_{j∈items} y_j, the rows
// y_j of y (Items x len(dst)) summed in the order of items, then scaled;
// to zero when items is empty. Training, fold-in and the saved user rows
// all sum this way, so that they agree to the bit.
func RatedSum(dst, y []float32, items []int32) {
	clear(dst)
	if len(items) == 0 {
		return
	}
	d := len(dst)
	for _, j := range items {
		row := y[int(j)*d : int(j)*d+d]
		for f, v := range row {
			dst[f] += v
		}
	}
	s := RatedScale(len(items))
	for f := range dst {
		dst[f] *= s
	}
}

// RatedScale returns |N|^-½ for n rated items (n > 0).
func RatedScale(n int) float32 { return float32(1 / math.Sqrt(float64(n))) }

// ratedParams returns the y table as a parameter, or none without it.
func ratedParams(items, dim int, y []float32) []Param {
	if y == nil {
		return nil
	}
	return []Param{{ratedEmbedding, items, dim, y}}
}

// ratedSummary returns the summary row of the y table, or none without it.
func ratedSummary(items, dim int, shape string, y []float32) []SummaryRow {
	if y == nil {
		return nil
	}
	return []SummaryRow{{ratedEmbedding, "Embedding (SVD++ y, summed per user)", shape, items * dim}}
}

// readRated reads the y table of a net of items rows and dim columns when
// cfg has the svdpp setting: it must then be there, and must not be
// otherwise.
func readRated(cfg Config, params []Param, items, dim int) ([]float32, error) {
	if !cfg.SVDpp {
		if hasParam(params, ratedEmbedding) {
			return nil, fmt.Errorf("model: table %s without the svdpp setting", ratedEmbedding)
		}
		return nil, nil
	}
	return findParam(params, ratedEmbedding, items, dim)
}

// checkSVDpp refuses the svdpp setting where dot cannot train it: on the
// implicit task, whose sampled negatives are items the user did not rate
// (N(u) would tell them apart by itself), and on more than one goroutine.
func checkSVDpp(c Config) error {
	switch {
	case !c.SVDpp:
	case c.Implicit():
		return &SettingError{Setting: "svdpp", Msg: "svdpp is for the rating task (on the implicit task the rated items are the positives)"}
	case c.Threads > 1:
		return &SettingError{Setting: "threads", Msg: fmt.Sprintf("svdpp trains on one goroutine, not %d", c.Threads)}
	}
	return nil
}

// svdppSays is ", svdpp" for a summary of settings with the svdpp
// setting, "" otherwise.
func svdppSays(c Config) string {
	if c.SVDpp {
		return ", svdpp"
	}
	return ""
}
