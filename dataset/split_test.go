package dataset_test

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/recnet/recnet/dataset"
)

// splitTestData returns a data set of n rows with distinct (user,item)
// pairs: row k is user k%7, item k/7, rating 1 + k%9 / 2 (1..5).
func splitTestData(n int) *dataset.Dataset {
	d := &dataset.Dataset{Name: fmt.Sprintf("rows%d.csv", n), Users: &dataset.IDMap{}, Items: &dataset.IDMap{}}
	for k := range n {
		u := d.Users.Add(fmt.Sprintf("u%d", k%7))
		i := d.Items.Add(fmt.Sprintf("i%d", k/7))
		d.Append(u, i, 1+float32(k%9)/2)
	}
	return d
}

type splitRow struct {
	u, i int32
	v    float32
}

// splitRows counts the rows of the given parts as a multiset.
func splitRows(parts ...dataset.Ratings) map[splitRow]int {
	m := map[splitRow]int{}
	for _, r := range parts {
		for k := range r.Len() {
			m[splitRow{r.User[k], r.Item[k], r.Value[k]}]++
		}
	}
	return m
}

func mustSplit(t *testing.T, d *dataset.Dataset, f dataset.Fractions, seed uint64) *dataset.Split {
	t.Helper()
	s, err := dataset.SplitRandom(d, f, seed)
	if err != nil {
		t.Fatalf("SplitRandom(%d rows, %+v, %d): %v", d.Len(), f, seed, err)
	}
	return s
}

// TestSplitRandomSizes checks the lab's cuts: the first int(0.8n) shuffled
// rows train, up to int(0.9n) validate, the rest test.
func TestSplitRandomSizes(t *testing.T) {
	for _, n := range []int{10, 20, 37, 99, 100, 1001, 12345} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			d := splitTestData(n)
			s := mustSplit(t, d, dataset.Fractions{}, 42)
			a, b := int(0.8*float64(n)), int(0.9*float64(n))
			if s.Train.Len() != a || s.Valid.Len() != b-a || s.Test.Len() != n-b {
				t.Errorf("split %d/%d/%d, want %d/%d/%d", s.Train.Len(), s.Valid.Len(), s.Test.Len(), a, b-a, n-b)
			}
			// Each part's columns have the same length.
			for name, r := range map[string]dataset.Ratings{"train": s.Train, "valid": s.Valid, "test": s.Test} {
				if len(r.User) != r.Len() || len(r.Item) != r.Len() {
					t.Errorf("%s: %d users, %d items, %d values", name, len(r.User), len(r.Item), r.Len())
				}
			}
		})
	}
}

// TestSplitRandomPartition checks the parts are disjoint and together are
// every row, and that they share the data set's maps and name.
func TestSplitRandomPartition(t *testing.T) {
	for _, f := range []dataset.Fractions{{}, {0.6, 0.2, 0.2}, {1, 0, 0}, {0.5, 0.5, 0}, {0.7, 0, 0.3}, {3, 1, 1}} {
		t.Run(fmt.Sprintf("%g,%g,%g", f.Train, f.Valid, f.Test), func(t *testing.T) {
			d := splitTestData(200)
			s := mustSplit(t, d, f, 7)
			all := splitRows(d.Ratings)
			if len(all) != d.Len() {
				t.Fatalf("test data has repeated rows")
			}
			got := splitRows(s.Train, s.Valid, s.Test)
			if len(got) != len(all) {
				t.Errorf("parts hold %d distinct rows, data %d", len(got), len(all))
			}
			for row, c := range got {
				if c != 1 || all[row] != 1 {
					t.Errorf("row %+v is %d times in the parts and %d times in the data", row, c, all[row])
				}
			}
			if s.Users != d.Users || s.Items != d.Items || s.Name != d.Name {
				t.Error("split does not share the data set's id maps and name")
			}
		})
	}
}

func TestSplitRandomSeed(t *testing.T) {
	d := splitTestData(500)
	a := mustSplit(t, d, dataset.Fractions{}, 1)
	b := mustSplit(t, d, dataset.Fractions{}, 1)
	c := mustSplit(t, d, dataset.Fractions{}, 2)
	for _, p := range []struct {
		name string
		x, y dataset.Ratings
	}{{"train", a.Train, b.Train}, {"valid", a.Valid, b.Valid}, {"test", a.Test, b.Test}} {
		if !slices.Equal(p.x.User, p.y.User) || !slices.Equal(p.x.Item, p.y.Item) || !slices.Equal(p.x.Value, p.y.Value) {
			t.Errorf("%s: the same seed gave different rows", p.name)
		}
	}
	if slices.Equal(a.Train.User, c.Train.User) && slices.Equal(a.Train.Item, c.Train.Item) {
		t.Error("seeds 1 and 2 gave the same training rows")
	}
	// The split does not change the data set.
	if !slices.Equal(d.Value, splitTestData(500).Value) {
		t.Error("SplitRandom modified the data set")
	}
}

// TestSplitRandomFractions checks the zero Fractions is 0.8,0.1,0.1 and that
// fractions are shares of their sum.
func TestSplitRandomFractions(t *testing.T) {
	d := splitTestData(333)
	want := mustSplit(t, d, dataset.Fractions{0.8, 0.1, 0.1}, 9)
	for _, f := range []dataset.Fractions{{}, {8, 1, 1}, {0.4, 0.05, 0.05}} {
		s := mustSplit(t, d, f, 9)
		if !slices.Equal(s.Train.Value, want.Train.Value) || !slices.Equal(s.Valid.Item, want.Valid.Item) || !slices.Equal(s.Test.User, want.Test.User) {
			t.Errorf("%+v: split %d/%d/%d differs from 0.8,0.1,0.1's %d/%d/%d", f,
				s.Train.Len(), s.Valid.Len(), s.Test.Len(), want.Train.Len(), want.Valid.Len(), want.Test.Len())
		}
	}
}

func TestSplitRandomEmptyParts(t *testing.T) {
	tests := []struct {
		f                  dataset.Fractions
		train, valid, test int
	}{
		{dataset.Fractions{1, 0, 0}, 50, 0, 0},
		{dataset.Fractions{0.8, 0.2, 0}, 40, 10, 0},
		{dataset.Fractions{0.8, 0, 0.2}, 40, 0, 10},
		{dataset.Fractions{2, 0, 0}, 50, 0, 0},
	}
	for _, tt := range tests {
		s := mustSplit(t, splitTestData(50), tt.f, 3)
		if s.Train.Len() != tt.train || s.Valid.Len() != tt.valid || s.Test.Len() != tt.test {
			t.Errorf("%+v: split %d/%d/%d, want %d/%d/%d", tt.f, s.Train.Len(), s.Valid.Len(), s.Test.Len(), tt.train, tt.valid, tt.test)
		}
	}
}

// TestSplitRandomTooFewRows checks that a wanted part left empty by the
// cuts is ErrTooFewRows naming the data set, while a part whose fraction is
// zero may be empty.
func TestSplitRandomTooFewRows(t *testing.T) {
	tests := []struct {
		rows               int
		f                  dataset.Fractions
		train, valid, test int // sizes, or all zero for ErrTooFewRows
	}{
		{rows: 2, f: dataset.Fractions{0.8, 0.1, 0.1}}, // cuts int(1.6)=1, int(1.8)=1: no validation row
		{rows: 2, f: dataset.Fractions{}},              // the same
		{rows: 4, f: dataset.Fractions{0.8, 0.1, 0.1}}, // int(3.2)=3, int(3.6)=3
		{rows: 0, f: dataset.Fractions{1, 0, 0}},       // no training row
		{rows: 1, f: dataset.Fractions{0.5, 0.5, 0}},   // int(0.5)=0
		{rows: 5, f: dataset.Fractions{0.1, 0.9, 0}},   // int(0.5)=0
		{rows: 9, f: dataset.Fractions{0.8, 0.1, 0.1}, train: 7, valid: 1, test: 1},
		{rows: 3, f: dataset.Fractions{0.9, 0, 0.1}, train: 2, test: 1},
		{rows: 10, f: dataset.Fractions{0.95, 0, 0.05}, train: 9, test: 1},
		{rows: 1, f: dataset.Fractions{1, 0, 0}, train: 1},
	}
	for _, tt := range tests {
		d := splitTestData(tt.rows)
		s, err := dataset.SplitRandom(d, tt.f, 1)
		name := fmt.Sprintf("%d rows %+v", tt.rows, tt.f)
		if tt.train > 0 {
			if err != nil {
				t.Errorf("%s: %v", name, err)
			} else if s.Train.Len() != tt.train || s.Valid.Len() != tt.valid || s.Test.Len() != tt.test {
				t.Errorf("%s: split %d/%d/%d, want %d/%d/%d", name, s.Train.Len(), s.Valid.Len(), s.Test.Len(), tt.train, tt.valid, tt.test)
			}
			continue
		}
		if !errors.Is(err, dataset.ErrTooFewRows) {
			t.Errorf("%s: error %v, want ErrTooFewRows", name, err)
			continue
		}
		if s != nil {
			t.Errorf("%s: a split with the error", name)
		}
		if !strings.Contains(err.Error(), d.Name) || !strings.Contains(err.Error(), fmt.Sprintf("%d rows", tt.rows)) {
			t.Errorf("%s: error %q does not name the data set and its size", name, err)
		}
	}
}

func TestSplitRandomBadFractions(t *testing.T) {
	for _, f := range []dataset.Fractions{
		{0.8, -0.1, 0.3},
		{0.8, 0.3, -0.1},
		{-1, 0, 0},
		{-0.8, 0.9, 0.9},
		{0, 0.5, 0.5},
		{math.NaN(), 0.1, 0.1},
		{0.8, math.NaN(), 0.1},
		{0.8, 0.1, math.NaN()},
		{math.Inf(1), 0.1, 0.1},
		{0.8, math.Inf(1), 0.1},
		{math.MaxFloat64, math.MaxFloat64, 0},
	} {
		s, err := dataset.SplitRandom(splitTestData(100), f, 1)
		if err == nil {
			t.Errorf("%+v: split %d/%d/%d, want an error", f, s.Train.Len(), s.Valid.Len(), s.Test.Len())
		} else if errors.Is(err, dataset.ErrTooFewRows) {
			t.Errorf("%+v: %v is not about too few rows", f, err)
		}
	}
}

// TestSplitRandomRange checks Min and Max span the whole data set, not just
// the training rows.
func TestSplitRandomRange(t *testing.T) {
	d := &dataset.Dataset{Name: "range", Users: &dataset.IDMap{}, Items: &dataset.IDMap{}}
	for k := range 100 {
		d.Append(d.Users.Add(fmt.Sprint(k)), d.Items.Add("x"), 3)
	}
	d.Value[17], d.Value[71] = 0.5, 4.75
	for seed := range uint64(20) {
		s := mustSplit(t, d, dataset.Fractions{}, seed)
		if s.Min != 0.5 || s.Max != 4.75 {
			t.Errorf("seed %d: scale %g..%g, want 0.5..4.75", seed, s.Min, s.Max)
		}
	}
}

func TestShuffle(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 10, 1000} {
		p := dataset.Shuffle(n, 5)
		if len(p) != n {
			t.Fatalf("Shuffle(%d) has %d elements", n, len(p))
		}
		s := slices.Clone(p)
		slices.Sort(s)
		for k, v := range s {
			if v != k {
				t.Fatalf("Shuffle(%d) = %v is not a permutation of 0..%d", n, p, n-1)
			}
		}
		if !slices.Equal(p, dataset.Shuffle(n, 5)) {
			t.Errorf("Shuffle(%d): the same seed gave different orders", n)
		}
	}
	a, b := dataset.Shuffle(1000, 5), dataset.Shuffle(1000, 6)
	if slices.Equal(a, b) {
		t.Error("seeds 5 and 6 gave the same order")
	}
	if slices.IsSorted(a) {
		t.Error("Shuffle(1000) left the order unchanged")
	}
}

func TestIDMap(t *testing.T) {
	m := dataset.NewIDMap([]string{"b", "a", "b", "", "c", "a"})
	if want := []string{"b", "a", "", "c"}; !slices.Equal(m.IDs(), want) || m.Len() != len(want) {
		t.Fatalf("IDs = %q (len %d), want %q", m.IDs(), m.Len(), want)
	}
	for k, raw := range m.IDs() {
		i, ok := m.Inner(raw)
		if !ok || int(i) != k || m.Raw(i) != raw {
			t.Errorf("%q: Inner = %d, %v; Raw(%d) = %q", raw, i, ok, i, m.Raw(i))
		}
	}
	if i := m.Add("a"); i != 1 || m.Len() != 4 {
		t.Errorf("Add of a known id: %d, len %d; want 1, 4", i, m.Len())
	}
	if i := m.Add("d"); i != 4 || m.Len() != 5 || m.Raw(4) != "d" {
		t.Errorf("Add of a new id: %d, len %d", i, m.Len())
	}
	if i, ok := m.Inner("zzz"); ok {
		t.Errorf("Inner of an unknown id = %d, true", i)
	}

	var z dataset.IDMap
	if z.Len() != 0 || len(z.IDs()) != 0 {
		t.Errorf("zero IDMap has %d ids", z.Len())
	}
	if _, ok := z.Inner("x"); ok {
		t.Error("zero IDMap knows x")
	}
	if z.Add("x") != 0 || z.Add("y") != 1 || z.Add("x") != 0 || z.Len() != 2 {
		t.Errorf("zero IDMap after adds: %q", z.IDs())
	}
	if i, ok := z.Inner("y"); !ok || i != 1 || z.Raw(1) != "y" {
		t.Errorf("zero IDMap: Inner(y) = %d, %v", i, ok)
	}
	if n := dataset.NewIDMap(nil); n.Len() != 0 {
		t.Errorf("NewIDMap(nil) has %d ids", n.Len())
	}
}
