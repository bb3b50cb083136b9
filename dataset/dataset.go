package dataset

import (
	"fmt"
	"math"
)

// IDMap maps raw (string) ids to inner indices in order of first appearance,
// and back. The zero value is an empty map ready to use.
type IDMap struct {
	raw   []string
	inner map[string]int32
}

// NewIDMap returns a map holding ids in the given order. Repeated ids keep
// their first index.
func NewIDMap(ids []string) *IDMap {
	m := &IDMap{}
	for _, id := range ids {
		m.Add(id)
	}
	return m
}

// Add returns the inner id of raw, adding it if it is new.
func (m *IDMap) Add(raw string) int32 {
	if i, ok := m.inner[raw]; ok {
		return i
	}
	if m.inner == nil {
		m.inner = make(map[string]int32)
	}
	i := int32(len(m.raw))
	m.raw = append(m.raw, raw)
	m.inner[raw] = i
	return i
}

// addBytes is Add for an id held in b. A known id costs a map lookup and
// no allocation; a new one is copied.
func (m *IDMap) addBytes(b []byte) int32 {
	if i, ok := m.inner[string(b)]; ok {
		return i
	}
	return m.Add(string(b))
}

// Inner returns the inner id of raw and whether it is known.
func (m *IDMap) Inner(raw string) (int32, bool) {
	i, ok := m.inner[raw]
	return i, ok
}

// Raw returns the raw id of inner index i.
func (m *IDMap) Raw(i int32) string { return m.raw[i] }

// Len returns the number of ids.
func (m *IDMap) Len() int { return len(m.raw) }

// IDs returns the raw ids in inner order. The caller must not modify it.
func (m *IDMap) IDs() []string { return m.raw }

// Ratings holds rating rows as parallel columns of inner ids and values,
// and of times when the table had a timestamp column.
type Ratings struct {
	User  []int32
	Item  []int32
	Value []float32
	// Time holds each row's time in Unix seconds when the table had a
	// timestamp column, and is nil otherwise. When it is not nil it has a
	// row for every row: every function of this package that copies,
	// permutes or drops rows keeps it in step.
	Time []int64
}

// Len returns the number of rows.
func (r Ratings) Len() int { return len(r.Value) }

// Append adds one row (at time 0 when r has a Time column).
func (r *Ratings) Append(u, i int32, v float32) {
	r.User = append(r.User, u)
	r.Item = append(r.Item, i)
	r.Value = append(r.Value, v)
	if r.Time != nil {
		r.Time = append(r.Time, 0)
	}
}

// Subset returns the rows at the given indices, in that order, with their
// times when r has a Time column.
func (r Ratings) Subset(idx []int) Ratings {
	out := Ratings{
		User:  make([]int32, len(idx)),
		Item:  make([]int32, len(idx)),
		Value: make([]float32, len(idx)),
	}
	if r.Time != nil {
		out.Time = make([]int64, len(idx))
	}
	for k, j := range idx {
		out.put(k, &r, j)
	}
	return out
}

// Range returns the smallest and largest value, or NaN, NaN when r is empty.
func (r Ratings) Range() (lo, hi float64) {
	if len(r.Value) == 0 {
		return math.NaN(), math.NaN()
	}
	l, h := r.Value[0], r.Value[0]
	for _, v := range r.Value[1:] {
		l = min(l, v)
		h = max(h, v)
	}
	return float64(l), float64(h)
}

// Mean returns the mean value, or NaN when r is empty.
func (r Ratings) Mean() float64 {
	if len(r.Value) == 0 {
		return math.NaN()
	}
	var s float64
	for _, v := range r.Value {
		s += float64(v)
	}
	return s / float64(len(r.Value))
}

// Dataset is a rating table: every row with its user and item id maps.
type Dataset struct {
	// Name is where the rows came from (a path, URL or "builtin").
	Name  string
	Users *IDMap
	Items *IDMap
	Ratings
	// Duplicates counts (user,item) rows that repeated an earlier pair and
	// replaced its rating (the last one wins).
	Duplicates int
	// Unrated is set when the table had no rating column: it is a table of
	// (user,item) interactions, and every row's Value is 1. Such a table
	// serves the implicit task only.
	Unrated bool
	// Layout says which column of a text table gave each role and how it
	// was found, e.g. "by header: user=userId, item=movieId,
	// rating=rating, time=timestamp" or "by position (no header): user=1,
	// item=2, rating=3"; empty for other sources.
	Layout string
}

// String describes the shape of the data set.
func (d *Dataset) String() string {
	return fmt.Sprintf("%d rows, %d users, %d items", d.Len(), d.Users.Len(), d.Items.Len())
}

// dedup removes repeated (user,item) pairs from r keeping the last rating
// at the position of the first, and returns how many rows it removed.
func dedup(r *Ratings) int {
	n := len(r.Value)
	if n < 2 {
		return 0
	}
	var nu, ni int32
	for k := range n {
		u, i := r.User[k], r.Item[k]
		if u < 0 || i < 0 {
			return dedupMap(r)
		}
		nu, ni = max(nu, u+1), max(ni, i+1)
	}
	if n > math.MaxInt32/2 || int(nu) > 2*n+1024 || int(ni) > 2*n+1024 {
		return dedupMap(r) // too many rows, or ids far sparser than rows
	}
	if grouped(r.User, nu) {
		return dedupGrouped(r, ni)
	}
	// Group the rows by user (a stable counting sort), then within a user
	// note each item's first row: a later row with that item is a repeat.
	start := make([]int32, nu+1)
	for _, u := range r.User {
		start[u+1]++
	}
	for u := range nu {
		start[u+1] += start[u]
	}
	order := make([]int32, n)
	next := append([]int32(nil), start[:nu]...)
	for k, u := range r.User {
		order[next[u]] = int32(k)
		next[u]++
	}
	first := make([]int32, ni) // row of the item's first rating by user owner[i]-1
	owner := make([]int32, ni)
	dups := 0
	for u := range nu {
		for _, k := range order[start[u]:start[u+1]] {
			i := r.Item[k]
			if owner[i] == u+1 {
				r.replace(int(first[i]), int(k))
				r.Item[k] = -1 // drop row k
				dups++
				continue
			}
			owner[i], first[i] = u+1, k
		}
	}
	compact(r, dups)
	return dups
}

// grouped tells whether the rows of each user are contiguous, as in a
// table sorted by user (MovieLens' files, a database export).
func grouped(users []int32, nu int32) bool {
	seen := make([]uint64, (nu+63)/64)
	last := int32(-1)
	for _, u := range users {
		if u == last {
			continue
		}
		if seen[u/64]&(1<<(u%64)) != 0 {
			return false
		}
		seen[u/64] |= 1 << (u % 64)
		last = u
	}
	return true
}

// dedupGrouped is dedup for rows whose users are contiguous: one pass that
// notes, for each item, the row of its rating by the current user. It
// needs no memory in proportion to the rows.
func dedupGrouped(r *Ratings, ni int32) int {
	first := make([]int32, ni) // row of the item's rating by user owner[i]-1
	owner := make([]int32, ni)
	dups := 0
	for k, u := range r.User {
		i := r.Item[k]
		if owner[i] == u+1 {
			r.replace(int(first[i]), k)
			r.Item[k] = -1 // drop row k
			dups++
			continue
		}
		owner[i], first[i] = u+1, int32(k)
	}
	compact(r, dups)
	return dups
}

// compact removes the dups rows whose Item is -1.
func compact(r *Ratings, dups int) {
	if dups == 0 {
		return
	}
	out := 0
	for k := range r.Value {
		if r.Item[k] < 0 {
			continue
		}
		r.put(out, r, k)
		out++
	}
	r.truncate(out)
}

// replace gives row j the rating (and time) of the later row k.
func (r *Ratings) replace(j, k int) {
	r.Value[j] = r.Value[k]
	if r.Time != nil {
		r.Time[j] = r.Time[k]
	}
}

// dedupMap is dedup for any ids, with a map keyed by the packed pair.
func dedupMap(r *Ratings) int {
	seen := make(map[uint64]int, len(r.Value))
	out := 0
	for k := range r.Value {
		p := uint64(uint32(r.User[k]))<<32 | uint64(uint32(r.Item[k]))
		if j, ok := seen[p]; ok {
			r.replace(j, k)
			continue
		}
		seen[p] = out
		r.put(out, r, k)
		out++
	}
	n := len(r.Value) - out
	r.truncate(out)
	return n
}

// maxReserve bounds the rows reserved from a declared size (a file's or a
// body's length, a row count in a footer): larger tables grow as their
// rows arrive.
const maxReserve = 1 << 24

// reserve makes room for n rows in all, so the columns are not copied
// again and again. Unlike slices.Grow it does not write the new capacity
// itself (fresh memory from the system is zero already): pages the rows
// never reach are never touched, which matters where the first touch of
// memory is slow. A Time column is reserved when r has one.
func (r *Ratings) reserve(n int) {
	if n <= cap(r.Value) {
		return
	}
	u, i, v := make([]int32, 0, n), make([]int32, 0, n), make([]float32, 0, n)
	adviseHuge(u)
	adviseHuge(i)
	adviseHuge(v)
	r.User, r.Item, r.Value = append(u, r.User...), append(i, r.Item...), append(v, r.Value...)
	if r.Time != nil {
		t := make([]int64, 0, n)
		adviseHuge(t)
		r.Time = append(t, r.Time...)
	}
}

// add appends a row, doubling the capacity when the columns are full; t
// is kept when r has a Time column.
func (r *Ratings) add(u, i int32, v float32, t int64) {
	if len(r.Value) == cap(r.Value) {
		r.reserve(max(2*len(r.Value), 1024))
	}
	r.User = append(r.User, u)
	r.Item = append(r.Item, i)
	r.Value = append(r.Value, v)
	if r.Time != nil {
		r.Time = append(r.Time, t)
	}
}

// put copies row k of src to row j of r, which has room for it; both have
// a Time column or neither.
func (r *Ratings) put(j int, src *Ratings, k int) {
	r.User[j], r.Item[j], r.Value[j] = src.User[k], src.Item[k], src.Value[k]
	if r.Time != nil {
		r.Time[j] = src.Time[k]
	}
}

// truncate keeps the first n rows of r.
func (r *Ratings) truncate(n int) {
	r.User, r.Item, r.Value = r.User[:n], r.Item[:n], r.Value[:n]
	if r.Time != nil {
		r.Time = r.Time[:n]
	}
}
