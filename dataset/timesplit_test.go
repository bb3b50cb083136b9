package dataset_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/recnet/recnet/dataset"
)

// timedData is a hand-made table of 12 rows whose ratings are their row
// numbers, so that a part's rows can be read off its values. Rows 10 and
// 11 (user d) share a time, as do rows 5 and 6 and rows 1 and 3.
func timedData() *dataset.Dataset {
	rows := []struct {
		user, item string
		time       int64
	}{
		{"a", "x", 50}, {"a", "y", 10}, {"b", "x", 30}, {"b", "z", 10}, {"c", "y", 90}, {"a", "z", 70},
		{"b", "y", 70}, {"c", "x", 20}, {"c", "z", 60}, {"a", "w", 40}, {"d", "x", 5}, {"d", "y", 5},
	}
	d := &dataset.Dataset{Name: "timed", Users: &dataset.IDMap{}, Items: &dataset.IDMap{}}
	for k, r := range rows {
		d.User = append(d.User, d.Users.Add(r.user))
		d.Item = append(d.Item, d.Items.Add(r.item))
		d.Value = append(d.Value, float32(k))
		d.Time = append(d.Time, r.time)
	}
	return d
}

// rowsOf returns the row numbers (the values) of r, and checks that its
// times went with them.
func rowsOf(t *testing.T, d *dataset.Dataset, r dataset.Ratings) []int {
	t.Helper()
	out := []int{}
	for k, v := range r.Value {
		out = append(out, int(v))
		if r.Time == nil || r.Time[k] != d.Time[int(v)] {
			t.Errorf("row %d lost its time", int(v))
		}
	}
	return out
}

// TestSplitTime: ordered by time, rows of equal time by row number, the 12
// rows are 10 11 1 3 7 2 9 0 8 5 6 4; 0.8,0.1,0.1 cuts them after 9 and
// 10 rows, so rows 5 and 6, of equal time, fall into validation and test
// by their order. Each part keeps the table's row order.
func TestSplitTime(t *testing.T) {
	d := timedData()
	tests := []struct {
		f                  dataset.Fractions
		train, valid, test []int
	}{
		{dataset.Fractions{}, []int{0, 1, 2, 3, 7, 8, 9, 10, 11}, []int{5}, []int{4, 6}},
		{dataset.Fractions{Train: 0.5, Valid: 0.25, Test: 0.25}, []int{1, 2, 3, 7, 10, 11}, []int{0, 8, 9}, []int{4, 5, 6}},
		{dataset.Fractions{Train: 0.75, Test: 0.25}, []int{0, 1, 2, 3, 7, 8, 9, 10, 11}, []int{}, []int{4, 5, 6}},
	}
	for _, tt := range tests {
		s, err := dataset.SplitTime(d, tt.f)
		if err != nil {
			t.Fatal(err)
		}
		got := [][]int{rowsOf(t, d, s.Train), rowsOf(t, d, s.Valid), rowsOf(t, d, s.Test)}
		if want := [][]int{tt.train, tt.valid, tt.test}; !reflect.DeepEqual(got, want) {
			t.Errorf("%v: parts %v, want %v", tt.f, got, want)
		}
	}
}

// TestLeaveLatestOut: each user's latest row tests and the latest of the
// others validates; of user d's two rows of equal time the later row tests.
func TestLeaveLatestOut(t *testing.T) {
	d := timedData()
	s, err := dataset.LeaveLatestOut(d)
	if err != nil {
		t.Fatal(err)
	}
	got := [][]int{rowsOf(t, d, s.Train), rowsOf(t, d, s.Valid), rowsOf(t, d, s.Test)}
	if want := [][]int{{1, 3, 7, 9, 10}, {0, 2, 8}, {4, 5, 6, 11}}; !reflect.DeepEqual(got, want) {
		t.Errorf("parts %v, want %v", got, want)
	}
}

// TestLeaveLatestOutBefore: without each user's latest row (rows 5, 6, 4
// and 11, the later of d's two of equal time) a's latest is row 0 and the
// one before it row 9; b and c keep two rows, d one, which trains. Two back,
// only a has two rows left. Zero back is LeaveLatestOut.
func TestLeaveLatestOutBefore(t *testing.T) {
	d := timedData()
	for _, tc := range []struct {
		back int
		want [][]int
	}{
		{0, [][]int{{1, 3, 7, 9, 10}, {0, 2, 8}, {4, 5, 6, 11}}},
		{1, [][]int{{1, 3, 7, 10}, {9}, {0, 2, 8}}},
		{2, [][]int{{1, 3, 7}, {}, {9}}},
	} {
		s, err := dataset.LeaveLatestOutBefore(d, tc.back)
		if err != nil {
			t.Fatal(err)
		}
		got := [][]int{rowsOf(t, d, s.Train), rowsOf(t, d, s.Valid), rowsOf(t, d, s.Test)}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("back %d: parts %v, want %v", tc.back, got, tc.want)
		}
		if s.Min != 0 || s.Max != 11 {
			t.Errorf("back %d: range %g..%g, want the table's 0..11", tc.back, s.Min, s.Max)
		}
	}
	if _, err := dataset.LeaveLatestOutBefore(d, -1); err == nil {
		t.Error("back -1: no error")
	}
	if _, err := dataset.LeaveLatestOutBefore(d, 4); !errors.Is(err, dataset.ErrTooFewRows) {
		t.Errorf("back 4: %v, want ErrTooFewRows", err)
	}
}

// TestTimeSplitsNeedTime: a table without times is ErrNoTime for both.
func TestTimeSplitsNeedTime(t *testing.T) {
	d := timedData()
	d.Time = nil
	if _, err := dataset.SplitTime(d, dataset.Fractions{}); !errors.Is(err, dataset.ErrNoTime) {
		t.Errorf("SplitTime: %v, want ErrNoTime", err)
	}
	if _, err := dataset.LeaveLatestOut(d); !errors.Is(err, dataset.ErrNoTime) {
		t.Errorf("LeaveLatestOut: %v, want ErrNoTime", err)
	}
	if _, err := dataset.LeaveLatestOutBefore(d, 1); !errors.Is(err, dataset.ErrNoTime) {
		t.Errorf("LeaveLatestOutBefore: %v, want ErrNoTime", err)
	}
}
