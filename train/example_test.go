package train_test

import (
	"context"
	"fmt"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/eval"
	"github.com/recnet/recnet/model"
	"github.com/recnet/recnet/train"
)

// Fit a model on a split with a progress callback, then predict a rating
// and compare the model with the baselines.
func ExampleFit() {
	d, _ := dataset.GenerateLowRank(dataset.LowRankConfig{Seed: 1})
	s, err := dataset.SplitRandom(d, dataset.Fractions{Train: 0.8, Valid: 0.1, Test: 0.1}, 42)
	if err != nil {
		panic(err)
	}
	epochs := 0
	m, err := train.Fit(context.Background(), s,
		model.Config{Training: model.Training{Epochs: 30}, Settings: model.Settings{Dim: 8, L2: 1e-5}},
		train.WithProgress(func(p train.Progress) {
			if p.End != nil {
				epochs++ // p.End holds the epoch's loss, val_loss and val_rmse
			}
		}))
	if err != nil {
		panic(err)
	}
	r, err := m.Predict(d.Users.Raw(0), d.Items.Raw(0))
	fmt.Println(err == nil && r >= m.Min && r <= m.Max)
	fmt.Println(epochs == len(m.History))
	c := eval.Compare(m, s, s.Test)
	fmt.Println("beats the bias baseline:", c.BeatsBias())
	// Output:
	// true
	// true
	// beats the bias baseline: true
}
