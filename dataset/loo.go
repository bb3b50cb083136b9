package dataset

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
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
	rng := rand.New(rand.NewPCG(seed, 0x1eaf))
	return holdOut(d, "two ratings to leave one out", func(own []int32) (t, v int) {
		t = rng.IntN(len(own))
		if len(own) < 3 {
			return t, -1
		}
		v = rng.IntN(len(own) - 1) // among the rows other than t
		if v >= t {
			v++
		}
		return t, v
	})
}

// LeaveLatestOut is LeaveOneOut holding out each user's latest rows, as
// He et al. 2017 do: the user's latest row by Ratings.Time is the test
// row and the latest of the others the validation row. Of rows of equal
// time the later in d counts as the later, so the split is deterministic.
// A data set without a time column is ErrNoTime.
func LeaveLatestOut(d *Dataset) (*Split, error) {
	if d.Time == nil {
		return nil, fmt.Errorf("%w: %s cannot hold out each user's latest rating", ErrNoTime, d.Name)
	}
	// latest returns the position in own of the latest row other than skip.
	latest := func(own []int32, skip int) int {
		best := -1
		for k, row := range own {
			if k != skip && (best < 0 || d.Time[row] >= d.Time[own[best]]) {
				best = k
			}
		}
		return best
	}
	return holdOut(d, "two ratings to leave the latest out", func(own []int32) (t, v int) {
		t = latest(own, -1)
		if len(own) < 3 {
			return t, -1
		}
		return t, latest(own, t)
	})
}

// LeaveLatestOutBefore is LeaveLatestOut on d without each user's back
// latest rows (back at least 0, the order LeaveLatestOut's): the test row is
// the user's latest row before them and the validation row the one before
// that. It is fold back+1 of a cross-validation over time; with back at
// least 1 its held-out rows are never the ones LeaveLatestOut tests on. The
// dropped rows are in no part; a user left with one row keeps it in
// training. Min and Max are the range of all of d's ratings, as in
// KFold, so that every fold trains on one scale. Back 0 is LeaveLatestOut.
func LeaveLatestOutBefore(d *Dataset, back int) (*Split, error) {
	if d.Time == nil {
		return nil, fmt.Errorf("%w: %s cannot hold out each user's latest rating", ErrNoTime, d.Name)
	}
	if back < 0 {
		return nil, fmt.Errorf("dataset: LeaveLatestOutBefore: back %d, want at least 0", back)
	}
	if back == 0 {
		return LeaveLatestOut(d)
	}
	users := d.Users.Len()
	for _, u := range d.User {
		users = max(users, int(u)+1)
	}
	own := make([][]int32, users)
	for k, u := range d.User {
		own[u] = append(own[u], int32(k))
	}
	keep := make([]bool, d.Len())
	for _, rows := range own {
		slices.SortStableFunc(rows, func(a, b int32) int { return cmp.Compare(d.Time[a], d.Time[b]) })
		for _, k := range rows[:max(len(rows)-back, 0)] {
			keep[k] = true
		}
	}
	var idx []int
	for k, ok := range keep {
		if ok {
			idx = append(idx, k)
		}
	}
	before := &Dataset{Name: d.Name, Users: d.Users, Items: d.Items, Ratings: d.Subset(idx), Unrated: d.Unrated, Layout: d.Layout}
	s, err := LeaveLatestOut(before)
	if err != nil {
		return nil, err
	}
	s.Min, s.Max = d.Range()
	return s, nil
}

// holdOut splits d per user: pick is called, users in inner-id order, with
// the rows of each user with at least two rows (in d's order) and returns
// the positions in them of the test row and of the validation row (-1
// for none; it is -1 for a user with two rows). The parts keep d's row
// order. With no user to hold out a row of, the error is ErrTooFewRows
// ending "has no user with " + need.
func holdOut(d *Dataset, need string, pick func(own []int32) (t, v int)) (*Split, error) {
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
	var sizes [3]int
	for u := range users {
		own := rows[start[u]:start[u+1]]
		if len(own) < 2 {
			continue
		}
		t, v := pick(own)
		part[own[t]] = test
		sizes[test]++
		if v >= 0 {
			part[own[v]] = valid
			sizes[valid]++
		}
	}
	if sizes[test] == 0 {
		return nil, fmt.Errorf("%w: %s has no user with %s", ErrTooFewRows, d.Name, need)
	}
	// The rows of each part, in d's order, one part after the other.
	at := [3]int{0, n - sizes[valid] - sizes[test], n - sizes[test]}
	p := make([]int, n)
	for k, q := range part {
		p[at[q]] = k
		at[q]++
	}
	return d.parts(p, n-sizes[valid]-sizes[test], n-sizes[test]), nil
}
