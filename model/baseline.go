package model

import (
	"fmt"
	"github.com/recnet/recnet/dataset"
)

// Mean predicts the global mean of the training ratings for every pair.
type Mean struct{ Mu float32 }

// Bias predicts mu + bu[u] + bi[i] (Surprise's BaselineOnly).
type Bias struct {
	Mu       float32
	UserBias []float32
	ItemBias []float32
}

// The baseline kinds' names, and the table of their global mean.
const (
	meanKind  = "mean"
	biasKind  = "bias"
	meanTable = "mean"
)

func init() {
	baseline := Kind{
		Reads: []string{"no_scale", "task"},
		Fixed: map[string]string{"task": TaskRating},
		Count: func(_ Config, users, items int) int64 { return int64(users) + int64(items) + 1 },
	}
	mean, bias := baseline, baseline
	mean.Name, mean.Doc, mean.Build = meanKind, "baseline: the global mean", buildMean
	mean.Why = "mean is fitted in closed form (no training settings; rating task: it ranks every item alike)"
	mean.Count = func(Config, int, int) int64 { return 1 }
	mean.Describe = func(Config) string { return "the mean of the training ratings, fitted in closed form" }
	bias.Describe = func(Config) string {
		d := BiasConfig{}.withDefaults()
		return fmt.Sprintf("user and item biases about the mean by %d sweeps of alternating least squares (reg %g a user, %g an item)", d.Sweeps, d.RegUser, d.RegItem)
	}
	bias.Name, bias.Doc, bias.Build = biasKind, "baseline: mean and user and item biases", buildBias
	bias.Why = "bias is fitted by a fixed number of least-squares sweeps (no training settings; rating task)"
	Register(mean)
	Register(bias)
}

// buildMean rebuilds a mean from its table.
func buildMean(_ Config, params []Param) (Net, error) {
	mu, err := findParam(params, meanTable, 1, 1)
	if err != nil {
		return nil, err
	}
	return &Mean{Mu: mu[0]}, nil
}

// buildBias rebuilds a bias net from its tables.
func buildBias(_ Config, params []Param) (Net, error) {
	mu, err := findParam(params, meanTable, 1, 1)
	if err != nil {
		return nil, err
	}
	b := &Bias{Mu: mu[0]}
	if b.UserBias, err = findParam(params, "user_bias", -1, 1); err != nil {
		return nil, err
	}
	if b.ItemBias, err = findParam(params, "item_bias", -1, 1); err != nil {
		return nil, err
	}
	return b, nil
}

// FitMean returns the mean of the targets.
func FitMean(targets []float32) *Mean {
	var s float64
	for _, t := range targets {
		s += float64(t)
	}
	return &Mean{Mu: float32(s / float64(max(len(targets), 1)))}
}

// BiasConfig sets the alternating least squares fit of Bias. The zero value
// means Surprise's defaults: RegUser 15, RegItem 10, 10 sweeps.
type BiasConfig struct {
	RegUser, RegItem float64
	Sweeps           int
}

// withDefaults returns c with its zero fields set to Surprise's defaults.
func (c BiasConfig) withDefaults() BiasConfig {
	if c.RegUser == 0 {
		c.RegUser = 15
	}
	if c.RegItem == 0 {
		c.RegItem = 10
	}
	if c.Sweeps == 0 {
		c.Sweeps = 10
	}
	return c
}

// FitBias fits user and item biases to targets (one per row of r, on the
// training scale) by alternating least squares:
//
//	bi = Σ(r - mu - bu) / (RegItem + n_i),  bu = Σ(r - mu - bi) / (RegUser + n_u)
//
// users and items are the sizes of the id maps; ids never rated get bias 0.
func FitBias(r dataset.Ratings, targets []float32, users, items int, c BiasConfig) *Bias {
	c = c.withDefaults()
	mu := FitMean(targets).Mu
	bu, bi := make([]float64, users), make([]float64, items)
	nu, ni := make([]float64, users), make([]float64, items)
	for k := range targets {
		nu[r.User[k]]++
		ni[r.Item[k]]++
	}
	sum := make([]float64, max(users, items))
	for range c.Sweeps {
		clear(sum)
		for k, t := range targets {
			sum[r.Item[k]] += float64(t-mu) - bu[r.User[k]]
		}
		for i := range bi {
			bi[i] = sum[i] / (c.RegItem + ni[i])
		}
		clear(sum)
		for k, t := range targets {
			sum[r.User[k]] += float64(t-mu) - bi[r.Item[k]]
		}
		for u := range bu {
			bu[u] = sum[u] / (c.RegUser + nu[u])
		}
	}
	b := &Bias{Mu: mu, UserBias: make([]float32, users), ItemBias: make([]float32, items)}
	for u, v := range bu {
		b.UserBias[u] = float32(v)
	}
	for i, v := range bi {
		b.ItemBias[i] = float32(v)
	}
	return b
}

// Kind returns "mean".
func (m *Mean) Kind() string { return meanKind }

// Score returns the mean.
func (m *Mean) Score(_, _ int32) float32 { return m.Mu }

// Params returns the mean as a 1x1 table.
func (m *Mean) Params() []Param { return []Param{{meanTable, 1, 1, []float32{m.Mu}}} }

// SummaryRows describes the mean.
func (m *Mean) SummaryRows() []SummaryRow {
	return []SummaryRow{{meanTable, "Constant", "(None, 1)", 1}}
}

// Kind returns "bias".
func (b *Bias) Kind() string { return biasKind }

// Score returns mu + bu[u] + bi[i].
func (b *Bias) Score(u, i int32) float32 { return b.Mu + b.UserBias[u] + b.ItemBias[i] }

// Params returns the mean and both bias tables.
func (b *Bias) Params() []Param {
	return []Param{
		{meanTable, 1, 1, []float32{b.Mu}},
		{"user_bias", len(b.UserBias), 1, b.UserBias},
		{"item_bias", len(b.ItemBias), 1, b.ItemBias},
	}
}

// SummaryRows describes the biases.
func (b *Bias) SummaryRows() []SummaryRow {
	return []SummaryRow{
		{meanTable, "Constant", "(None, 1)", 1},
		{"user_bias", "Embedding", "(None, 1)", len(b.UserBias)},
		{"item_bias", "Embedding", "(None, 1)", len(b.ItemBias)},
		{"add", "Add", "(None, 1)", 0},
	}
}

// Baselines fits the global-mean and bias baselines on s.Train with the
// rating scale of m, returning models that share m's id maps and scale.
func Baselines(m *Model, s *dataset.Split) (mean, bias *Model) {
	t := m.ScaleRatings(s.Train)
	wrap := func(kind string, n Net) *Model {
		c := m.Config
		c.Kind = kind
		return &Model{Config: c, Net: n, Users: m.Users, Items: m.Items, Min: m.Min, Max: m.Max}
	}
	return wrap(meanKind, FitMean(t)), wrap(biasKind, FitBias(s.Train, t, m.Users.Len(), m.Items.Len(), BiasConfig{}))
}
