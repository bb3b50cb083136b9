package dataset_test

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/recnet/recnet/dataset"
)

func mustKFold(t *testing.T, d *dataset.Dataset, k int, seed uint64) []*dataset.Split {
	t.Helper()
	s, err := dataset.KFold(d, k, seed)
	if err != nil {
		t.Fatalf("KFold(%d rows, %d, %d): %v", d.Len(), k, seed, err)
	}
	if len(s) != k {
		t.Fatalf("KFold returned %d splits, want %d", len(s), k)
	}
	return s
}

// TestKFoldPartition checks that the test folds are disjoint, cover every
// row exactly once and differ in size by at most one row, and that each
// split trains on exactly the rows outside its fold.
func TestKFoldPartition(t *testing.T) {
	cases := []struct{ n, k int }{{2, 2}, {10, 2}, {10, 3}, {11, 5}, {99, 10}, {100, 7}, {1001, 5}, {37, 37}}
	for _, c := range cases {
		t.Run(fmt.Sprintf("n%d_k%d", c.n, c.k), func(t *testing.T) {
			d := splitTestData(c.n)
			all := splitRows(d.Ratings)
			splits := mustKFold(t, d, c.k, 42)
			seen := map[splitRow]int{}
			lo, hi := c.n, 0
			for j, s := range splits {
				size := s.Test.Len()
				lo, hi = min(lo, size), max(hi, size)
				for r, n := range splitRows(s.Test) {
					seen[r] += n
				}
				if s.Valid.Len() != 0 {
					t.Errorf("split %d has %d validation rows, want none", j, s.Valid.Len())
				}
				// Train is every row but the fold's.
				want := maps.Clone(all)
				for r := range splitRows(s.Test) {
					delete(want, r)
				}
				if got := splitRows(s.Train); !maps.Equal(got, want) {
					t.Errorf("split %d trains on %d rows, want the %d rows outside its fold", j, s.Train.Len(), len(want))
				}
				if s.Users != d.Users || s.Items != d.Items {
					t.Errorf("split %d does not share the data set's id maps", j)
				}
				if dl, dh := d.Range(); s.Min != dl || s.Max != dh {
					t.Errorf("split %d scale %g..%g, want the whole data's %g..%g", j, s.Min, s.Max, dl, dh)
				}
			}
			if !maps.Equal(seen, all) {
				t.Errorf("the folds do not hold every row exactly once: %d distinct rows seen of %d", len(seen), len(all))
			}
			if hi-lo > 1 {
				t.Errorf("fold sizes range %d..%d, want a difference of at most 1", lo, hi)
			}
		})
	}
}

// TestKFoldSeed checks that the same seed gives the same folds and another
// seed other folds.
func TestKFoldSeed(t *testing.T) {
	d := splitTestData(500)
	a, b, c := mustKFold(t, d, 5, 7), mustKFold(t, d, 5, 7), mustKFold(t, d, 5, 8)
	same := true
	for j := range a {
		if !slices.Equal(a[j].Test.Value, b[j].Test.Value) || !slices.Equal(a[j].Test.User, b[j].Test.User) ||
			!slices.Equal(a[j].Train.Item, b[j].Train.Item) {
			t.Errorf("fold %d differs between two runs with seed 7", j)
		}
		same = same && slices.Equal(a[j].Test.User, c[j].Test.User) && slices.Equal(a[j].Test.Item, c[j].Test.Item)
	}
	if same {
		t.Error("seeds 7 and 8 gave the same folds")
	}
}

func TestKFoldErrors(t *testing.T) {
	cases := []struct {
		name     string
		n, k     int
		tooFew   bool
		contains string
	}{
		{"one fold", 10, 1, false, "at least 2"},
		{"zero folds", 10, 0, false, "at least 2"},
		{"negative folds", 10, -3, false, "at least 2"},
		{"more folds than rows", 4, 5, true, "4 rows"},
		{"empty data", 0, 2, true, "0 rows"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := dataset.KFold(splitTestData(c.n), c.k, 1)
			if err == nil {
				t.Fatal("no error")
			}
			if errors.Is(err, dataset.ErrTooFewRows) != c.tooFew {
				t.Errorf("errors.Is(%v, ErrTooFewRows) = %v, want %v", err, !c.tooFew, c.tooFew)
			}
			if !strings.Contains(err.Error(), c.contains) || !strings.HasPrefix(err.Error(), "dataset:") {
				t.Errorf("error %q does not say %q", err, c.contains)
			}
		})
	}
}

// TestCarveValid checks that CarveValid moves int(frac*n) (at least one)
// training rows to Valid, keeps every row exactly once, leaves the input
// and the test rows alone, and is reproducible from its seed.
func TestCarveValid(t *testing.T) {
	cases := []struct {
		n        int
		frac     float64
		existing bool // the split already has validation rows
	}{
		{100, 0.1, false}, {101, 0.1, false}, {5, 0.1, false}, {1000, 0.25, false}, {200, 0.1, true},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("n%d_%g_%v", c.n, c.frac, c.existing), func(t *testing.T) {
			f := dataset.Fractions{Train: 0.8, Test: 0.2}
			if c.existing {
				f = dataset.Fractions{}
			}
			s := mustSplit(t, splitTestData(c.n), f, 3)
			before := splitRows(s.Train, s.Valid)
			trainBefore, validBefore := s.Train.Len(), s.Valid.Len()
			v, err := dataset.CarveValid(s, c.frac, 9)
			if err != nil {
				t.Fatal(err)
			}
			m := max(int(c.frac*float64(trainBefore)), 1)
			if v.Valid.Len() != validBefore+m || v.Train.Len() != trainBefore-m {
				t.Errorf("carved %d/%d, want %d/%d", v.Train.Len(), v.Valid.Len(), trainBefore-m, validBefore+m)
			}
			if !maps.Equal(splitRows(v.Train, v.Valid), before) {
				t.Error("train+valid rows changed")
			}
			if s.Train.Len() != trainBefore || s.Valid.Len() != validBefore {
				t.Error("the input split was changed")
			}
			if !slices.Equal(v.Test.Value, s.Test.Value) || v.Min != s.Min || v.Max != s.Max || v.Users != s.Users {
				t.Error("test rows, scale or id maps changed")
			}
			w, _ := dataset.CarveValid(s, c.frac, 9)
			if !slices.Equal(w.Valid.User, v.Valid.User) || !slices.Equal(w.Valid.Item, v.Valid.Item) {
				t.Error("the same seed carved other rows")
			}
		})
	}
	s := mustSplit(t, splitTestData(100), dataset.Fractions{Train: 0.8, Test: 0.2}, 3)
	for _, frac := range []float64{0, 1, -0.1, 1.5} {
		if _, err := dataset.CarveValid(s, frac, 1); err == nil {
			t.Errorf("CarveValid(frac %g) gave no error", frac)
		}
	}
	one := &dataset.Split{Name: "one", Train: splitTestData(1).Ratings}
	if _, err := dataset.CarveValid(one, 0.5, 1); !errors.Is(err, dataset.ErrTooFewRows) {
		t.Errorf("CarveValid of one training row: %v, want ErrTooFewRows", err)
	}
}

// Cut ten rows into five folds: each split tests on one fold of two rows
// and trains on the other eight; a tenth of its training rows can be moved
// to validation for early stopping.
func ExampleKFold() {
	d := &dataset.Dataset{Name: "tiny", Users: &dataset.IDMap{}, Items: &dataset.IDMap{}}
	for k := range 10 {
		d.Append(d.Users.Add(fmt.Sprint("u", k%3)), d.Items.Add(fmt.Sprint("i", k)), float32(1+k%5))
	}
	folds, err := dataset.KFold(d, 5, 42)
	if err != nil {
		panic(err)
	}
	for _, s := range folds {
		v, err := dataset.CarveValid(s, 0.1, 1)
		if err != nil {
			panic(err)
		}
		fmt.Printf("%s: train %d, valid %d, test %d\n", s.Name, v.Train.Len(), v.Valid.Len(), v.Test.Len())
	}
	// Output:
	// tiny fold 1/5: train 7, valid 1, test 2
	// tiny fold 2/5: train 7, valid 1, test 2
	// tiny fold 3/5: train 7, valid 1, test 2
	// tiny fold 4/5: train 7, valid 1, test 2
	// tiny fold 5/5: train 7, valid 1, test 2
}
