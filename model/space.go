package model

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
)

// Range is one setting a search varies. A random search draws it from
// Values when there are any, else from the range [Lo, Hi]: log-uniformly
// when Log, as a whole number when Int, else uniformly; a drawn real is
// rounded to 3 significant digits, so that the printed setting is the one
// trained. A grid search takes every value of Grid (none: the base value).
type Range struct {
	// Name is the setting, named as its flag (Setting.Flag): dim, lr, l2,
	// bias-l2, init-std, batch, epochs, patience, activation, layers,
	// dropout or negatives.
	Name string
	// Values is a finite set to draw from (numbers, activation names or
	// layer lists).
	Values []string
	// Lo and Hi bound the range drawn from when Values is empty; Log draws
	// log-uniformly, Int whole numbers.
	Lo, Hi   float64
	Log, Int bool
	// Grid is the values a grid search takes.
	Grid []string
}

// Draw returns one value of r drawn from rng, as its doc says.
func (r Range) Draw(rng *rand.Rand) string {
	switch {
	case len(r.Values) > 0:
		return r.Values[rng.IntN(len(r.Values))]
	case r.Int:
		lo, hi := int(math.Ceil(r.Lo)), int(math.Floor(r.Hi))
		return strconv.Itoa(lo + rng.IntN(hi-lo+1))
	case r.Log:
		return strconv.FormatFloat(math.Exp(math.Log(r.Lo)+rng.Float64()*(math.Log(r.Hi)-math.Log(r.Lo))), 'g', 3, 64)
	}
	return strconv.FormatFloat(r.Lo+rng.Float64()*(r.Hi-r.Lo), 'g', 3, 64)
}

// String describes r as help texts show it: "dim {8,16,32}", "lr
// log-uniform [0.0003,0.01]", "epochs 10..200".
func (r Range) String() string {
	switch {
	case len(r.Values) > 0:
		return r.Name + " " + braces(r.Values)
	case r.Int:
		return fmt.Sprintf("%s %g..%g", r.Name, r.Lo, r.Hi)
	case r.Log:
		return fmt.Sprintf("%s log-uniform [%g,%g]", r.Name, r.Lo, r.Hi)
	}
	return fmt.Sprintf("%s uniform [%g,%g]", r.Name, r.Lo, r.Hi)
}

// braces writes values as a set: "{8,16,32}", or "{64,32; 32,16}" when a
// value holds a comma.
func braces(values []string) string {
	sep := ","
	for _, v := range values {
		if strings.Contains(v, ",") {
			sep = "; "
		}
	}
	return "{" + strings.Join(values, sep) + "}"
}

// GridString describes r's grid as help texts show it: "dim {16,32,64}";
// "" when r has none.
func (r Range) GridString() string {
	if len(r.Grid) == 0 {
		return ""
	}
	return r.Name + " " + braces(r.Grid)
}
