package dataset_test

import (
	"errors"
	"fmt"
	"log"
	"reflect"
	"testing"

	"github.com/recnet/recnet/dataset"
)

// looData has users with 1 to 6 ratings: user k rates items 0..k%6.
func looData() *dataset.Dataset {
	d := &dataset.Dataset{Name: "loo", Users: &dataset.IDMap{}, Items: &dataset.IDMap{}}
	for k := range 60 {
		u := d.Users.Add(fmt.Sprintf("u%d", k))
		for i := range k%6 + 1 {
			d.Append(u, d.Items.Add(fmt.Sprintf("i%d", i)), float32(1+(k+i)%5))
		}
	}
	return d
}

func perUser(r dataset.Ratings) map[int32]int {
	n := map[int32]int{}
	for _, u := range r.User {
		n[u]++
	}
	return n
}

func TestLeaveOneOut(t *testing.T) {
	d := looData()
	s, err := dataset.LeaveOneOut(d, 42)
	if err != nil {
		t.Fatal(err)
	}
	rated := perUser(d.Ratings)
	test, valid, train := perUser(s.Test), perUser(s.Valid), perUser(s.Train)
	for u, n := range rated {
		wantTest, wantValid := 0, 0
		if n >= 2 {
			wantTest = 1
		}
		if n >= 3 {
			wantValid = 1
		}
		if test[u] != wantTest || valid[u] != wantValid || train[u] != n-wantTest-wantValid {
			t.Errorf("user %d with %d ratings: %d test, %d valid, %d train rows", u, n, test[u], valid[u], train[u])
		}
	}
	// The parts are disjoint and hold every row, each in d's order.
	if got, want := splitRows(s.Train, s.Valid, s.Test), splitRows(d.Ratings); !reflect.DeepEqual(got, want) {
		t.Error("the parts do not hold exactly the rows of the data set")
	}
	pos := map[splitRow]int{}
	for k := range d.Value {
		pos[splitRow{d.User[k], d.Item[k], d.Value[k]}] = k
	}
	for _, p := range []dataset.Ratings{s.Train, s.Valid, s.Test} {
		for k := 1; k < p.Len(); k++ {
			if pos[splitRow{p.User[k-1], p.Item[k-1], p.Value[k-1]}] > pos[splitRow{p.User[k], p.Item[k], p.Value[k]}] {
				t.Fatal("a part is not in the data set's row order")
			}
		}
	}
	if s.Users != d.Users || s.Items != d.Items || s.Min != 1 || s.Max != 5 || s.Name != "loo" {
		t.Errorf("split shares maps %v, %v; scale %g..%g; name %q", s.Users == d.Users, s.Items == d.Items, s.Min, s.Max, s.Name)
	}
}

func TestLeaveOneOutSeed(t *testing.T) {
	d := looData()
	a, _ := dataset.LeaveOneOut(d, 1)
	b, _ := dataset.LeaveOneOut(d, 1)
	c, _ := dataset.LeaveOneOut(d, 2)
	if !reflect.DeepEqual(a, b) {
		t.Error("the same seed gave another split")
	}
	if reflect.DeepEqual(a.Test, c.Test) {
		t.Error("another seed held out the same rows")
	}
}

// TestLeaveOneOutUniform checks every row of a user is held out about as
// often over many seeds.
func TestLeaveOneOutUniform(t *testing.T) {
	d := &dataset.Dataset{Name: "one user", Users: &dataset.IDMap{}, Items: &dataset.IDMap{}}
	u := d.Users.Add("u")
	for i := range 4 {
		d.Append(u, d.Items.Add(fmt.Sprint(i)), 3)
	}
	var test, valid [4]int
	const seeds = 4000
	for seed := range uint64(seeds) {
		s, err := dataset.LeaveOneOut(d, seed)
		if err != nil {
			t.Fatal(err)
		}
		test[s.Test.Item[0]]++
		valid[s.Valid.Item[0]]++
	}
	for i := range 4 {
		if test[i] < seeds/4-200 || test[i] > seeds/4+200 || valid[i] < seeds/4-200 || valid[i] > seeds/4+200 {
			t.Errorf("held out as test %v, as validation %v times in %d seeds", test, valid, seeds)
			break
		}
	}
}

func TestLeaveOneOutTooFewRows(t *testing.T) {
	for _, d := range []*dataset.Dataset{
		{Name: "empty", Users: &dataset.IDMap{}, Items: &dataset.IDMap{}},
		splitTestData(0),
		func() *dataset.Dataset { // three users with one rating each
			d := &dataset.Dataset{Name: "singles", Users: &dataset.IDMap{}, Items: &dataset.IDMap{}}
			for k := range int32(3) {
				d.Append(d.Users.Add(fmt.Sprint(k)), d.Items.Add("x"), 4)
			}
			return d
		}(),
	} {
		if _, err := dataset.LeaveOneOut(d, 1); !errors.Is(err, dataset.ErrTooFewRows) {
			t.Errorf("%s: err %v, want ErrTooFewRows", d.Name, err)
		}
	}
}

func ExampleLeaveOneOut() {
	d := &dataset.Dataset{Name: "example", Users: &dataset.IDMap{}, Items: &dataset.IDMap{}}
	for _, r := range []struct {
		user, item string
		rating     float32
	}{
		{"ann", "GO101", 5}, {"ann", "PY101", 4}, {"ann", "ML201", 3},
		{"bob", "GO101", 4}, {"bob", "DB101", 5},
		{"cat", "PY101", 3},
	} {
		d.Append(d.Users.Add(r.user), d.Items.Add(r.item), r.rating)
	}
	s, err := dataset.LeaveOneOut(d, 42)
	if err != nil {
		log.Fatal(err)
	}
	// ann (3 ratings) gives one to test and one to validation, bob (2) one
	// to test; cat (1) keeps hers in training.
	fmt.Printf("train %d, validation %d, test %d\n", s.Train.Len(), s.Valid.Len(), s.Test.Len())
	for k := range s.Test.Len() {
		fmt.Println("test:", d.Users.Raw(s.Test.User[k]), d.Items.Raw(s.Test.Item[k]))
	}
	// Output:
	// train 3, validation 1, test 2
	// test: ann PY101
	// test: bob DB101
}
