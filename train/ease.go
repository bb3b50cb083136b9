package train

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

func init() { Register("ease", Fitter{Fit: fitEASE, Check: checkEASE}) }

// errNotPositiveDefinite is the error of an ease fit whose
// system XᵀX + λI (or XXᵀ + λI) Cholesky could not factor.
var errNotPositiveDefinite = fmt.Errorf("train: ease system is not positive definite")

// checkEASE refuses more than model.MaxEASEItems items, an error wrapping
// ErrTooLarge that suggests ials.
func checkEASE(_ model.Config, s *dataset.Split) error {
	if n := s.Items.Len(); n > model.MaxEASEItems {
		return fmt.Errorf("train: ease on %d items needs about %.1f GiB for its items x items matrices: %w (at most %d items); use --kind ials, whose memory grows with items x factors",
			n, 12*float64(n)*float64(n)/(1<<30), ErrTooLarge, model.MaxEASEItems)
	}
	return nil
}

// fitEASE sets m.Net to the EASE of s.Train: X is the 0/1 user x item
// matrix of the training rows (a rating of any value is an interaction),
// λ the l2 setting (positive: the kind's Check refuses another).
func fitEASE(ctx context.Context, s *dataset.Split, m *model.Model, _ *Options) error {
	n := s.Items.Len()
	rows := interactionRows(s.Train, s.Users.Len())
	w, err := EASEWeights(ctx, rows, n, m.Config.L2)
	if err != nil {
		return err
	}
	m.Net = model.NewEASE(n, w, rows)
	return nil
}

// interactionRows returns each user's items in r, increasing, each once.
func interactionRows(r dataset.Ratings, users int) [][]int32 {
	rows := make([][]int32, users)
	for k, u := range r.User {
		rows[u] = append(rows[u], r.Item[k])
	}
	for u, row := range rows {
		slices.Sort(row)
		rows[u] = slices.Compact(row)
	}
	return rows
}

// EASEWeights returns the EASE weights of the 0/1 matrix X whose user rows
// are rows (items increasing, each below items), with penalty lambda:
// B = I - P diag(1/diag(P)), P = (XᵀX + λI)⁻¹, held by column (row i of
// the result is B[:, i]; diag(B) = 0). With at most half as many users as
// items it solves the users x users system of the Woodbury identity,
// P = (I - Xᵀ(XXᵀ + λI)⁻¹X)/λ, instead of the items x items one: the same
// weights within rounding, at a fraction of the cost. It returns ctx's
// error when ctx is done first.
func EASEWeights(ctx context.Context, rows [][]int32, items int, lambda float64) ([]float32, error) {
	if 2*len(rows) <= items {
		return easeWoodbury(ctx, rows, items, lambda)
	}
	return easeDirect(ctx, rows, items, lambda)
}

// easeDirect inverts G = XᵀX + λI by Cholesky (gonum's Potrf and Potri,
// in place in one items x items float64 matrix).
func easeDirect(ctx context.Context, rows [][]int32, n int, lambda float64) ([]float32, error) {
	g := coCounts(rows, n) // upper triangle of G
	for i := range n {
		g[i*n+i] += lambda
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	t, ok := lapack64.Potrf(blas64.Symmetric{N: n, Stride: n, Data: g, Uplo: blas.Upper})
	if !ok {
		return nil, errNotPositiveDefinite
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if _, ok := lapack64.Potri(t); !ok {
		return nil, errNotPositiveDefinite
	}
	w := make([]float32, n*n)
	for i := range n {
		d := g[i*n+i]
		for j := range n {
			if j != i {
				// B[j, i] = -P[j, i]/P[i, i]; P's upper triangle holds P[min, max].
				w[i*n+j] = float32(-g[min(i, j)*n+max(i, j)] / d)
			}
		}
	}
	return w, nil
}

// easeWoodbury computes the weights from S = Xᵀ K⁻¹ X, K = XXᵀ + λI (users
// x users): as P = (I - S)/λ, B[j, i] = -P[j, i]/P[i, i] = S[j, i]/(1 -
// S[i, i]) for j ≠ i, and λ cancels.
func easeWoodbury(ctx context.Context, rows [][]int32, n int, lambda float64) ([]float32, error) {
	m := len(rows)
	byItem := make([][]int32, n) // the users of each item, increasing
	for u, row := range rows {
		for _, i := range row {
			byItem[i] = append(byItem[i], int32(u))
		}
	}
	k := coCounts(byItem, m)  // upper triangle of K
	y := make([]float64, m*n) // X, then K⁻¹X
	for u, row := range rows {
		k[u*m+u] += lambda
		for _, i := range row {
			y[u*n+int(i)] = 1
		}
	}
	t, ok := lapack64.Potrf(blas64.Symmetric{N: m, Stride: m, Data: k, Uplo: blas.Upper})
	if !ok {
		return nil, errNotPositiveDefinite
	}
	lapack64.Potrs(t, blas64.General{Rows: m, Cols: n, Stride: n, Data: y})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	w := make([]float32, n*n)
	var wg sync.WaitGroup
	const workers = 2
	for g := range workers {
		wg.Go(func() {
			s := make([]float64, n) // S[:, i] = S[i, :]
			for i := g; i < n; i += workers {
				clear(s)
				for _, u := range byItem[i] {
					for j, v := range y[int(u)*n : int(u)*n+n] {
						s[j] += v
					}
				}
				d := 1 - s[i]
				wi := w[i*n : i*n+n]
				for j, v := range s {
					wi[j] = float32(v / d)
				}
				wi[i] = 0
			}
		})
	}
	wg.Wait()
	return w, nil
}

// coCounts returns the upper triangle of the n x n matrix of how many of
// lists (each increasing, ids below n) hold both a and b, a ≤ b: XᵀX for
// user rows, XXᵀ for item columns.
func coCounts(lists [][]int32, n int) []float64 {
	c := make([]float64, n*n)
	for _, l := range lists {
		for x, a := range l {
			ca := c[int(a)*n:]
			for _, b := range l[x:] {
				ca[b]++
			}
		}
	}
	return c
}
