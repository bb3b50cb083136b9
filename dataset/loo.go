package dataset

import (
	"fmt"
	"math/rand/v2"
)

// LeaveOneOut splits d per user, as the Neural Collaborative Filtering
// paper (He et al. 2017) does: every user with at least two ratings gives
// one rating to the test part, every user with at least three gives one
// more to the validation part (for early stopping), and all other rows
// train. A user with a single rating keeps it in training.
//
// The paper holds out each user's latest rating. Most rating tables have
// no timestamps, so the held-out ratings are picked at random instead: a
// generator seeded with seed walks the users in inner-id order and picks
// the test row, then the validation row, uniformly among the user's rows.
// The same seed gives the same split. Each part keeps d's row order; the
// parts are disjoint and together hold every row of d. Min and Max are the
// range of all of d's ratings, as in SplitRandom.
//
// A data set in which no user has two ratings has nothing to hold out:
// that is ErrTooFewRows.
func LeaveOneOut(d *Dataset, seed uint64) (*Split, error) {
	n := d.Len()
	users := d.Users.Len()
	for _, u := range d.User {
		users = max(users, int(u)+1)
	}
	// Group row indices by user (a stable counting sort).
	start := make([]int32, users+1)
	for _, u := range d.User {
		start[u+1]++
	}
	for u := range users {
		start[u+1] += start[u]
	}
	rows := make([]int32, n)
	next := append([]int32(nil), start[:users]...)
	for k, u := range d.User {
		rows[next[u]] = int32(k)
		next[u]++
	}

	const train, valid, test = 0, 1, 2
	part := make([]uint8, n) // zero: train
	rng := rand.New(rand.NewPCG(seed, 0x1eaf))
	var sizes [3]int
	for u := range users {
		own := rows[start[u]:start[u+1]]
		if len(own) < 2 {
			continue
		}
		t := rng.IntN(len(own))
		part[own[t]] = test
		sizes[test]++
		if len(own) < 3 {
			continue
		}
		v := rng.IntN(len(own) - 1) // among the rows other than t
		if v >= t {
			v++
		}
		part[own[v]] = valid
		sizes[valid]++
	}
	if sizes[test] == 0 {
		return nil, fmt.Errorf("%w: %s has no user with two ratings to leave one out", ErrTooFewRows, d.Name)
	}
	sizes[train] = n - sizes[valid] - sizes[test]
	var idx [3][]int
	for p := range idx {
		idx[p] = make([]int, 0, sizes[p])
	}
	for k, p := range part {
		idx[p] = append(idx[p], k)
	}
	lo, hi := d.Range()
	return &Split{
		Name: d.Name, Users: d.Users, Items: d.Items, Min: lo, Max: hi, Unrated: d.Unrated, Layout: d.Layout,
		Train: d.Subset(idx[train]),
		Valid: d.Subset(idx[valid]),
		Test:  d.Subset(idx[test]),
	}, nil
}
