package dataset

// reserve makes room for n rows in all, so the columns are not copied
// again and again. Unlike slices.Grow it does not write the new capacity
// itself (fresh memory from the system is zero already): pages the rows
// never reach are never touched, which matters where the first touch of
// memory is slow.
func (r *Ratings) reserve(n int) {
	if n <= cap(r.Value) {
		return
	}
	u, i, v := make([]int32, 0, n), make([]int32, 0, n), make([]float32, 0, n)
	adviseHuge(u)
	adviseHuge(i)
	adviseHuge(v)
	r.User, r.Item, r.Value = append(u, r.User...), append(i, r.Item...), append(v, r.Value...)
}

// add appends a row, doubling the capacity when the columns are full.
func (r *Ratings) add(u, i int32, v float32) {
	if len(r.Value) == cap(r.Value) {
		r.reserve(max(2*len(r.Value), 1024))
	}
	r.User = append(r.User, u)
	r.Item = append(r.Item, i)
	r.Value = append(r.Value, v)
}
