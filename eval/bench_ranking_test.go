package eval_test

import (
	"math/rand/v2"
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/eval"
	"github.com/recnet/recnet/model"
)

// benchRanking returns 10,000 users x 126 items, about 7 training and 2
// test ratings a user (the shape of the course data), and a RecommenderNet
// of dim 32 to score them.
func benchRanking() (net *model.Dot, train, test dataset.Ratings, items int) {
	const users = 10000
	items = 126
	rng := rand.New(rand.NewPCG(1, 1))
	for u := range int32(users) {
		for i := range int32(items) {
			switch r := rng.IntN(126); {
			case r < 7:
				train.Append(u, i, float32(3+rng.IntN(3)))
			case r < 9:
				test.Append(u, i, float32(3+rng.IntN(3)))
			}
		}
	}
	return model.NewDot(users, items, model.Config{Settings: model.Settings{Dim: 32}}), train, test, items
}

// BenchmarkRanking measures Ranking with all goroutines (ns/user is per
// user ranked: 126 scores, a top-10 and five metrics).
func BenchmarkRanking(b *testing.B) {
	net, train, test, items := benchRanking()
	for _, c := range []struct {
		name string
		s    model.Scorer
	}{{"dot32", net}, {"popular", eval.MostPopular(train, items)}} {
		b.Run(c.name, func(b *testing.B) {
			var r eval.RankingResult
			for b.Loop() {
				r = eval.Ranking(c.s, train, test, items, eval.RankingOptions{K: 10, Relevant: 4})
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(r.Users+r.NoRelevant), "ns/user")
		})
	}
}

// BenchmarkTopK measures one user's top-10 among 126 items.
func BenchmarkTopK(b *testing.B) {
	net, _, _, items := benchRanking()
	dst := make([]eval.Scored, 0, 10)
	exclude := []int32{3, 17, 40, 41, 99}
	u := int32(0)
	for b.Loop() {
		dst = eval.TopK(dst, net, u, items, exclude, 10)
		u = (u + 1) % 10000
	}
}

// BenchmarkNCF measures the NCF protocol on the course data shape: 3,000
// users, 126 items.
func BenchmarkNCF(b *testing.B) {
	d, _ := dataset.GenerateCourses(dataset.CourseConfig{Users: 3000, Rows: 21000})
	s, err := dataset.LeaveOneOut(d, 1)
	if err != nil {
		b.Fatal(err)
	}
	net := model.NewDot(s.Users.Len(), s.Items.Len(), model.Config{Settings: model.Settings{Dim: 32}})
	var r eval.NCFResult
	for b.Loop() {
		r = eval.NCF(net, s, eval.NCFOptions{Seed: 1})
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(r.Cases), "ns/user")
}
