package train

import (
	"math"
	"math/rand/v2"
	"slices"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/eval"
	"github.com/recnet/recnet/model"
)

// Bounds of the ranking validation of the implicit task (see rankValidation).
const (
	// RankUsers is the most validation users ranked after each epoch.
	RankUsers = 1000
	// RankK is the list length of the validation NDCG.
	RankK = 10
	// rankCost bounds the pairs scored a validation: at most rankCost
	// times the rows (positives and negatives) of a training epoch. Scoring
	// a pair reads two rows; training on one also writes their gradients
	// and updates, several times the work.
	rankCost = 4
)

// rankingScorer is an epochTrainer whose score only reads the current
// weights, so that several goroutines may call it at once, and whose full
// ranking of a user is one row against the item table. dot is, with or
// without item features; mlp and neumf (scratch buffers, and a tower per
// pair) are not, and keep validation cross-entropy.
type rankingScorer interface {
	epochTrainer
	concurrentScore()
}

func (dotEpochs) concurrentScore()   {}
func (*featKernel) concurrentScore() {}

// rankValidation ranks, after each epoch of the implicit task, each sampled
// validation user's validation items among every item the user has no
// training row for (eval.Ranking, every validation row relevant), and
// returns their mean NDCG@RankK: what early stopping maximises there.
//
// The users are a fixed sample of the validation users, drawn from the
// seed on a generator of their own (the training order draws nothing for
// it): at most RankUsers, and at most as many as keep the pairs scored
// under rankCost times the rows of a training epoch.
type rankValidation struct {
	seen, test dataset.Ratings // the sampled users' training and validation rows
	items      int
}

// newRankValidation returns the ranking validation of a fit of t, or nil
// when the task is not implicit, t is not a rankingScorer or there are no
// validation rows. rows is the number of rows of a training epoch.
func newRankValidation(s *dataset.Split, m *model.Model, t epochTrainer, rows int) *rankValidation {
	if _, ok := t.(rankingScorer); !ok || !m.Config.Implicit() || s.Valid.Len() == 0 {
		return nil
	}
	items := s.Items.Len()
	users := slices.Compact(slices.Sorted(slices.Values(s.Valid.User)))
	n := min(len(users), RankUsers, max(1, rankCost*rows/max(items, 1)))
	rng := rand.New(rand.NewPCG(m.Config.Seed, 0x4a4b))
	for j := range n { // a partial Fisher-Yates shuffle: the first n are the sample
		k := j + rng.IntN(len(users)-j)
		users[j], users[k] = users[k], users[j]
	}
	pick := make(map[int32]bool, n)
	for _, u := range users[:n] {
		pick[u] = true
	}
	return &rankValidation{seen: rowsOf(s.Train, pick), test: rowsOf(s.Valid, pick), items: items}
}

// rowsOf returns the rows of r whose user is in pick.
func rowsOf(r dataset.Ratings, pick map[int32]bool) dataset.Ratings {
	var o dataset.Ratings
	for k, u := range r.User {
		if pick[u] {
			o.User, o.Item, o.Value = append(o.User, u), append(o.Item, r.Item[k]), append(o.Value, r.Value[k])
		}
	}
	return o
}

// scoreFunc is a model.Scorer of a trainer's current weights.
type scoreFunc func(u, i int32) float32

func (f scoreFunc) Score(u, i int32) float32 { return f(u, i) }

// run returns the validation NDCG@RankK of t's current weights, NaN when v
// is nil or no sampled user has a validation item it has not trained on.
func (v *rankValidation) run(t scorer) float64 {
	if v == nil {
		return math.NaN()
	}
	return eval.Ranking(scoreFunc(t.score), v.seen, v.test, v.items,
		eval.RankingOptions{K: RankK, Relevant: math.Inf(-1)}).NDCG
}
