package train

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"

	"github.com/recnet/recnet/internal/f32"
)

// sweepBlock is the pivot block of invertSPD: each step is a rank-
// sweepBlock update of the matrix, in tiles of sweepBlock x sweepBlock.
const sweepBlock = 256

// invertSPD overwrites the symmetric positive definite n x n float32
// matrix a (row-major; only its upper triangle, j ≥ i, is read) with its
// inverse, both triangles. It is the block sweep (block Gauss-Jordan
// without pivoting, as Goodnight's sweep operator): for each pivot block
// k of sweepBlock rows, with D = A_kk⁻¹ (solved in float64 by gonum),
//
//	A_ij -= A_ik D A_kj,  A_ik = A_ik D,  A_kj = D A_kj,  A_kk = -D,
//
// which after every block leaves -A⁻¹. Symmetry keeps only the tiles on
// and above the diagonal; the updates, n³ multiply-adds in all, run on
// f32.Gemm over fixed tiles shared among GOMAXPROCS goroutines, so the
// result has the same bits for any number of them. It returns
// errNotPositiveDefinite when a pivot block is not, and ctx's error when
// ctx is done first (a is then garbage).
func invertSPD(ctx context.Context, a []float32, n int) error {
	r := make([]float32, sweepBlock*n)  // the pivot rows, before the step
	wn := make([]float32, n*sweepBlock) // -A_ik D for every i
	d64 := make([]float64, sweepBlock*sweepBlock)
	d32 := make([]float32, sweepBlock*sweepBlock)
	for k0 := 0; k0 < n; k0 += sweepBlock {
		if err := ctx.Err(); err != nil {
			return err
		}
		kb := min(sweepBlock, n-k0)
		pivotRows(r[:kb*n], a, n, k0, kb)
		// D = A_kk⁻¹ in float64; d32 holds -D.
		for t := range kb {
			for c := range kb {
				d64[t*kb+c] = float64(r[t*n+k0+c])
			}
		}
		if !invert64(d64[:kb*kb], kb) {
			return errNotPositiveDefinite
		}
		for x, v := range d64[:kb*kb] {
			d32[x] = float32(-v)
		}
		// wn (n x kb) = A_ik (-D) = R[:, i]ᵀ (-D), by row blocks.
		parallelTiles(ceilDiv(n, sweepBlock), func(t int) {
			i0 := t * sweepBlock
			m := min(sweepBlock, n-i0)
			f32.Gemm(wn[i0*kb:], kb, r[i0:], 1, n, d32, kb, m, kb, kb, false)
		})
		sweepUpdate(a, r, wn, n, k0, kb)
		// The pivot block row and column: A_kj = D A_kj = -(wn_j)ᵀ above
		// the diagonal, A_ik = -wn_i left of it, A_kk = -D.
		for t := range kb {
			row := a[(k0+t)*n:]
			for j := k0 + kb; j < n; j++ {
				row[j] = -wn[j*kb+t]
			}
			for c := range kb {
				row[k0+c] = d32[t*kb+c]
			}
		}
		for i := range k0 {
			for t := range kb {
				a[i*n+k0+t] = -wn[i*kb+t]
			}
		}
	}
	// a holds -A⁻¹ above the diagonal: negate it and mirror it below.
	parallelTiles(ceilDiv(n, sweepBlock), func(t int) {
		for i := t * sweepBlock; i < min(n, (t+1)*sweepBlock); i++ {
			row := a[i*n : i*n+n]
			for j := i; j < n; j++ {
				row[j] = -row[j]
			}
		}
	})
	mirrorUpper(a, n)
	return nil
}

// pivotRows copies rows k0 to k0+kb of the symmetric a (upper triangle
// kept) into r (kb x n): to the right of column k0 from a's rows, to the
// left from a's columns.
func pivotRows(r, a []float32, n, k0, kb int) {
	for t := range kb {
		copy(r[t*n+k0:t*n+n], a[(k0+t)*n+k0:(k0+t)*n+n])
		for c := t + 1; c < kb; c++ { // the pivot block's lower triangle
			r[c*n+k0+t] = r[t*n+k0+c]
		}
	}
	for i := range k0 {
		for t := range kb {
			r[t*n+i] = a[i*n+k0+t]
		}
	}
}

// sweepUpdate adds wn_i R_j to every tile (i, j) of a on or above the
// diagonal outside the pivot block row and column k0.
func sweepUpdate(a, r, wn []float32, n, k0, kb int) {
	nt := ceilDiv(n, sweepBlock)
	kt := k0 / sweepBlock
	type tile struct{ i, j int }
	var tiles []tile
	for i := range nt {
		for j := i; j < nt; j++ {
			if i != kt && j != kt {
				tiles = append(tiles, tile{i, j})
			}
		}
	}
	parallelTiles(len(tiles), func(x int) {
		i0, j0 := tiles[x].i*sweepBlock, tiles[x].j*sweepBlock
		m, w := min(sweepBlock, n-i0), min(sweepBlock, n-j0)
		f32.Gemm(a[i0*n+j0:], n, wn[i0*kb:], kb, 1, r[j0:], n, m, kb, w, true)
	})
}

// mirrorUpper copies the upper triangle of a below the diagonal, in tiles.
func mirrorUpper(a []float32, n int) {
	nt := ceilDiv(n, sweepBlock)
	parallelTiles(nt, func(jt int) {
		j0 := jt * sweepBlock
		for i0 := 0; i0 <= j0; i0 += sweepBlock {
			for j := j0; j < min(n, j0+sweepBlock); j++ {
				for i := i0; i < min(j, i0+sweepBlock); i++ {
					a[j*n+i] = a[i*n+j]
				}
			}
		}
	})
}

// invert64 overwrites the SPD n x n matrix d (both triangles) with its
// inverse by gonum's Cholesky, and reports whether d was positive definite.
func invert64(d []float64, n int) bool {
	t, ok := lapack64.Potrf(blas64.Symmetric{N: n, Stride: n, Data: d, Uplo: blas.Upper})
	if !ok {
		return false
	}
	if _, ok := lapack64.Potri(t); !ok {
		return false
	}
	for i := range n {
		for j := i + 1; j < n; j++ {
			d[j*n+i] = d[i*n+j]
		}
	}
	return true
}

// parallelTiles runs do(0) to do(count-1) on GOMAXPROCS goroutines, each
// taking the next index: every index is done once, whoever does it.
func parallelTiles(count int, do func(int)) {
	workers := min(runtime.GOMAXPROCS(0), count)
	if workers <= 1 {
		for x := range count {
			do(x)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for x := int(next.Add(1)) - 1; x < count; x = int(next.Add(1)) - 1 {
				do(x)
			}
		})
	}
	wg.Wait()
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }
