package model

import (
	"context"
	"fmt"
	"math"
)

// EASE is Steck's (2019) embarrassingly shallow autoencoder: an item-item
// weight matrix B, with a zero diagonal, fitted in closed form to the
// user x item interaction matrix X (0/1), and the training rows X it
// scores from. A user u with interactions x_u scores item i as
//
//	x_u · B[:, i] = Σ_{j rated by u} B[j, i].
//
// Weights holds B by column: row i (Items floats) is B[:, i], so that
// Weights[i*Items+j] = B[j, i]. The user rows are in compressed sparse
// rows: user u's items (inner ids, increasing) are
// UserItems[Offsets[u]:Offsets[u+1]]; the model file keeps them as two
// tables of whole numbers (user_items and user_counts), so that a saved
// EASE scores without its seen items.
type EASE struct {
	Items     int
	Weights   []float32 // Items x Items, row i = B[:, i]
	Offsets   []int     // len users+1
	UserItems []int32
}

// MaxEASEItems is the most items an ease model is fitted for: its fit
// holds one items x items float32 matrix, inverted in place into the
// weights (4 bytes an item pair), and with fewer users than half the
// items the users x users inverse and a users x items product beside it
// (up to 7 bytes an item pair): 1.5 to 2.6 GiB at the limit, within
// train's MaxTrainFloats.
// Larger catalogues take ials, whose memory grows with items x factors.
const MaxEASEItems = 20000

// DefaultEASEL2 is the default λ of ease (the "l2" setting), chosen by
// cross-validation on ml-latest-small, over time, against three generated
// tables together among 100, 250, 500 and 1000 (selection's
// TestImplicitDefaultsSearch; see the README).
const DefaultEASEL2 = 250

// easeKind is the kind's name.
const easeKind = "ease"

func init() {
	Register(Kind{
		Name:     easeKind,
		Doc:      fmt.Sprintf("EASE, closed-form item-item weights, implicit task; at most %d items (items x items matrices)", MaxEASEItems),
		Score:    ScoreRelevance,
		Defaults: Config{Training: Training{Task: TaskImplicit}, Settings: Settings{L2: DefaultEASEL2}},
		Reads:    []string{"l2", "task"},
		Fixed:    map[string]string{"task": TaskImplicit},
		Why:      "ease is fitted in closed form, B = I - P diag(1/diag P) with P = (XᵀX + λI)⁻¹ (λ the l2 setting), on the implicit task",
		Space:    []Range{{Name: "l2", Lo: 10, Hi: 2000, Log: true, Grid: []string{"50", "100", "250", "500", "1000"}}}, // the grid holds the default
		Build:    buildEASE,
		// Its net scores a user from the user's items, which it keeps.
		KeepsUserItems: true,
		Count: func(_ Config, users, items int) int64 {
			return int64(items)*int64(items) + int64(users)
		},
		Describe: func(c Config) string {
			return fmt.Sprintf("EASE item-item weights in closed form, λ %g, implicit task", c.L2)
		},
		Check: func(c Config) error {
			if !(c.L2 > 0) { // a penalty of none is stored negative
				return &SettingError{Setting: "l2", Msg: "ease needs a positive l2, its λ; a penalty of none does not apply"}
			}
			return nil
		},
	})
}

// NewEASE returns an EASE of items items with weights w (row i = B[:, i])
// scoring from the user rows of rows: rows[u] lists user u's items.
func NewEASE(items int, w []float32, rows [][]int32) *EASE {
	e := &EASE{Items: items, Weights: w, Offsets: make([]int, len(rows)+1)}
	for u, r := range rows {
		e.UserItems = append(e.UserItems, r...)
		e.Offsets[u+1] = len(e.UserItems)
	}
	return e
}

// buildEASE rebuilds an EASE from its tables, checking that the user rows
// are whole item ids in range, increasing within each user.
func buildEASE(_ Config, params []Param) (Net, error) {
	var n int
	for _, p := range params {
		if p.Name == "item_weights" {
			n = p.Rows
		}
	}
	w, err := findParam(params, "item_weights", n, n)
	if err != nil {
		return nil, err
	}
	counts, err := findParam(params, "user_counts", -1, 1)
	if err != nil {
		return nil, err
	}
	items, err := findParam(params, "user_items", -1, 1)
	if err != nil {
		return nil, err
	}
	e := &EASE{Items: n, Weights: w, Offsets: make([]int, len(counts)+1), UserItems: make([]int32, len(items))}
	for u, c := range counts {
		if c < 0 || c != float32(math.Trunc(float64(c))) || e.Offsets[u]+int(c) > len(items) {
			return nil, fmt.Errorf("model: ease user %d has %v items, not a count within the %d user items", u, c, len(items))
		}
		e.Offsets[u+1] = e.Offsets[u] + int(c)
		for k := e.Offsets[u]; k < e.Offsets[u+1]; k++ {
			v := items[k]
			if v < 0 || v >= float32(n) || v != float32(math.Trunc(float64(v))) || (k > e.Offsets[u] && v <= items[k-1]) {
				return nil, fmt.Errorf("model: ease user %d has item %v: not an increasing item id below %d", u, v, n)
			}
			e.UserItems[k] = int32(v)
		}
	}
	if e.Offsets[len(counts)] != len(items) {
		return nil, fmt.Errorf("model: ease user counts add up to %d, not the %d user items", e.Offsets[len(counts)], len(items))
	}
	return e, nil
}

// Sizes returns the numbers of users and items the net holds.
func (e *EASE) Sizes() (users, items int) { return len(e.Offsets) - 1, e.Items }

// Kind returns "ease".
func (e *EASE) Kind() string { return easeKind }

// Score returns Σ B[j, i] over the items j user u interacted with in
// training.
func (e *EASE) Score(u, i int32) float32 {
	return e.scoreRow(e.userRow(u), i)
}

// userRow returns the items user u is scored from, increasing.
func (e *EASE) userRow(u int32) []int32 { return e.UserItems[e.Offsets[u]:e.Offsets[u+1]] }

// scoreRow returns Σ B[j, i] over the items j of row.
func (e *EASE) scoreRow(row []int32, i int32) float32 {
	w := e.Weights[int(i)*e.Items : int(i)*e.Items+e.Items]
	var s float32
	for _, j := range row {
		s += w[j]
	}
	return s
}

// Params returns the weights and the user rows as tables of whole numbers.
func (e *EASE) Params() []Param {
	users := len(e.Offsets) - 1
	counts := make([]float32, users)
	for u := range users {
		counts[u] = float32(e.Offsets[u+1] - e.Offsets[u])
	}
	items := make([]float32, len(e.UserItems))
	for k, j := range e.UserItems {
		items[k] = float32(j)
	}
	return []Param{
		{Name: "item_weights", Rows: e.Items, Cols: e.Items, Data: e.Weights},
		{Name: "user_counts", Rows: users, Cols: 1, Data: counts},
		{Name: "user_items", Rows: len(items), Cols: 1, Data: items},
	}
}

// SummaryRows describes the weights and the user rows.
func (e *EASE) SummaryRows() []SummaryRow {
	return []SummaryRow{
		{"user_items", "Input", fmt.Sprintf("(None, %d)", e.Items), len(e.UserItems) + len(e.Offsets) - 1},
		{"item_weights", "Dense", fmt.Sprintf("(None, %d)", e.Items), len(e.Weights)},
	}
}

// FoldInLambda returns 0: an EASE folds a user in with no penalty, and
// ignores the one it is given (recommend refuses --lambda for it).
func (e *EASE) FoldInLambda() float64 { return 0 }

// FoldInUser places a new user from the items they rated (their ratings
// do not matter: ease learns interactions): the user's row x is those
// items, and item i scores x · B[:, i]. Explain splits that score exactly
// into one part B[j, i] for each rated item j, with base 0. lambda is
// ignored.
func (e *EASE) FoldInUser(ctx context.Context, rated []Rated, _ float64) (FoldedUser, error) {
	if err := ctx.Err(); err != nil {
		return FoldedUser{}, err
	}
	row := make([]int32, len(rated))
	for k, r := range rated {
		row[k] = r.Item
	}
	return FoldedUser{
		Score: func(i int32) float32 { return e.scoreRow(row, i) },
		Explain: func(i int32) (z, base float64, parts []float64) {
			w := e.Weights[int(i)*e.Items : int(i)*e.Items+e.Items]
			parts = make([]float64, len(row))
			for k, j := range row {
				parts[k] = float64(w[j])
			}
			return float64(e.scoreRow(row, i)), 0, parts
		},
		Exact: true,
	}, nil
}
