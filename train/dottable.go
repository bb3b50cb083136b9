package train

import "unsafe"

// dotTable packs a dot model's embedding table with its bias and the
// optimizer's state, one fixed-size row per user or item. With Adam:
//
//	row r: w[0:dim] | m[0:dim] | v[0:dim] | b mb vb slot | padding
//
// where w, m and v each start span floats after the one before, span being
// dim rounded up to a whole number of 64-byte cache lines (to 4 floats
// below dim 16), b is the bias and mb, vb its moments. With SGD and
// row-wise AdaGrad:
//
//	row r: w[0:dim] | b G Gb slot | padding
//
// where G is the row's AdaGrad accumulator and Gb the bias's. slot is an
// int32: the row's gradient slot in the current batch, or -1. A row is a
// whole number of lines, so an update touches only whole lines of its own
// row and its vector loads do not straddle lines. A read-only pass touches
// the lines of w and the line of b; an SGD or AdaGrad step writes the same
// lines; an Adam step every line of the row.
type dotTable struct {
	dim, span, stride, bo int
	data                  []float32
}

// newDotTable returns a table of rows rows of dim weights, with room for
// Adam's moments when moments is set.
func newDotTable(rows, dim int, moments bool) dotTable {
	span := (dim + 15) &^ 15
	if dim < 16 {
		span = (dim + 3) &^ 3
	}
	bo := span
	if moments {
		bo = 3 * span
	}
	stride := (bo + 4 + 15) &^ 15
	t := dotTable{dim: dim, span: span, stride: stride, bo: bo, data: make([]float32, rows*stride)}
	for r := range rows {
		*slotOf(t.row(int32(r)), bo) = -1
	}
	return t
}

// rows returns the number of rows of t.
func (t *dotTable) rows() int { return len(t.data) / t.stride }

// slotOf returns the slot of a row whose bias is at bo.
func slotOf(row []float32, bo int) *int32 {
	return (*int32)(unsafe.Pointer(&row[bo+3]))
}

// bias is the offset of b in a row.
func (t *dotTable) bias() int { return t.bo }

// row returns row r.
func (t *dotTable) row(r int32) []float32 {
	o := int(r) * t.stride
	return t.data[o : o+t.stride : o+t.stride]
}

// load copies an embedding table (rows x dim) and a bias (rows) into t.
func (t *dotTable) load(emb, bias []float32) {
	d, b := t.dim, t.bias()
	for r := range bias {
		w := t.data[r*t.stride:]
		copy(w[:d], emb[r*d:(r+1)*d])
		w[b] = bias[r]
	}
}

// store copies the weights of t back into emb and bias.
func (t *dotTable) store(emb, bias []float32) {
	d, b := t.dim, t.bias()
	for r := range bias {
		w := t.data[r*t.stride:]
		copy(emb[r*d:(r+1)*d], w[:d])
		bias[r] = w[b]
	}
}

// updateLines returns how many lines from the start of a row an update
// with o touches: every line with Adam, up to the bias line otherwise.
func (t *dotTable) updateLines(o *optim) int {
	if o.adam {
		return t.stride / 16
	}
	return t.bo/16 + 1
}

// readLines returns the lines a read of a row touches: plines lines from
// its start, and the line bline floats in (which may be among them).
func (t *dotTable) readLines() (plines, bline int) {
	w := (t.dim + 15) / 16
	if t.bo/16 <= w {
		return t.bo/16 + 1, 0
	}
	return w, t.bo &^ 15
}

// prefetch asks for the lines of the given rows that a read (all false)
// or an update with moments (all true) touches, without waiting for them.
func (t *dotTable) prefetch(rows []int32, all bool) {
	if all {
		prefetchRows(t.data, t.stride, rows, 0, t.stride/16)
		return
	}
	plines, bline := t.readLines()
	prefetchRows(t.data, t.stride, rows, 0, plines)
	if bline > 0 {
		prefetchRows(t.data, t.stride, rows, bline, 1)
	}
}

// update applies o's step to row of t with gradient g: g[0:dim] for w
// and g[dim] for b.
func (o *optim) update(t *dotTable, row, g []float32) {
	d, b := t.dim, t.bo
	switch {
	case o.adam:
		s := t.span
		o.step3(row[:d], row[s:s+d], row[2*s:2*s+d], g[:d])
		o.step3(row[b:b+1], row[b+1:b+2], row[b+2:b+3], g[d:d+1])
	case o.ada:
		o.adagrad(row[:d], &row[b+1], g[:d])
		o.adagrad(row[b:b+1], &row[b+2], g[d:d+1])
	default:
		o.step3(row[:d], nil, nil, g[:d])
		row[b] -= o.lrT * g[d]
	}
}

// updateRows applies o's step to each row rows[s] of t with the gradient at
// grads[s*gn:] and marks the row's slot free (see update).
func (o *optim) updateRows(t *dotTable, rows []int32, grads []float32, gn int) {
	if updateRowsVec(o, t, rows, grads, gn) {
		return
	}
	for s, r := range rows {
		row := t.row(r)
		o.update(t, row, grads[s*gn:])
		*slotOf(row, t.bo) = -1
	}
}
