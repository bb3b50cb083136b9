package model

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/recnet/recnet/dataset"
)

// Seen holds the items each known user rated in the rows a model was fitted
// on (for train.Fit, the training and validation parts, not the test
// part), with their ratings, in compressed sparse rows by inner user id:
// user u's entries are Packed[Offsets[u]:Offsets[u+1]], in increasing
// inner item id. Each entry packs an item and a rating code in 4 bytes,
// item<<8 | code, and Values[code] is the rating on the original scale.
//
// When the rows hold at most SeenCodes distinct ratings, Values lists
// them in increasing order and the ratings are exact. Otherwise Values
// holds SeenCodes levels evenly spaced from the smallest rating to the
// largest, each rating is stored as the nearest level, and Approx is
// set.
type Seen struct {
	Offsets []uint32 // len users+1, Offsets[0] = 0, non-decreasing
	Packed  []uint32 // item<<8 | code
	Values  []float32
	Approx  bool

	// items marks the items some user had (HasItem), built on first use;
	// the fields above must not change after it.
	itemsOnce sync.Once
	items     []bool
}

// HasItem reports whether some user had inner item i, in O(1) after a
// first call that costs one pass over the entries. Safe for concurrent
// use.
func (s *Seen) HasItem(i int32) bool {
	s.itemsOnce.Do(func() {
		var hi int
		for _, e := range s.Packed {
			hi = max(hi, int(e>>8)+1)
		}
		s.items = make([]bool, hi)
		for _, e := range s.Packed {
			s.items[e>>8] = true
		}
	})
	return i >= 0 && int(i) < len(s.items) && s.items[i]
}

// Limits of Seen.
const (
	// SeenCodes is the most distinct rating values Seen stores exactly.
	SeenCodes = 256
	// MaxSeenItems is the most items Seen can record: an item takes the
	// upper 24 bits of an entry.
	MaxSeenItems = 1 << 24
	// maxSeenRows bounds the entries of a Seen: offsets are uint32s.
	maxSeenRows = math.MaxUint32
)

// ErrSeenTooLarge is returned by NewSeen for a table Seen cannot record.
var ErrSeenTooLarge = errors.New("model: too large to keep seen items")

// NewSeen records the items each of users users rated in parts, whose
// inner item ids are below items. A pair given more than once keeps its
// last rating. More than MaxSeenItems items, or more than 2^32-1 rows,
// give an error wrapping ErrSeenTooLarge; a row whose user or item is out
// of range is an error.
func NewSeen(users, items int, parts ...dataset.Ratings) (*Seen, error) {
	if items > MaxSeenItems {
		return nil, fmt.Errorf("%w: %d items (at most %d)", ErrSeenTooLarge, items, MaxSeenItems)
	}
	n := 0
	for _, p := range parts {
		n += p.Len()
	}
	if n > maxSeenRows {
		return nil, fmt.Errorf("%w: %d rows (at most %d)", ErrSeenTooLarge, n, maxSeenRows)
	}
	values, approx := seenValues(parts)
	s := &Seen{Offsets: make([]uint32, users+1), Values: values, Approx: approx}
	for _, p := range parts {
		for k, u := range p.User {
			if u < 0 || int(u) >= users || p.Item[k] < 0 || int(p.Item[k]) >= items {
				return nil, fmt.Errorf("model: seen row (user %d, item %d) outside %d users and %d items", u, p.Item[k], users, items)
			}
			s.Offsets[u+1]++
		}
	}
	for u := range users {
		s.Offsets[u+1] += s.Offsets[u]
	}
	s.Packed = make([]uint32, n)
	next := slices.Clone(s.Offsets[:users])
	for _, p := range parts {
		for k, u := range p.User {
			s.Packed[next[u]] = uint32(p.Item[k])<<8 | uint32(s.code(p.Value[k]))
			next[u]++
		}
	}
	s.compact()
	return s, nil
}

// seenValues returns the code table of the ratings of parts: the distinct
// values when there are at most SeenCodes, else SeenCodes levels from the
// smallest to the largest (approx).
func seenValues(parts []dataset.Ratings) (values []float32, approx bool) {
	set := map[float32]bool{}
	lo, hi := float32(math.Inf(1)), float32(math.Inf(-1))
	for _, p := range parts {
		for _, v := range p.Value {
			lo, hi = min(lo, v), max(hi, v)
			if len(set) <= SeenCodes {
				set[v] = true
			}
		}
	}
	if len(set) <= SeenCodes {
		values = make([]float32, 0, len(set))
		for v := range set {
			values = append(values, v)
		}
		slices.Sort(values)
		return values, false
	}
	values = make([]float32, SeenCodes)
	for c := range values {
		values[c] = lo + float32(float64(c)*float64(hi-lo)/(SeenCodes-1))
	}
	return values, true
}

// code returns the code of rating v: its index in Values, or the nearest
// level when Approx.
func (s *Seen) code(v float32) int {
	if s.Approx {
		lo, hi := s.Values[0], s.Values[len(s.Values)-1]
		c := math.Round(float64(v-lo) / float64(hi-lo) * (SeenCodes - 1))
		return int(min(max(c, 0), SeenCodes-1))
	}
	c, _ := slices.BinarySearch(s.Values, v)
	return c
}

// compact sorts each user's entries by item and keeps the last entry of an
// item given twice.
func (s *Seen) compact() {
	out := uint32(0)
	for u := range len(s.Offsets) - 1 {
		row := s.Packed[s.Offsets[u]:s.Offsets[u+1]]
		slices.SortStableFunc(row, func(a, b uint32) int { return int(a>>8) - int(b>>8) })
		start := out
		for k, e := range row {
			if k+1 < len(row) && row[k+1]>>8 == e>>8 {
				continue // the later entry of the same item wins
			}
			s.Packed[out] = e
			out++
		}
		s.Offsets[u] = start
	}
	s.Offsets[len(s.Offsets)-1] = out
	s.Packed = s.Packed[:out]
}

// check reports the first inconsistency of s for a model of users users
// and items items: offsets, item order and range, codes, values.
func (s *Seen) check(users, items int) error {
	switch {
	case len(s.Offsets) != users+1:
		return fmt.Errorf("seen items: %d offsets for %d users", len(s.Offsets), users)
	case s.Offsets[0] != 0 || int(s.Offsets[users]) != len(s.Packed):
		return fmt.Errorf("seen items: offsets run from %d to %d over %d entries", s.Offsets[0], s.Offsets[users], len(s.Packed))
	case len(s.Values) > SeenCodes || (len(s.Values) == 0 && len(s.Packed) > 0):
		return fmt.Errorf("seen items: %d rating values (1 to %d)", len(s.Values), SeenCodes)
	case s.Approx && len(s.Values) != SeenCodes:
		return fmt.Errorf("seen items: approximate ratings with %d levels, not %d", len(s.Values), SeenCodes)
	}
	for c, v := range s.Values {
		if !Finite(float64(v)) || (c > 0 && !(v > s.Values[c-1])) {
			return fmt.Errorf("seen items: rating value %d (%v) is not finite or not above the one before", c, v)
		}
	}
	for u := range users {
		a, b := s.Offsets[u], s.Offsets[u+1]
		if b < a || int(b) > len(s.Packed) {
			return fmt.Errorf("seen items: offsets of user %d run from %d to %d over %d entries", u, a, b, len(s.Packed))
		}
		for k := a; k < b; k++ {
			e := s.Packed[k]
			switch {
			case int(e>>8) >= items:
				return fmt.Errorf("seen items: user %d has item %d of %d", u, e>>8, items)
			case int(e&0xff) >= len(s.Values):
				return fmt.Errorf("seen items: user %d has rating code %d of %d", u, e&0xff, len(s.Values))
			case k > a && e>>8 <= s.Packed[k-1]>>8:
				return fmt.Errorf("seen items: user %d's items are not increasing", u)
			}
		}
	}
	return nil
}

// HasSeen reports whether m keeps its users' seen items (see Seen):
// without them Recommend cannot leave them out.
func (m *Model) HasSeen() bool { return m.Seen != nil }

// SeenItems returns the items (inner ids, increasing) that inner user u
// rated in the rows m was fitted on, and their ratings on the original
// scale (approximate when m.Seen.Approx). It returns nil, nil when m keeps
// SeenCount returns how many items user u rated in the rows the model was
// fitted on, without decoding them (0 without seen items).
func (m *Model) SeenCount(u int32) int {
	if m.Seen == nil || u < 0 || int(u)+1 >= len(m.Seen.Offsets) {
		return 0
	}
	return int(m.Seen.Offsets[u+1] - m.Seen.Offsets[u])
}

// no seen items or u is not a known user.
func (m *Model) SeenItems(u int32) (items []int32, ratings []float32) {
	if m.Seen == nil || u < 0 || int(u)+1 >= len(m.Seen.Offsets) {
		return nil, nil
	}
	row := m.Seen.Packed[m.Seen.Offsets[u]:m.Seen.Offsets[u+1]]
	items, ratings = make([]int32, len(row)), make([]float32, len(row))
	for k, e := range row {
		items[k], ratings[k] = int32(e>>8), m.Seen.Values[e&0xff]
	}
	return items, ratings
}

// stepTolerance is how near a whole multiple of the step each rating's
// distance from the least must be, in steps.
const stepTolerance = 1e-3

// RatingStep returns the spacing of the distinct rating values of parts:
// the least gap between two of them divided by the smallest whole number
// up to 10 such that every value is the smallest plus a whole multiple of
// it (1 for 3, 4, 5; 0.5 for MovieLens' half stars; 0.5 for 1, 2.5, 3),
// within a small tolerance. It is 0 when there is no such spacing, or it
// would put more than 1000 steps between the least and the largest
// rating (continuous ratings), or there are fewer than two distinct
// values.
func RatingStep(parts ...dataset.Ratings) float64 {
	set := map[float32]bool{}
	for _, p := range parts {
		for _, v := range p.Value {
			set[v] = true
		}
	}
	vals := make([]float64, 0, len(set))
	for v := range set {
		vals = append(vals, float64(v))
	}
	slices.Sort(vals)
	if len(vals) < 2 {
		return 0
	}
	d := math.Inf(1)
	for k := 1; k < len(vals); k++ {
		d = min(d, vals[k]-vals[k-1])
	}
	for div := 1.0; div <= maxStepDivisor; div++ {
		step := d / div
		if (vals[len(vals)-1]-vals[0])/step > maxSteps {
			break
		}
		if onGrid(vals, step) {
			return step
		}
	}
	return 0
}

// maxSteps is the most steps RatingStep finds from the least rating to the
// largest: a finer grid is continuous ratings.
const maxSteps = 1000

// maxStepDivisor is the most RatingStep divides the least gap between two
// ratings by to find their spacing.
const maxStepDivisor = 10

// onGrid reports whether every value of vals (sorted) is vals[0] plus a
// whole multiple of step, within stepTolerance.
func onGrid(vals []float64, step float64) bool {
	for _, v := range vals {
		q := (v - vals[0]) / step
		if math.Abs(q-math.Round(q)) > stepTolerance {
			return false
		}
	}
	return true
}

// checkRange reports a rating value outside the model's rating range
// [lo, hi] (with float32 rounding): a value there would scale to a target
// no rating gives.
func (s *Seen) checkRange(lo, hi float64) error {
	if !(lo < hi) {
		return nil // no range to hold them (the file's range check says why, if it is bad)
	}
	tol := 1e-6 * max(math.Abs(lo), math.Abs(hi), 1)
	for c, v := range s.Values {
		if float64(v) < lo-tol || float64(v) > hi+tol {
			return fmt.Errorf("seen items: rating value %d (%v) is outside the rating range %g..%g", c, v, lo, hi)
		}
	}
	return nil
}

// firstError returns the first of errs that is not nil.
func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
