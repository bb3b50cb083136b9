package train_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
	"github.com/recnet/recnet/selection"
	"github.com/recnet/recnet/train"
)

// Popularity is a toy kind declared outside recnet's packages: every user
// gets the item's damped mean rating, (Σ r + d·μ) / (n + d): its n
// ratings r and d pseudo-ratings at the global mean μ, d being the "l2"
// setting.
type Popularity struct {
	ItemMean []float32 // on the training scale
}

// Kind, Score, Params and Layers make Popularity a model.Net.
func (p *Popularity) Kind() string             { return "popularity" }
func (p *Popularity) Score(_, i int32) float32 { return p.ItemMean[i] }
func (p *Popularity) Params() []model.Param {
	return []model.Param{{Name: "item_mean", Rows: len(p.ItemMean), Cols: 1, Data: p.ItemMean}}
}
func (p *Popularity) SummaryRows() []model.SummaryRow {
	return []model.SummaryRow{{Name: "item_mean", Type: "Embedding", Output: "(None, 1)", Params: len(p.ItemMean)}}
}
func (p *Popularity) TrainableParams() (n int)           { return 0 }
func init()                                              { registerPopularity() }
func describePopularity(c model.Config) string           { return fmt.Sprintf("damping %g pseudo-ratings", c.L2) }
func countPopularity(_ model.Config, _, items int) int64 { return int64(items) }

// registerPopularity declares the kind to model (its settings, search
// space and file form) and its fitter to train.
func registerPopularity() {
	model.Register(model.Kind{
		Name:     "popularity",
		Doc:      "the item's damped mean rating, the same for every user",
		Defaults: model.Config{Settings: model.Settings{L2: 5}},
		Reads:    []string{"l2", "no_scale", "task"},
		Fixed:    map[string]string{"task": model.TaskRating},
		Why:      "popularity is fitted in closed form from the item means",
		Space:    []model.Range{{Name: "l2", Lo: 0.1, Hi: 100, Log: true, Grid: []string{"1", "10", "100"}}},
		Build: func(_ model.Config, params []model.Param) (model.Net, error) {
			if len(params) != 1 || params[0].Cols != 1 {
				return nil, fmt.Errorf("popularity: want one item_mean table")
			}
			return &Popularity{ItemMean: params[0].Data}, nil
		},
		Count:    countPopularity,
		Describe: describePopularity,
	})
	train.Register("popularity", train.Fitter{Fit: fitPopularity})
}

// fitPopularity sets m.Net to the damped item means of s.Train.
func fitPopularity(_ context.Context, s *dataset.Split, m *model.Model, _ *train.Options) error {
	t := m.ScaleRatings(s.Train)
	mu := model.FitMean(t).Mu
	sum, n := make([]float64, s.Items.Len()), make([]float64, s.Items.Len())
	for r, i := range s.Train.Item {
		sum[i] += float64(t[r])
		n[i]++
	}
	p := &Popularity{ItemMean: make([]float32, len(sum))}
	for i := range sum {
		p.ItemMean[i] = float32((sum[i] + m.Config.L2*float64(mu)) / (n[i] + m.Config.L2))
	}
	m.Net = p
	return nil
}

// Example_kind registers a kind from outside recnet (see Popularity) and
// trains, saves, loads, summarizes, tunes and recommends with it, with no
// edit to recnet.
func Example_kind() {
	d, _ := dataset.GenerateLowRank(dataset.LowRankConfig{Users: 60, Items: 20, Rank: 2, Rows: 900, Noise: 0.3, Seed: 2})
	s, err := dataset.SplitRandom(d, dataset.Fractions{}, 42)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	m, err := train.Fit(ctx, s, model.Config{Kind: "popularity"})
	if err != nil {
		log.Fatal(err)
	}
	path := filepath.Join(os.TempDir(), "popularity-example.recnet")
	defer os.Remove(path)
	if err := m.Save(path); err != nil {
		log.Fatal(err)
	}
	m, err = model.Load(path)
	if err != nil {
		log.Fatal(err)
	}
	if err := m.Summary(os.Stdout); err != nil {
		log.Fatal(err)
	}
	space, err := selection.DefaultSpace("popularity")
	if err != nil {
		log.Fatal(err)
	}
	res, err := selection.Tune(ctx, s, space, selection.WithGrid(), selection.WithWorkers(1))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("tuned: %s, validation RMSE %.4f\n", space.Describe(res.Best.Config), res.Best.Score)
	recs, err := res.Model.Recommend(m.Users.Raw(0), 3, model.RecommendOptions{})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range recs {
		fmt.Printf("%s %.3f\n", r.Item, r.Score)
	}
	// Output:
	// Model: "popularity"
	// _________________________________________________
	//  Layer (type)             Output Shape    Param #
	// =================================================
	//  item_mean (Embedding)    (None, 1)            20
	// =================================================
	// Total params: 20 (80.00 B)
	// Trainable params: 0 (0.00 B)
	// Non-trainable params: 20 (80.00 B)
	// Optimizer params: 0 (0.00 B)
	// _________________________________________________
	// Config: damping 5 pseudo-ratings
	// Data: 60 users, 20 items, ratings 0.6981430649757385..5.426143169403076 (trained on [0,1])
	// History: 0 epochs, best epoch none
	// Seen items: 810 ratings kept (4.40 KB), left out of recommendations, ratings approximate to 256 levels
	// tuned: l2=1, validation RMSE 0.6321
	// i20 3.257
	// i15 3.070
	// i19 3.037
}
