package model

// Range is one setting a search over a kind's settings varies: one entry
// of a search space. A random search draws it from Values when there are
// any, else from the range [Lo, Hi]: log-uniformly when Log, as a whole
// number when Int, else uniformly; a drawn real is rounded to 3 significant
// digits, so that the printed setting is the one trained. A grid search
// takes every value of Grid (none: the base value). Package selection
// searches a space of them.
type Range struct {
	// Name is the setting, named as the train command's flag: dim, lr, l2,
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
