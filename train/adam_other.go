//go:build !amd64 || purego

package train

// adamVec handles no elements outside amd64: f32.Adam does all.
func adamVec(w, m, v, g []float32, b1, c1, b2, c2, lr, eps float32) int { return 0 }

// adamL2Vec leaves optim.adamL2 to Go outside amd64.
func adamL2Vec(o *optim, w, m, v, g []float32, share float32) int { return 0 }

// forwardVec and gradRowsVec leave the batch to Go outside amd64.
func forwardVec(k *dotKernel, xs []float32, us, is []int32) bool { return false }
func gradRowsVec(k *dotKernel, us, is []int32) bool              { return false }

// prefetchRows reads one float of each of lines cache lines from float off
// of the given rows of data, whose rows are stride floats apart, so that
// their misses overlap before the rows are used.
func prefetchRows(data []float32, stride int, rows []int32, off, lines int) {
	var s float32
	for _, r := range rows {
		row := data[int(r)*stride+off:]
		for j := 0; j < min(lines*16, len(row)); j += 16 {
			s += row[j]
		}
	}
	prefetchSink += s
}

var prefetchSink float32

// updateRowsVec leaves updateRows to Go outside amd64.
func updateRowsVec(o *optim, t *dotTable, rows []int32, grads []float32, gn int) bool { return false }

// prefetchLater leaves prefetching to dotKernel.prefetch outside amd64.
func prefetchLater(k *dotKernel, us, is []int32) bool { return false }

// predictVec leaves the floor to Go outside amd64.
func predictVec(k *dotKernel, xs []float32, us, is, nus, nis []int32) bool { return false }

// use512, useSSE and useAVX2 are never set on this build; tests switch
// them as on amd64.
var use512, useSSE, useAVX2 = false, false, false

// adamRowL2Vec leaves optim.adamRowL2 to Go outside amd64.
func adamRowL2Vec(o *optim, w, m, v, src []float32, slots []int32, coef []float32, share float32) bool {
	return false
}
