package train

// table packs a parameter table of the mlp and neumf kernels with its
// optimizer state, one fixed-size row per user or item, so that an update
// touches a few adjacent cache lines:
//
//	row r: w[0:n] | m[0:n] | v[0:n] | padding to a multiple of 16 floats
//
// where w holds the row's weights and m and v are Adam's moment estimates.
// (The dot kernel's rows are laid out by dotTable.)
type table struct {
	n, stride int
	data      []float32
}

// row returns row r's weights, first and second moments.
func (t *table) row(r int32) []float32 {
	o := int(r) * t.stride
	return t.data[o : o+t.stride : o+t.stride]
}

// newTableN returns a table of rows of n weights each, with no bias slot
// implied.
func newTableN(rows, n int) table {
	stride := (3*n + 15) &^ 15
	return table{n: n, stride: stride, data: make([]float32, rows*stride)}
}

// rowFloats returns how many floats at the start of each row of t an
// update with o reads and writes: the weights, and for Adam the moments
// after them. Prefetching touches only those.
func (o *optim) rowFloats(t table) int {
	if o.adam {
		return 3 * t.n
	}
	return t.n
}
