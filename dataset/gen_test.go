package dataset

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
)

var builtinOnce = sync.OnceValue(Builtin)

func csvBytes(t *testing.T, d *Dataset) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := WriteCSV(&b, d); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestGenerateCoursesDeterministic(t *testing.T) {
	a := csvBytes(t, builtinOnce())
	b := csvBytes(t, Builtin())
	if !bytes.Equal(a, b) {
		t.Fatal("two Builtin runs wrote different CSV")
	}
	d, _ := GenerateCourses(CourseConfig{Seed: 43})
	if bytes.Equal(a, csvBytes(t, d)) {
		t.Fatal("seed 43 wrote the same CSV as seed 42")
	}
	if !strings.HasPrefix(string(a), "user,item,rating\n") {
		t.Errorf("CSV starts %q", a[:40])
	}
}

func TestBuiltinShape(t *testing.T) {
	d := builtinOnce()
	if d.Name != "builtin" || d.Users.Len() != 33901 || d.Items.Len() != 126 {
		t.Fatalf("builtin: %s named %q", d, d.Name)
	}
	if n := d.Len(); math.Abs(float64(n)-233306) > 0.005*233306 {
		t.Errorf("%d rows, want about 233,306", n)
	}
	perUser := make([]int, d.Users.Len())
	perItem := make([]int, d.Items.Len())
	var byRating [6]int
	seen := make(map[[2]int32]bool, d.Len())
	for k, v := range d.Value {
		u, i := d.User[k], d.Item[k]
		perUser[u]++
		perItem[i]++
		if v != 3 && v != 4 && v != 5 {
			t.Fatalf("row %d: rating %v", k, v)
		}
		byRating[int(v)]++
		if seen[[2]int32{u, i}] {
			t.Fatalf("row %d: duplicate pair %s,%s", k, d.Users.Raw(u), d.Items.Raw(i))
		}
		seen[[2]int32{u, i}] = true
	}
	n := float64(d.Len())
	few, maxc := 0, 0
	for _, c := range perUser {
		if c == 0 || c > 61 {
			t.Fatalf("a user has %d ratings", c)
		}
		if c <= 3 {
			few++
		}
		maxc = max(maxc, c)
	}
	if s := float64(few) / float64(len(perUser)); s < 0.4 {
		t.Errorf("share of users with <=3 ratings %.3f, want > 0.4", s)
	}
	if m := n / float64(len(perUser)); math.Abs(m-6.88) > 0.1 {
		t.Errorf("mean ratings per user %.2f, want about 6.9", m)
	}
	for r, want := range map[int]float64{3: 0.37, 4: 0.30, 5: 0.33} {
		if s := float64(byRating[r]) / n; math.Abs(s-want) > 0.03 {
			t.Errorf("share of %d = %.3f, want about %.2f", r, s, want)
		}
	}
	top := 0
	for _, c := range perItem {
		top = max(top, c)
	}
	if s := float64(top) / n; s < 0.03 || s > 0.12 {
		t.Errorf("top item share %.3f, want in [0.03, 0.12]", s)
	}
	// Rows are shuffled: the first 100 rows come from many users.
	first := map[int32]bool{}
	for _, u := range d.User[:100] {
		first[u] = true
	}
	if len(first) < 80 {
		t.Errorf("first 100 rows have only %d users", len(first))
	}
	cat := BuiltinCatalog()
	for _, id := range d.Items.IDs() {
		if _, ok := cat.Lookup(id); !ok {
			t.Errorf("item %q is not in the catalog", id)
		}
	}
	for _, id := range d.Users.IDs()[:100] {
		if strings.Trim(id, "0123456789") != "" {
			t.Fatalf("user id %q is not numeric", id)
		}
	}
}

// Reading the CSV back gives the same ids in the same order and the same
// rows.
func TestBuiltinRoundTrip(t *testing.T) {
	d := builtinOnce()
	r, err := Read(bytes.NewReader(csvBytes(t, d)), "builtin.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Len() != d.Len() || r.Duplicates != 0 || r.Users.Len() != d.Users.Len() || r.Items.Len() != d.Items.Len() {
		t.Fatalf("read back %s, %d duplicates; wrote %s", r, r.Duplicates, d)
	}
	for k := range d.Value {
		if d.User[k] != r.User[k] || d.Item[k] != r.Item[k] || d.Value[k] != r.Value[k] {
			t.Fatalf("row %d differs", k)
		}
	}
}

func TestGenerateCoursesTruth(t *testing.T) {
	cfg := CourseConfig{Users: 2000, Items: 40, Rows: 12000, Noise: -1, Seed: 7}
	d, tr := GenerateCourses(cfg)
	if d.Len() != 12000 || d.Users.Len() != 2000 || d.Items.Len() != 40 || len(tr.Latent) != d.Len() || len(tr.Courses) != 40 {
		t.Fatalf("got %s, truth %d latents %d courses", d, len(tr.Latent), len(tr.Courses))
	}
	if tr.Noise != 0 {
		t.Errorf("Noise = %g, want 0", tr.Noise)
	}
	// Without noise the ratings are the latent scores cut at Cuts.
	for k, v := range d.Value {
		want := float32(3)
		if tr.Latent[k] >= tr.Cuts[0] {
			want++
		}
		if tr.Latent[k] >= tr.Cuts[1] {
			want++
		}
		if v != want {
			t.Fatalf("row %d: rating %v, latent %g, cuts %g", k, v, tr.Latent[k], tr.Cuts)
		}
	}
	for i, co := range tr.Courses {
		if co.ID != d.Items.Raw(int32(i)) {
			t.Fatalf("truth course %d is %q, item map says %q", i, co.ID, d.Items.Raw(int32(i)))
		}
	}
	// Out-of-range settings are clamped.
	d, _ = GenerateCourses(CourseConfig{Users: 10, Items: 1000, Rows: 1e6})
	if d.Items.Len() != 307 || d.Len() != 10*61 {
		t.Errorf("clamped config gave %s", d)
	}
}

func TestGenerateLowRank(t *testing.T) {
	d, tr := GenerateLowRank(LowRankConfig{})
	if d.Len() != 20000 || d.Users.Len() != 500 || d.Items.Len() != 100 || len(tr.P[0]) != 4 || tr.Noise != 0.1 || tr.Mu != 3 {
		t.Fatalf("defaults gave %s, rank %d, noise %g, mu %g", d, len(tr.P[0]), tr.Noise, tr.Mu)
	}
	perUser := make([]int, 500)
	seen := map[[2]int32]bool{}
	var se float64
	for k, v := range d.Value {
		u, i := d.User[k], d.Item[k]
		perUser[u]++
		if seen[[2]int32{u, i}] {
			t.Fatalf("duplicate pair at row %d", k)
		}
		seen[[2]int32{u, i}] = true
		e := float64(v) - tr.Clean(u, i)
		se += e * e
	}
	for u, c := range perUser {
		if c != 40 {
			t.Fatalf("user %d has %d ratings, want 40", u, c)
		}
	}
	if rmse := math.Sqrt(se / float64(d.Len())); math.Abs(rmse-0.1) > 0.005 {
		t.Errorf("noise floor RMSE %.4f, want 0.1", rmse)
	}
	in := 0
	for _, v := range d.Value {
		if v >= 1 && v <= 5 {
			in++
		}
	}
	if lo, hi := d.Range(); in < d.Len()*99/100 {
		t.Errorf("ratings span [%g, %g], %d of %d in [1, 5]", lo, hi, in, d.Len())
	}

	// Noiseless: ratings are the clean scores (up to float32 rounding).
	cfg := LowRankConfig{Users: 50, Items: 30, Rank: 3, Rows: 1001, Noise: -1, Seed: 5, Min: 0, Max: 1}
	d, tr = GenerateLowRank(cfg)
	if d.Len() != 1001 || tr.Mu != 0.5 {
		t.Fatalf("got %s, mu %g", d, tr.Mu)
	}
	for k, v := range d.Value {
		if e := float64(v) - tr.Clean(d.User[k], d.Item[k]); math.Abs(e) > 1e-6 {
			t.Fatalf("row %d: rating %v, clean %v", k, v, tr.Clean(d.User[k], d.Item[k]))
		}
	}
	d2, _ := GenerateLowRank(cfg)
	if !bytes.Equal(csvBytes(t, d), csvBytes(t, d2)) {
		t.Error("GenerateLowRank is not deterministic")
	}
	cfg.Seed = 6
	if d3, _ := GenerateLowRank(cfg); bytes.Equal(csvBytes(t, d), csvBytes(t, d3)) {
		t.Error("another seed gave the same rows")
	}
}

type failWriter struct{ n int }

func (w *failWriter) Write(p []byte) (int, error) {
	if w.n -= len(p); w.n < 0 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

func TestWriteCSV(t *testing.T) {
	d := &Dataset{Users: NewIDMap([]string{"7", "x"}), Items: NewIDMap([]string{"C1", "C2"})}
	d.Append(0, 1, 3)
	d.Append(1, 0, 4.5)
	d.Append(1, 1, 0.1)
	want := "user,item,rating\n7,C2,3\nx,C1,4.5\nx,C2,0.1\n"
	if got := string(csvBytes(t, d)); got != want {
		t.Errorf("WriteCSV wrote %q, want %q", got, want)
	}
	big := builtinOnce()
	if err := WriteCSV(&failWriter{n: 100000}, big); err == nil || err.Error() != "disk full" {
		t.Errorf("WriteCSV to a failing writer: %v", err)
	}
}

func BenchmarkBuiltin(b *testing.B) {
	for b.Loop() {
		Builtin()
	}
}

func TestSelectNth(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		a := make([]float64, 1+rng.IntN(40))
		for i := range a {
			a[i] = float64(rng.IntN(8)) // many ties
		}
		s := slices.Clone(a)
		slices.Sort(s)
		k := rng.IntN(len(a))
		if got := selectNth(a, k); got != s[k] {
			t.Fatalf("selectNth(%v, %d) = %g, want %g", a, k, got, s[k])
		}
		for i := range a {
			if (i < k && a[i] > a[k]) || (i > k && a[i] < a[k]) {
				t.Fatalf("selectNth left %v out of order around %d", a, k)
			}
		}
	}
}
