package train

import (
	"cmp"
	"os"
	"path/filepath"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"

	"context"
	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
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

// mlsRows returns the user rows of ml-latest-small's ratings.csv (each
// rating an interaction) and its number of items (mlsData).
func mlsRows(t *testing.T) ([][]int32, int) {
	d := mlsData(t)
	return interactionRows(d.Ratings, d.Users.Len()), d.Items.Len()
}

// mlsData loads ml-latest-small's ratings.csv, or skips t when the file
// is absent: $RECNET_MLS, or shared/data/ml-latest-small beside a folder
// above this one.
func mlsData(t testing.TB) *dataset.Dataset {
	t.Helper()
	path := os.Getenv("RECNET_MLS")
	for dir, _ := filepath.Abs("."); path == "" && dir != filepath.Dir(dir); dir = filepath.Dir(dir) {
		p := filepath.Join(dir, "shared", "data", "ml-latest-small", "ratings.csv")
		if _, err := os.Stat(p); err == nil {
			path = p
		}
	}
	if path == "" {
		t.Skip("ml-latest-small's ratings.csv not found: set RECNET_MLS to it")
	}
	d, err := dataset.Load(context.Background(), path, dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// woodbury64 is the float64 Woodbury solve by gonum (the solve before
// invertSPD): the reference the float32 solves are checked against.
func woodbury64(rows [][]int32, n int, lambda float64) []float64 {
	m := len(rows)
	k := make([]float64, m*m)
	y := make([]float64, m*n)
	for u, ru := range rows {
		for v, rv := range rows {
			var c float64
			for _, i := range ru {
				if _, ok := slices.BinarySearch(rv, i); ok {
					c++
				}
			}
			k[u*m+v] = c
		}
		k[u*m+u] += lambda
		for _, i := range ru {
			y[u*n+int(i)] = 1
		}
	}
	t, _ := lapack64.Potrf(blas64.Symmetric{N: m, Stride: m, Data: k, Uplo: blas.Upper})
	lapack64.Potrs(t, blas64.General{Rows: m, Cols: n, Stride: n, Data: y})
	w := make([]float64, n*n)
	for u, ru := range rows {
		for _, i := range ru {
			for j, v := range y[u*n : u*n+n] {
				w[int(i)*n+j] += v
			}
		}
	}
	for i := range n {
		wi := w[i*n : i*n+n]
		d := 1 - wi[i]
		for j := range wi {
			wi[j] /= d
		}
		wi[i] = 0
	}
	return w
}

// compareWeights returns the largest error of w against ref relative to
// max |ref|, and the share of the top-10 lists (unseen items by x_u·B) of
// every 4th user that w gives as ref does, item for item.
func compareWeights(rows [][]int32, n int, w []float32, ref []float64) (rel, same float64) {
	var big, worst float64
	for k, r := range ref {
		big = max(big, math.Abs(r))
		worst = max(worst, math.Abs(float64(w[k])-r))
	}
	top := func(row []int32, score func(i int) float64) []int {
		idx := make([]int, 0, n)
		for i := range n {
			if _, seen := slices.BinarySearch(row, int32(i)); !seen {
				idx = append(idx, i)
			}
		}
		s := make([]float64, n)
		for _, i := range idx {
			s[i] = score(i)
		}
		slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(s[b], s[a]) })
		return idx[:10]
	}
	var agree, users int
	for u := 0; u < len(rows); u += 4 {
		row := rows[u]
		users++
		a := top(row, func(i int) float64 {
			var s float64
			for _, j := range row {
				s += float64(w[i*n+int(j)])
			}
			return s
		})
		b := top(row, func(i int) float64 {
			var s float64
			for _, j := range row {
				s += ref[i*n+int(j)]
			}
			return s
		})
		if slices.Equal(a, b) {
			agree++
		}
	}
	return worst / big, float64(agree) / float64(users)
}

// TestEASEFloat32 checks the float32 solves, direct and Woodbury, against
// gonum's float64 Woodbury weights on ml-latest-small (610 users, 9,724
// items, λ 250; skipped with -short, about 20 s of the direct solve) and
// a generated table: every weight within 2e-5 of the largest weight (the
// largest error seen was 3.4e-6, ml-latest-small's direct solve), and
// at least 99% of the users' top-10 lists the same, item for item (all
// were).
func TestEASEFloat32(t *testing.T) {
	type table struct {
		name  string
		rows  [][]int32
		items int
	}
	tables := []table{{"generated", randomRows(9, 400, 1200, 40), 1200}}
	// ml-latest-small's 9,724 items take minutes on the Go loops of
	// -tags purego (past go test's default timeout): there only the
	// generated table is solved.
	if !testing.Short() && !goLoops {
		rows, n := mlsRows(t)
		tables = append(tables, table{"ml-latest-small", rows, n})
	}
	for _, tb := range tables {
		ref := woodbury64(tb.rows, tb.items, model.DefaultEASEL2)
		for _, solve := range []struct {
			name string
			f    func(context.Context, [][]int32, int, float64) ([]float32, error)
		}{{"direct", easeDirect}, {"woodbury", easeWoodbury}} {
			w, err := solve.f(context.Background(), tb.rows, tb.items, model.DefaultEASEL2)
			if err != nil {
				t.Fatal(err)
			}
			rel, same := compareWeights(tb.rows, tb.items, w, ref)
			t.Logf("%s, %s: max error %.2g of max |B|; top-10 lists the same for %.4f of users", tb.name, solve.name, rel, same)
			if rel > 2e-5 || same < 0.99 {
				t.Errorf("%s, %s: max error %.2g of max |B|, top-10 lists the same for %.4f of users; want 2e-5 and 0.99", tb.name, solve.name, rel, same)
			}
		}
	}
}

// TestEASEWeightsProcs checks that both solves give the same bits on 1
// and 2 goroutines, on sizes of several pivot blocks.
func TestEASEWeightsProcs(t *testing.T) {
	const items = 2*sweepBlock + 100
	for _, users := range []int{2 * items, items / 3} { // direct, Woodbury
		rows := randomRows(uint64(users), users, items, 25)
		var w [2][]float32
		for p := range w {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(p + 1))
			var err error
			if w[p], err = EASEWeights(context.Background(), rows, items, 100); err != nil {
				t.Fatal(err)
			}
		}
		for k := range w[0] {
			if math.Float32bits(w[0][k]) != math.Float32bits(w[1][k]) {
				t.Fatalf("%d users: weight %d is %g on 1 goroutine, %g on 2", users, k, w[0][k], w[1][k])
			}
		}
	}
}
