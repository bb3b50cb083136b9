package eval

import (
	"math"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

// HeldOutComparison is the ranking of held-out items (see
// CompareHeldOutItems) by a model, by a seeded random order and by
// most-popular-within-genre, on the same users and candidates.
type HeldOutComparison struct {
	Items        int           `json:"held_out_items"`
	Model        RankingResult `json:"model"`
	Random       RankingResult `json:"random"`
	GenrePopular RankingResult `json:"most_popular_within_genre"`
}

// CompareHeldOutItems ranks, for every user with a test row, the held-out
// items held (inner ids; every row of test is of one of them, and none is
// in train) with sc, with a random order seeded by seed and with
// most-popular-within-genre (GenrePopular on train and f), and measures
// the top k (zero: DefaultK) against the user's test rows, every one
// relevant. Every held-out item is a candidate for every user: the user has
// none in training by construction. Test rows of other items are ignored.
func CompareHeldOutItems(sc model.Scorer, train, test dataset.Ratings, held []int32, f *dataset.Features, k int, seed uint64) HeldOutComparison {
	// Rank among the held-out items only: their index in held is their id.
	pos := make(map[int32]int32, len(held))
	for j, i := range held {
		pos[i] = int32(j)
	}
	var sub dataset.Ratings
	for r, i := range test.Item {
		if j, ok := pos[i]; ok {
			sub.Append(test.User[r], j, test.Value[r])
		}
	}
	// No held-out item has a training row, so no user has a seen one
	// among them: every user is ranked, cold or not.
	o := RankingOptions{K: k, Relevant: math.Inf(-1), KeepCold: true}
	rank := func(s model.Scorer) RankingResult {
		return Ranking(heldScorer{s, held}, dataset.Ratings{}, sub, len(held), o)
	}
	return HeldOutComparison{
		Items:        len(held),
		Model:        rank(sc),
		Random:       rank(randomScorer(seed)),
		GenrePopular: rank(NewGenrePopular(train, f)),
	}
}

// heldScorer scores the j-th held-out item as s scores held[j].
type heldScorer struct {
	s    model.Scorer
	held []int32
}

func (h heldScorer) Score(u, j int32) float32 { return h.s.Score(u, h.held[j]) }

// randomScorer scores a pair by a hash of the pair and the seed: a random
// order of the items, another for each user, the same for every run.
type randomScorer uint64

func (r randomScorer) Score(u, i int32) float32 {
	x := uint64(r) ^ uint64(uint32(u))<<32 ^ uint64(uint32(i))
	// splitmix64's finalizer
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	x ^= x >> 31
	return float32(x>>40) / (1 << 24)
}

// GenrePopular is most-popular-within-genre: it scores an item, the same
// for every user, by the mean over its genres (features) of the genre's
// popularity, the number of training interactions with items of that
// genre. An item without genres scores 0.
type GenrePopular struct {
	Scores []float32 // by inner item id
}

// NewGenrePopular counts the popularity of each genre of f in train and
// scores every item of f (see GenrePopular).
func NewGenrePopular(train dataset.Ratings, f *dataset.Features) *GenrePopular {
	pop := make([]float64, len(f.Names))
	for _, i := range train.Item {
		for _, g := range f.Of(i) {
			pop[g]++
		}
	}
	p := &GenrePopular{Scores: make([]float32, f.Items())}
	for i := range p.Scores {
		gs := f.Of(int32(i))
		var s float64
		for _, g := range gs {
			s += pop[g]
		}
		if len(gs) > 0 {
			p.Scores[i] = float32(s / float64(len(gs)))
		}
	}
	return p
}

// Score returns item i's score; an item outside the scored range scores 0.
func (p *GenrePopular) Score(_, i int32) float32 {
	if i < 0 || int(i) >= len(p.Scores) {
		return 0
	}
	return p.Scores[i]
}
