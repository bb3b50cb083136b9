package dataset

import (
	"bytes"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// testShape is a small table of the ml25m shape: 154 ratings per user,
// as the real one, and a density like ml100k's.
var testShape = ShapeML25M.Scaled(60_000)

func sameDataset(t *testing.T, got, want *Dataset) {
	t.Helper()
	if !slices.Equal(got.Users.IDs(), want.Users.IDs()) {
		t.Fatalf("user ids differ: %d vs %d", got.Users.Len(), want.Users.Len())
	}
	if !slices.Equal(got.Items.IDs(), want.Items.IDs()) {
		t.Fatalf("item ids differ: %d vs %d", got.Items.Len(), want.Items.Len())
	}
	if !slices.Equal(got.User, want.User) || !slices.Equal(got.Item, want.Item) || !slices.Equal(got.Value, want.Value) {
		t.Fatalf("rows differ: %v vs %v", got, want)
	}
	if got.Duplicates != want.Duplicates {
		t.Fatalf("duplicates %d vs %d", got.Duplicates, want.Duplicates)
	}
}

func TestGenerateShapeEqualsCSV(t *testing.T) {
	d := GenerateShape(testShape, 7)
	var buf bytes.Buffer
	if err := WriteShapeCSV(&buf, testShape, 7); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), "userId,movieId,rating,timestamp\n1,") {
		t.Fatalf("header: %.60q", buf.String())
	}
	got, err := Read(&buf, "shape.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	got.Name = d.Name
	sameDataset(t, got, d)
}

func TestGenerateShapeDeterministic(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	one := GenerateShape(testShape, 3)
	var a, b bytes.Buffer
	if err := WriteShapeCSV(&a, testShape, 3); err != nil {
		t.Fatal(err)
	}
	runtime.GOMAXPROCS(4)
	sameDataset(t, GenerateShape(testShape, 3), one)
	if err := WriteShapeCSV(&b, testShape, 3); err != nil || !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Errorf("WriteShapeCSV depends on GOMAXPROCS (%v)", err)
	}
	other := GenerateShape(testShape, 4)
	if slices.Equal(other.Value, one.Value) {
		t.Error("seeds 3 and 4 gave the same ratings")
	}
}

func num(s string) int {
	x, err := strconv.Atoi(s)
	if err != nil {
		panic(err)
	}
	return x
}

func TestGenerateShapeShape(t *testing.T) {
	s := testShape.withDefaults()
	d := GenerateShape(testShape, 1)
	if d.Len() != s.Rows || d.Users.Len() != s.Users || d.Items.Len() != s.Items || d.Duplicates != 0 {
		t.Fatalf("got %v, %d duplicates; want %d rows, %d users, %d items", d, d.Duplicates, s.Rows, s.Users, s.Items)
	}
	if d.Name != "ml25m/60000" {
		t.Errorf("name %q", d.Name)
	}
	perUser := make([]int, d.Users.Len())
	perItem := make([]int, d.Items.Len())
	var stars [11]int
	for k, v := range d.Value {
		perUser[d.User[k]]++
		perItem[d.Item[k]]++
		if v < 0.5 || v > 5 || v*2 != float32(math.Round(float64(v*2))) {
			t.Fatalf("row %d: rating %v", k, v)
		}
		stars[int(v*2)]++
		if k > 0 && d.User[k] == d.User[k-1] && num(d.Items.Raw(d.Item[k])) <= num(d.Items.Raw(d.Item[k-1])) {
			t.Fatalf("row %d: items of a user not increasing", k)
		}
		if k > 0 && d.User[k] != d.User[k-1] && d.User[k] != d.User[k-1]+1 {
			t.Fatalf("row %d: users not grouped in order", k)
		}
	}
	slices.Sort(perUser)
	slices.Sort(perItem)
	if perUser[0] < 20 {
		t.Errorf("a user has %d ratings, want at least 20", perUser[0])
	}
	median := func(c []int) int { return c[len(c)/2] }
	if mu, mx := median(perUser), perUser[len(perUser)-1]; mx < 10*mu {
		t.Errorf("user activity not long-tailed: median %d, max %d", mu, mx)
	}
	if mi, mx := median(perItem), perItem[len(perItem)-1]; mi < 1 || mx < 10*mi {
		t.Errorf("item popularity not long-tailed: median %d, max %d", mi, mx)
	}
	if top := perItem[len(perItem)-1]; top > s.Users*8/10 {
		t.Errorf("top item rated by %d of %d users", top, s.Users)
	}
	if stars[1] == 0 || stars[7] == 0 || stars[8] < stars[7] || stars[10] == 0 {
		t.Errorf("ratings by half star 0.5..5: %v", stars[1:])
	}
	if m := d.Mean(); m < 3.2 || m > 3.8 {
		t.Errorf("mean rating %.3f, want about 3.5", m)
	}
}

// TestGenerateShapeLowRank checks that the ratings carry the interaction
// term: with it the residuals are clearly smaller than with biases only.
func TestGenerateShapeLowRank(t *testing.T) {
	d := GenerateShape(testShape, 5)
	g := newShapeGen(testShape, 5)
	raw := make(map[string]int32, g.s.Items)
	for i, x := range g.itemRaw {
		raw[strconv.Itoa(int(x))] = int32(i)
	}
	K := g.s.Rank
	var biasOnly, full float64
	for k, v := range d.Value {
		u, i := d.User[k], raw[d.Items.Raw(d.Item[k])]
		b := shapeMean + float64(g.bu[u]) + float64(g.bi[i])
		var dot float64
		for f := range K {
			dot += float64(g.p[int(u)*K+f] * g.q[int(i)*K+f])
		}
		biasOnly += math.Pow(float64(v)-b, 2)
		full += math.Pow(float64(v)-b-dot, 2)
	}
	n := float64(d.Len())
	if math.Sqrt(full/n) > 0.9*math.Sqrt(biasOnly/n) {
		t.Errorf("RMSE with the interaction %.3f, biases only %.3f", math.Sqrt(full/n), math.Sqrt(biasOnly/n))
	}
}

func TestShapeByName(t *testing.T) {
	for _, tc := range []struct {
		name  string
		rows  int
		users int
	}{{"ml100k", 100_000, 943}, {" ML1M ", 1_000_209, 6040}, {"ml25m", 25_000_095, 162_541}} {
		s, err := ShapeByName(tc.name)
		if err != nil || s.Rows != tc.rows || s.Users != tc.users {
			t.Errorf("ShapeByName(%q) = %+v, %v", tc.name, s, err)
		}
	}
	if _, err := ShapeByName("ml10m"); err == nil || !strings.HasPrefix(err.Error(), "dataset: ") {
		t.Errorf("ShapeByName(ml10m): %v", err)
	}
}

func TestShapeScaledAndClamped(t *testing.T) {
	s := ShapeML25M.Scaled(2_000_000)
	if s.Rows != 2_000_000 || s.Users != 13003 || s.Items != 16701 {
		t.Errorf("Scaled: %+v", s)
	}
	// More rows than pairs: every user rates every item.
	d := GenerateShape(Shape{Users: 7, Items: 5, Rows: 100}, 1)
	if d.Len() != 35 || d.Users.Len() != 7 || d.Items.Len() != 5 || d.Duplicates != 0 {
		t.Errorf("dense shape: %v", d)
	}
	// Fewer rows than items: every user has a rating.
	d = GenerateShape(Shape{Users: 10, Items: 1000, Rows: 25}, 1)
	if d.Len() != 25 || d.Users.Len() != 10 {
		t.Errorf("sparse shape: %v", d)
	}
}

func TestWriteShapeCSVError(t *testing.T) {
	// Fail at the header, in the first block and in a later one.
	for _, n := range []int{10, 100, 5 << 20} {
		if err := WriteShapeCSV(&failWriter{n: n}, ShapeML25M.Scaled(500_000), 1); err == nil || err.Error() != "disk full" {
			t.Errorf("after %d bytes: %v, want the write error", n, err)
		}
	}
}
