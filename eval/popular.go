package eval

import (
	"github.com/recnet/recnet/dataset"
)

// Popular is the most-popular recommender: it scores an item by its number
// of training ratings, the same for every user. Ranked with TopK, items
// with equal counts come by lower item id.
type Popular struct {
	// Counts holds the number of training ratings of each item, indexed
	// by inner item id.
	Counts []int32
}

// MostPopular counts the ratings of each of the items 0..items-1 in train.
// Rows whose item is outside that range are ignored.
func MostPopular(train dataset.Ratings, items int) *Popular {
	p := &Popular{Counts: make([]int32, max(items, 0))}
	for _, i := range train.Item {
		if i >= 0 && int(i) < len(p.Counts) {
			p.Counts[i]++
		}
	}
	return p
}

// Score returns the number of training ratings of item i, whoever the user
// is; an item outside the counted range scores 0.
func (p *Popular) Score(_, i int32) float32 {
	if i < 0 || int(i) >= len(p.Counts) {
		return 0
	}
	return float32(p.Counts[i])
}
