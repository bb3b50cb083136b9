package train_test

import (
	"context"
	"fmt"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/eval"
	"github.com/recnet/recnet/model"
	"github.com/recnet/recnet/train"
)

// Train an MLP with two hidden layers and dropout, then look at its layers.
func ExampleFit_mlp() {
	d, _ := dataset.GenerateLowRank(dataset.LowRankConfig{Seed: 1})
	s, err := dataset.SplitRandom(d, dataset.Fractions{}, 42)
	if err != nil {
		panic(err)
	}
	m, err := train.Fit(context.Background(), s,
		model.Config{Kind: "mlp", Settings: model.Settings{Dim: 8, Layers: "32,16:tanh", Dropout: 0.1, L2: 1e-5}})
	if err != nil {
		panic(err)
	}
	for _, l := range m.Net.SummaryRows() {
		fmt.Printf("%-15s %-20s %s\n", l.Name, l.Type, l.Output)
	}
	fmt.Println("beats the bias baseline:", eval.Compare(m, s, s.Test).BeatsBias())
	// Output:
	// user_embedding  Embedding            (None, 8)
	// item_embedding  Embedding            (None, 8)
	// concat          Concatenate          (None, 16)
	// dense_1         Dense (relu)         (None, 32)
	// dense_2         Dense (tanh)         (None, 16)
	// output          Dense (linear)       (None, 1)
	// beats the bias baseline: true
}

// Train for the implicit task: every rating is an interaction, four items
// the user did not rate are drawn as negatives per positive, and the model
// predicts the probability of an interaction. It is tested by ranking.
func ExampleFit_implicit() {
	d, _ := dataset.GenerateLowRank(dataset.LowRankConfig{Seed: 1})
	s, err := dataset.SplitRandom(d, dataset.Fractions{}, 42)
	if err != nil {
		panic(err)
	}
	m, err := train.Fit(context.Background(), s,
		model.Config{Kind: "neumf", Training: model.Training{Task: model.TaskImplicit, Epochs: 5}, Settings: model.Settings{Dim: 8, Layers: "16,8"}})
	if err != nil {
		panic(err)
	}
	p, _ := m.Predict(d.Users.Raw(0), d.Items.Raw(0))
	fmt.Println("a probability:", p >= 0 && p <= 1)
	r := eval.CompareRankingTest(m.Net, s)
	fmt.Println("users ranked:", r.Model.Users > 0)
	// Output:
	// a probability: true
	// users ranked: true
}
