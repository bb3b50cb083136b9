package f32

import (
	"math"
	"math/rand/v2"
	"testing"
)

// rowOps are the products whose rows must not depend on the batch: the
// forward pass (MulNN) and the input gradient (MulNT).
var rowOps = []op{ops[0], ops[1]}

// rowKs and rowNs are the inner and column sizes of the batch tests: every
// column edge of the 32-, 16- and 8-wide panels, n=1 (the dot kernel), and
// k·n past MulNT's scratch (65·100 and 300·17), which splits its k.
var (
	rowKs = []int{1, 2, 3, 7, 8, 9, 16, 17, 31, 33, 64, 65, 300}
	rowNs = []int{1, 2, 3, 5, 7, 8, 9, 12, 15, 16, 17, 24, 31, 32, 33, 40, 47, 48, 63, 64, 65, 100}
)

// batchRows is the largest batch of TestMulRowIndependentOfBatch.
const batchRows = 40

// TestMulRowIndependentOfBatch checks, for every kernel set, that a row of
// MulNN and MulNT comes out bit for bit the same whether it is multiplied
// alone or at any position of a batch of 1 to 40 rows, with acc off and on.
func TestMulRowIndependentOfBatch(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, set := range kernelSets() {
		t.Run(set, func(t *testing.T) {
			defer useKernels(set)()
			for _, o := range rowOps {
				for _, k := range rowKs {
					for _, n := range rowNs {
						if k == 300 && n > 17 {
							continue // k·n past the scratch is covered; keep it quick
						}
						for _, acc := range []bool{false, true} {
							checkRows(t, o, rng, k, n, acc)
						}
					}
				}
			}
		})
	}
}

// checkRows multiplies each of batchRows random rows alone, then batches of
// every size from 1 to batchRows (random rows in random order, and once all
// of them in order), and compares every row's result with its lone one.
func checkRows(t *testing.T, o op, rng *rand.Rand, k, n int, acc bool) {
	t.Helper()
	const M = batchRows
	a, b, prior := randSlice(rng, M*k), randSlice(rng, k*n), randSlice(rng, M*n)
	alone := make([]float32, M*n)
	copy(alone, prior)
	for r := range M {
		o.fast(alone[r*n:r*n+n], a[r*k:r*k+k], b, 1, k, n, acc)
	}
	am, dm := make([]float32, M*k), make([]float32, M*n)
	for pass := 1; pass <= M+1; pass++ {
		m, rows := pass, rng.Perm(M)
		if pass == M+1 {
			m = M
			for i := range rows {
				rows[i] = i
			}
		}
		rows = rows[:m]
		for i, r := range rows {
			copy(am[i*k:i*k+k], a[r*k:r*k+k])
			copy(dm[i*n:i*n+n], prior[r*n:r*n+n])
		}
		o.fast(dm, am, b, m, k, n, acc)
		for i, r := range rows {
			for c := range n {
				got, want := dm[i*n+c], alone[r*n+c]
				if math.Float32bits(got) != math.Float32bits(want) {
					t.Fatalf("Mul%s k=%d n=%d acc=%v: row %d at position %d of %d: dst[%d] = %v (%#08x), alone %v (%#08x)",
						o.name, k, n, acc, r, i, m, c, got, math.Float32bits(got), want, math.Float32bits(want))
				}
			}
		}
	}
}
