package train_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"math/rand/v2"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/eval"
	"github.com/recnet/recnet/model"
	"github.com/recnet/recnet/train"
)

// genreSplit makes data with a known answer for item features: 60 items
// of genre A (0-29) and B (30-59); the 40 users of group 1 take only A
// items, the 80 of group 2 only B items, so B is the more popular genre,
// the opposite of group 1's taste. A fifth of the items is held out.
func genreSplit(t testing.TB) (*dataset.Split, []int32, *dataset.Features) {
	t.Helper()
	rng := rand.New(rand.NewPCG(3, 4))
	d := &dataset.Dataset{Name: "genres", Users: dataset.NewIDMap(nil), Items: dataset.NewIDMap(nil)}
	cat := &dataset.Catalog{Genres: []string{"A", "B"}}
	for i := range 60 {
		d.Items.Add("i" + strconv.Itoa(i))
		cat.Courses = append(cat.Courses, dataset.Course{ID: "i" + strconv.Itoa(i), Genres: []string{[]string{"A", "B"}[i/30]}})
	}
	for u := range 120 {
		uid := d.Users.Add("u" + strconv.Itoa(u))
		lo := 0
		if u >= 40 {
			lo = 30
		}
		for _, j := range rng.Perm(30)[:8] {
			d.Ratings.Append(uid, int32(lo+j), 1)
		}
	}
	s, held, err := dataset.SplitItems(d, 0.2, 42)
	if err != nil {
		t.Fatal(err)
	}
	f, n, err := cat.ItemFeatures(s.Items)
	if err != nil || n != (dataset.FeatureCounts{}) {
		t.Fatal(err, n)
	}
	return s, held, f
}

// TestItemFeaturesKnownAnswer trains dot with item features on genreSplit
// for both tasks: ranking the held-out items, which it never saw taken,
// it must put its group's genre first for every user, beating a random
// order and most-popular-within-genre (which puts B first for everyone).
func TestItemFeaturesKnownAnswer(t *testing.T) {
	s, held, f := genreSplit(t)
	for _, task := range []string{model.TaskImplicit, model.TaskRating} {
		t.Run(task, func(t *testing.T) {
			cfg := model.Config{Training: model.Training{Task: task, LR: 0.01, Epochs: 30, Patience: 5}, Settings: model.Settings{Dim: 8}}
			ss := *s
			if task == model.TaskRating {
				// Ratings: 5 for a user's own genre, 1 for the other's,
				// so that there is something to regress.
				ss = withOtherGenre(s, f)
			}
			m, err := train.Fit(context.Background(), &ss, cfg, train.WithItemFeatures(f))
			if err != nil {
				t.Fatal(err)
			}
			for _, i := range held {
				if !m.Features.IsNew(i) {
					t.Fatalf("held-out item %d is not new", i)
				}
			}
			c := eval.CompareHeldOutItems(m.Net, ss.Train, s.Test, held, f, 10, 1)
			t.Logf("NDCG@10 model %.3f random %.3f genre-popular %.3f", c.Model.NDCG, c.Random.NDCG, c.GenrePopular.NDCG)
			if !(c.Model.NDCG > c.Random.NDCG && c.Model.NDCG > c.GenrePopular.NDCG && c.Model.HitRate > 0.99) {
				t.Errorf("model HR@10 %.3f NDCG@10 %.3f, random %.3f, genre-popular %.3f", c.Model.HitRate, c.Model.NDCG, c.Random.NDCG, c.GenrePopular.NDCG)
			}
			// Every user ranks every held-out item of its genre above every
			// other held-out item.
			for u := range int32(120) {
				genre := int32(0)
				if u >= 40 {
					genre = 1
				}
				worst, best := float32(1e30), float32(-1e30)
				for _, i := range held {
					if sc := m.Net.Score(u, i); f.Of(i)[0] == genre {
						worst = min(worst, sc)
					} else {
						best = max(best, sc)
					}
				}
				if worst <= best {
					t.Fatalf("user %d: an item of another genre scores %v, one of its own %v", u, best, worst)
				}
			}
		})
	}
}

// withOtherGenre returns s with every training and validation rating 5
// and, for each user, ratings of 1 for four items of the other genre.
func withOtherGenre(s *dataset.Split, f *dataset.Features) dataset.Split {
	ss := *s
	ss.Train, ss.Valid = dataset.Ratings{}, dataset.Ratings{}
	held := map[int32]bool{}
	for _, i := range s.Test.Item {
		held[i] = true
	}
	for _, part := range []struct{ from, to *dataset.Ratings }{{&s.Train, &ss.Train}, {&s.Valid, &ss.Valid}} {
		for r, u := range part.from.User {
			part.to.Append(u, part.from.Item[r], 5)
		}
	}
	for u := range int32(120) {
		other := int32(30)
		if u >= 40 {
			other = 0
		}
		n := 0
		for i := other; n < 4; i++ {
			if !held[i] {
				ss.Train.Append(u, i, 1)
				n++
			}
		}
	}
	ss.Min, ss.Max = 1, 5
	return ss
}

// mlsRatings returns the path of ml-latest-small's ratings.csv: the
// RECNET_MLS variable, or shared/data/ml-latest-small/ratings.csv in a
// parent directory; it skips the test when there is none.
func mlsRatings(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("RECNET_MLS"); p != "" {
		return p
	}
	dir, _ := os.Getwd()
	for ; dir != filepath.Dir(dir); dir = filepath.Dir(dir) {
		p := filepath.Join(dir, "shared", "data", "ml-latest-small", "ratings.csv")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Skip("ml-latest-small is absent: set RECNET_MLS to its ratings.csv (movies.csv beside it) to run this test")
	return ""
}

// TestItemFeaturesRealData trains dot with MovieLens genres on
// ml-latest-small with a tenth of the movies held out: on the held-out
// movies its NDCG@10 must beat a random order and most-popular-within-genre.
func TestItemFeaturesRealData(t *testing.T) {
	if testing.Short() {
		t.Skip("short: skips the real-data test")
	}
	ratings := mlsRatings(t)
	ctx := context.Background()
	d, err := dataset.Load(ctx, ratings, dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cat, err := dataset.LoadCatalog(ctx, filepath.Join(filepath.Dir(ratings), "movies.csv"))
	if err != nil {
		t.Fatal(err)
	}
	s, held, err := dataset.SplitItems(d, 0, 42)
	if err != nil {
		t.Fatal(err)
	}
	f, _, err := cat.ItemFeatures(s.Items)
	if err != nil {
		t.Fatal(err)
	}
	cfg := model.Config{Training: model.Training{Task: model.TaskImplicit, Epochs: 5}}
	m, err := train.Fit(ctx, s, cfg, train.WithItemFeatures(f))
	if err != nil {
		t.Fatal(err)
	}
	c := eval.CompareHeldOutItems(m.Net, s.Train, s.Test, held, f, 10, 42)
	t.Logf("%d held-out items, %d users: NDCG@10 model %.4f random %.4f genre-popular %.4f", c.Items, c.Model.Users, c.Model.NDCG, c.Random.NDCG, c.GenrePopular.NDCG)
	if !(c.Model.NDCG > c.Random.NDCG && c.Model.NDCG > c.GenrePopular.NDCG) {
		t.Errorf("model NDCG@10 %.4f does not beat random %.4f and most-popular-within-genre %.4f", c.Model.NDCG, c.Random.NDCG, c.GenrePopular.NDCG)
	}
}
