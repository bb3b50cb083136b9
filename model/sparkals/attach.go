package sparkals

import (
	"fmt"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/internal/quote"
	"github.com/recnet/recnet/model"
)

// Attach gives m, as Read made it, the ratings of d: its seen items
// and, unless Read restored m with its own (Restored), its rating range
// (d's smallest and largest rating) and step (model.RatingStep), so that recommendations leave out what a user rated and a
// user's history can be folded in and explained. A row whose user or
// item has no vector in m is refused, naming d, the row (1-based, in the
// table as read) and the field; so is a table without rows.
func Attach(m *model.Model, d *dataset.Dataset) error {
	if d.Len() == 0 {
		return fmt.Errorf("sparkals: %s has no ratings", d.Name)
	}
	users, items := innerOf(m.Users, d.Users), innerOf(m.Items, d.Items)
	r := dataset.Ratings{User: make([]int32, d.Len()), Item: make([]int32, d.Len()), Value: d.Value}
	lo, hi := d.Value[0], d.Value[0]
	for k := range d.Value {
		u, i := users[d.User[k]], items[d.Item[k]]
		switch {
		case u < 0:
			return fmt.Errorf("sparkals: %s: row %d: field user %s has no vector in the model (userFactors)", d.Name, k+1, quote.Short(d.Users.Raw(d.User[k])))
		case i < 0:
			return fmt.Errorf("sparkals: %s: row %d: field item %s has no vector in the model (itemFactors)", d.Name, k+1, quote.Short(d.Items.Raw(d.Item[k])))
		}
		r.User[k], r.Item[k] = u, i
		lo, hi = min(lo, d.Value[k]), max(hi, d.Value[k])
	}
	seen, err := model.NewSeen(m.Users.Len(), m.Items.Len(), r)
	if err != nil {
		return fmt.Errorf("sparkals: %s: %w", d.Name, err)
	}
	m.Seen = seen
	if !Restored(m) {
		m.Min, m.Max, m.Step = float64(lo), float64(hi), model.RatingStep(d.Ratings)
	}
	return nil
}

// innerOf returns the inner id in to of each id of from, -1 for one to
// lacks.
func innerOf(to, from *dataset.IDMap) []int32 {
	out := make([]int32, from.Len())
	for k, raw := range from.IDs() {
		i, ok := to.Inner(raw)
		if !ok {
			i = -1
		}
		out[k] = i
	}
	return out
}
