package dataset_test

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/recnet/recnet/dataset"
)

// TestItemFeatures builds features from a catalog of the | form: a rated
// item absent from it has none, a catalog item no one rated is added.
func TestItemFeatures(t *testing.T) {
	cat, err := dataset.ReadCatalog(strings.NewReader("movieId,title,genres\n1,a,Comedy|Drama\n3,c,Drama\n4,d,(no genres listed)\n"), "movies.csv")
	if err != nil {
		t.Fatal(err)
	}
	items := dataset.NewIDMap([]string{"1", "2", "3"})
	f, n, err := cat.ItemFeatures(items)
	if err != nil {
		t.Fatal(err)
	}
	if n != (dataset.FeatureCounts{Added: 1, Without: 1}) || items.Len() != 4 {
		t.Errorf("counts %+v, %d items; want 1 added, 1 without, 4 items", n, items.Len())
	}
	want := [][]string{{"Comedy", "Drama"}, nil, {"Drama"}, nil}
	for i, w := range want {
		var got []string
		for _, x := range f.Of(int32(i)) {
			got = append(got, f.Names[x])
		}
		if !slices.Equal(got, w) {
			t.Errorf("item %s: features %v, want %v", items.Raw(int32(i)), got, w)
		}
	}
}

// TestItemFeaturesLimits refuses a catalog of more than MaxFeatures
// genres and checks the bounds of Features.Check.
func TestItemFeaturesLimits(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,genres\n")
	for k := range dataset.MaxFeatures + 1 {
		b.WriteString("i" + strconv.Itoa(k) + ",g" + strconv.Itoa(k) + "\n")
	}
	cat, err := dataset.ReadCatalog(strings.NewReader(b.String()), "big.csv")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := cat.ItemFeatures(dataset.NewIDMap(nil)); err == nil || !strings.Contains(err.Error(), strconv.Itoa(dataset.MaxFeatures)) {
		t.Errorf("a catalog of %d genres: %v", dataset.MaxFeatures+1, err)
	}
	for name, f := range map[string]dataset.Features{
		"past the names": {Names: []string{"a"}, Offsets: []int32{0, 1}, Index: []int32{1}},
		"repeated":       {Names: []string{"a"}, Offsets: []int32{0, 2}, Index: []int32{0, 0}},
		"short offsets":  {Names: []string{"a"}, Offsets: []int32{0}, Index: nil},
		"bad span":       {Names: []string{"a"}, Offsets: []int32{0, 0}, Index: []int32{0}},
	} {
		if err := f.Check(1); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestSplitItems holds out a tenth of the items: every row of a held-out
// item tests, none trains or validates, the rest split 9:1, and the same
// seed gives the same split.
func TestSplitItems(t *testing.T) {
	d := &dataset.Dataset{Name: "t", Users: dataset.NewIDMap(nil), Items: dataset.NewIDMap(nil)}
	for u := range 50 {
		for i := range 40 {
			if (u+i)%3 == 0 {
				d.Ratings.Append(d.Users.Add(strconv.Itoa(u)), d.Items.Add(strconv.Itoa(i)), 1)
			}
		}
	}
	s, held, err := dataset.SplitItems(d, 0, 7)
	if err != nil {
		t.Fatal(err)
	}
	if len(held) != 4 || !slices.IsSorted(held) {
		t.Fatalf("held %v, want 4 items ascending", held)
	}
	for _, i := range s.Test.Item {
		if _, ok := slices.BinarySearch(held, i); !ok {
			t.Fatalf("test row of kept item %d", i)
		}
	}
	for _, p := range []dataset.Ratings{s.Train, s.Valid} {
		for _, i := range p.Item {
			if _, ok := slices.BinarySearch(held, i); ok {
				t.Fatalf("training or validation row of held-out item %d", i)
			}
		}
	}
	if n := s.Train.Len() + s.Valid.Len() + s.Test.Len(); n != d.Len() || s.Valid.Len() != (s.Train.Len()+s.Valid.Len())/10 {
		t.Errorf("split %d/%d/%d of %d rows", s.Train.Len(), s.Valid.Len(), s.Test.Len(), d.Len())
	}
	_, again, _ := dataset.SplitItems(d, 0, 7)
	_, other, _ := dataset.SplitItems(d, 0, 8)
	if !slices.Equal(held, again) || slices.Equal(held, other) {
		t.Errorf("seed 7 gave %v then %v; seed 8 %v", held, again, other)
	}
	for _, share := range []float64{-0.1, 1, 0.01} {
		if _, _, err := dataset.SplitItems(d, share, 7); err == nil {
			t.Errorf("share %g accepted", share)
		} else if share == 0.01 && !errors.Is(err, dataset.ErrTooFewRows) {
			t.Errorf("share 0.01 of 40 items: %v, want ErrTooFewRows", err)
		}
	}
}
