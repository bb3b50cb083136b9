package train

import (
	"context"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
)

// randomRows returns users rows of about per items each, below items.
func randomRows(seed uint64, users, items, per int) [][]int32 {
	rng := rand.New(rand.NewPCG(seed, 5))
	rows := make([][]int32, users)
	for u := range rows {
		for range per {
			rows[u] = append(rows[u], int32(rng.IntN(items)))
		}
		slices.Sort(rows[u])
		rows[u] = slices.Compact(rows[u])
	}
	return rows
}

// gramInverse64 returns (XᵀX + λI)⁻¹ in float64 by gonum's Cholesky: the
// reference invertSPD is checked against.
func gramInverse64(rows [][]int32, n int, lambda float64) []float64 {
	g := make([]float64, n*n)
	for _, l := range rows {
		for _, a := range l {
			for _, b := range l {
				g[int(a)*n+int(b)]++
			}
		}
	}
	for i := range n {
		g[i*n+i] += lambda
	}
	if !invert64(g, n) {
		panic("not positive definite")
	}
	return g
}

// TestInvertSPD checks the float32 block sweep against gonum's float64
// inverse on XᵀX + λI of random users, on sizes of one, several and a
// ragged last pivot block: every element within 2e-5 of the largest
// (relative to max |P|), and the same bits on 1 and 2 goroutines.
func TestInvertSPD(t *testing.T) {
	for _, n := range []int{5, sweepBlock, 2*sweepBlock + 77} {
		rows := randomRows(uint64(n), 3*n, n, 30)
		want := gramInverse64(rows, n, 20)
		var got [2][]float32
		for p := range got {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(p + 1))
			a := coCounts(rows, n)
			for i := range n {
				a[i*n+i] += 20
			}
			if err := invertSPD(context.Background(), a, n); err != nil {
				t.Fatal(err)
			}
			got[p] = a
		}
		var big, worst float64
		for k, w := range want {
			big = max(big, math.Abs(w))
			worst = max(worst, math.Abs(float64(got[0][k])-w))
		}
		t.Logf("n %d: max |P| %.3g, max error %.3g (%.2g of it)", n, big, worst, worst/big)
		if worst > 2e-5*big {
			t.Errorf("n %d: max error %.3g, over 2e-5 of max |P| %.3g", n, worst, big)
		}
		for k := range got[0] {
			if math.Float32bits(got[0][k]) != math.Float32bits(got[1][k]) {
				t.Fatalf("n %d: element %d is %g on 1 goroutine, %g on 2", n, k, got[0][k], got[1][k])
			}
		}
	}
}
