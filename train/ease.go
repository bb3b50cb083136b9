package train

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

// easeKind names the ease kind.
const easeKind = "ease"

func init() { Register(easeKind, Fitter{Fit: fitEASE, Check: checkEASE}) }

// errNotPositiveDefinite is the error of an ease fit whose system
// XᵀX + λI (or XXᵀ + λI) has a pivot block of invertSPD that Cholesky
// could not factor.
var errNotPositiveDefinite = fmt.Errorf("train: ease system is not positive definite")

// checkEASE refuses more than model.MaxEASEItems items, an error wrapping
// ErrTooLarge that suggests ials.
func checkEASE(_ model.Config, s *dataset.Split) error {
	if n := s.Items.Len(); n > model.MaxEASEItems {
		return fmt.Errorf("train: ease on %d items needs about %.1f GiB for its items x items matrices: %w (at most %d items); use --kind ials, whose memory grows with items x factors",
			n, 4*float64(n)*float64(n)/(1<<30), ErrTooLarge, model.MaxEASEItems)
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
// weights within rounding, at a fraction of the cost. The inverse is
// invertSPD's, in float32 on both cores: on ml-latest-small its weights
// are within 3.4e-6 of the largest weight of gonum's float64 solve, and
// the top-10 lists the same (TestEASEFloat32). The result has the same
// bits for any GOMAXPROCS. It returns ctx's error when ctx is done first.
func EASEWeights(ctx context.Context, rows [][]int32, items int, lambda float64) ([]float32, error) {
	if 2*len(rows) <= items {
		return easeWoodbury(ctx, rows, items, lambda)
	}
	return easeDirect(ctx, rows, items, lambda)
}

// easeDirect inverts G = XᵀX + λI in place in one items x items float32
// matrix (invertSPD), which then becomes the weights.
func easeDirect(ctx context.Context, rows [][]int32, n int, lambda float64) ([]float32, error) {
	g := coCounts(rows, n) // upper triangle of G
	for i := range n {
		g[i*n+i] += float32(lambda)
	}
	if err := invertSPD(ctx, g, n); err != nil {
		return nil, err
	}
	// Row i of the weights is B[:, i] = -P[:, i]/P[i, i] = -P[i, :]/P[i, i].
	parallelTiles(ceilDiv(n, sweepBlock), func(t int) {
		for i := t * sweepBlock; i < min(n, (t+1)*sweepBlock); i++ {
			row := g[i*n : i*n+n]
			d := float64(row[i])
			for j, v := range row {
				row[j] = float32(-float64(v) / d)
			}
			row[i] = 0
		}
	})
	return g, nil
}

// easeWoodbury computes the weights from S = Xᵀ K⁻¹ X, K = XXᵀ + λI (users
// x users, inverted by invertSPD): as P = (I - S)/λ, B[j, i] = -P[j, i]/P[i, i]
// = S[j, i]/(1 - S[i, i]) for j ≠ i, and λ cancels. Z = K⁻¹X (users x
// items) is summed from the sparse rows of X, and row i of S (= column i)
// from the rows of Z of item i's users.
func easeWoodbury(ctx context.Context, rows [][]int32, n int, lambda float64) ([]float32, error) {
	m := len(rows)
	byItem := make([][]int32, n) // the users of each item, increasing
	for u, row := range rows {
		for _, i := range row {
			byItem[i] = append(byItem[i], int32(u))
		}
	}
	k := coCounts(byItem, m) // upper triangle of K
	for u := range m {
		k[u*m+u] += float32(lambda)
	}
	if err := invertSPD(ctx, k, m); err != nil {
		return nil, err
	}
	z := make([]float32, m*n)
	parallelTiles(ceilDiv(m, 64), func(t int) {
		for u := t * 64; u < min(m, (t+1)*64); u++ {
			zu := z[u*n : u*n+n]
			for v, c := range k[u*m : u*m+m] {
				for _, i := range rows[v] {
					zu[i] += c
				}
			}
		}
	})
	k = nil
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	w := make([]float32, n*n)
	parallelTiles(ceilDiv(n, 64), func(t int) {
		for i := t * 64; i < min(n, (t+1)*64); i++ {
			wi := w[i*n : i*n+n]
			for _, u := range byItem[i] {
				for j, v := range z[int(u)*n : int(u)*n+n] {
					wi[j] += v
				}
			}
			d := 1 - float64(wi[i])
			for j, v := range wi {
				wi[j] = float32(float64(v) / d)
			}
			wi[i] = 0
		}
	})
	return w, nil
}

// coCounts returns the upper triangle of the n x n matrix of how many of
// lists (each increasing, ids below n) hold both a and b, a ≤ b: XᵀX for
// user rows, XXᵀ for item columns. Whole numbers are exact in float32
// below 2²⁴, more than any count here; stripes of rows a are counted in
// parallel.
func coCounts(lists [][]int32, n int) []float32 {
	c := make([]float32, n*n)
	parallelTiles(ceilDiv(n, sweepBlock), func(t int) {
		lo, hi := int32(t*sweepBlock), int32(min(n, (t+1)*sweepBlock))
		for _, l := range lists {
			x, _ := slices.BinarySearch(l, lo)
			for ; x < len(l) && l[x] < hi; x++ {
				ca := c[int(l[x])*n:]
				for _, b := range l[x:] {
					ca[b]++
				}
			}
		}
	})
	return c
}

// measureEASE is MeasureEpoch for ease: the fit of cfg on s.Train for
// each thread count (GOMAXPROCS set to it for the while), beside the
// floor, the score x_u·B[:, i] of every training interaction computed
// user by user on as many goroutines, after the fit.
func measureEASE(s *dataset.Split, cfg model.Config, threads []int) ([]EpochTiming, error) {
	if err := checkEASE(cfg, s); err != nil {
		return nil, err
	}
	if s.Train.Len() == 0 {
		return nil, ErrNoTrainRows
	}
	var res []EpochTiming
	for _, t := range threads {
		t = max(t, 1)
		m := &model.Model{Config: cfg}
		runtime.GC() // the last count's weights
		prev := runtime.GOMAXPROCS(t)
		start := time.Now()
		err := fitEASE(context.Background(), s, m, nil)
		epoch := time.Since(start)
		var floor time.Duration
		if err == nil {
			floor = easeFloor(m.Net.(*model.EASE), t)
		}
		runtime.GOMAXPROCS(prev)
		if err != nil {
			return nil, err
		}
		res = append(res, EpochTiming{Threads: t, Epoch: epoch, Floor: floor})
	}
	return res, nil
}

// easeFloor times the scores of every training interaction of e, the
// users cut into threads contiguous shares, and returns the time.
func easeFloor(e *model.EASE, threads int) time.Duration {
	users, _ := e.Sizes()
	start := time.Now()
	var wg sync.WaitGroup
	sums := make([]float32, threads)
	for w := range threads {
		lo, hi := w*users/threads, (w+1)*users/threads
		wg.Go(func() {
			var s float32
			for u := lo; u < hi; u++ {
				for _, i := range e.UserItems[e.Offsets[u]:e.Offsets[u+1]] {
					s += e.Score(int32(u), i)
				}
			}
			sums[w] = s
		})
	}
	wg.Wait()
	floorSink = sums[0]
	return time.Since(start)
}
