package report

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"time"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/eval"
	"github.com/recnet/recnet/model"
)

// Data is the shape of the data a run used: the table read and its split.
// It is the "data" object of `recnet train --json` and `recnet eval --json`.
type Data struct {
	Name       string  `json:"name"`
	Rows       int     `json:"rows"`
	Users      int     `json:"users"`
	Items      int     `json:"items"`
	Duplicates int     `json:"duplicates"`
	Train      int     `json:"train"`
	Valid      int     `json:"valid"`
	Test       int     `json:"test"`
	Min        float64 `json:"min_rating"`
	Max        float64 `json:"max_rating"`
	// ItemFeatures says what --item-features gave, for a run with it;
	// Items counts the rated items only, as the text does.
	ItemFeatures *FeaturesUsed `json:"item_features,omitempty"`
	// Split says how the rows were split, where the run split a table
	// (or read given parts).
	Split *SplitUsed `json:"split,omitempty"`
}

// SplitUsed says how a table's rows were split into train, validation
// and test parts: the "split" object of Data.
type SplitUsed struct {
	// Kind is "random" (shuffled by Seed), "time" (a global cut by each
	// row's time), "items" (a share of the items held out, every rating of
	// them a test row) or "files" (the parts were given as files; no
	// shares).
	Kind string `json:"kind"`
	// Seed is the shuffle's seed of a random split.
	Seed uint64 `json:"seed,omitempty"`
	// Shares are the fractions of rows asked for each part.
	Shares *Shares `json:"shares,omitempty"`
	// ValidFrom and TestFrom are, for a split by time, the times the
	// validation and test parts start at (their earliest row's time, UTC,
	// RFC 3339); empty for an empty part.
	ValidFrom string `json:"valid_from,omitempty"`
	TestFrom  string `json:"test_from,omitempty"`
	// HeldItems and ItemShare are, for a split by items, the number of
	// items held out and the share of the items asked for.
	HeldItems int     `json:"held_items,omitempty"`
	ItemShare float64 `json:"item_share,omitempty"`
}

// FeaturesUsed is what an item features file gave a run: the "item_features"
// object of Data.
type FeaturesUsed struct {
	File     string `json:"file"`
	Features int    `json:"features"`
	// Catalog is the number of items the file lists; Added the catalog
	// items no one rated, added to the model; Without the rated items the
	// file does not list, which have no features.
	Catalog int `json:"catalog_items"`
	Added   int `json:"added_items"`
	Without int `json:"rated_without_features"`
	// New is the number of items without a training interaction (added,
	// or rated only in the validation or test part), scored by their
	// features alone; set once a model was trained.
	New *int `json:"new_items,omitempty"`
}

// Shares are the fractions of rows a split asks for each part.
type Shares struct {
	Train float64 `json:"train"`
	Valid float64 `json:"valid"`
	Test  float64 `json:"test"`
}

// NewSplitUsed returns a split of kind kind by the fractions f (zero: the
// default shares), with seed for a random split; for a split by time,
// the start times of s's validation and test parts.
func NewSplitUsed(kind string, f dataset.Fractions, seed uint64, s *dataset.Split) *SplitUsed {
	f = f.OrDefault()
	u := &SplitUsed{Kind: kind, Shares: &Shares{Train: f.Train, Valid: f.Valid, Test: f.Test}}
	if kind == SplitRandom {
		u.Seed = seed
	}
	if kind == SplitTime {
		u.ValidFrom, u.TestFrom = firstTime(s.Valid), firstTime(s.Test)
	}
	return u
}

// The kinds of SplitUsed.
const (
	SplitRandom = "random"
	SplitTime   = "time"
	SplitFiles  = "files"
	SplitItems  = "items"
)

// firstTime returns the earliest time of r's rows (UTC, RFC 3339), or
// "" when r has no rows or no times.
func firstTime(r dataset.Ratings) string {
	if len(r.Time) == 0 {
		return ""
	}
	return time.Unix(slices.Min(r.Time), 0).UTC().Format(time.RFC3339)
}

// NewData returns the shape of split s of a table of rows rows, of which
// duplicates repeated an earlier (user, item) pair.
func NewData(s *dataset.Split, rows, duplicates int) Data {
	return Data{
		Name: s.Name, Rows: rows, Users: s.Users.Len(), Items: s.Items.Len(), Duplicates: duplicates,
		Train: s.Train.Len(), Valid: s.Valid.Len(), Test: s.Test.Len(), Min: s.Min, Max: s.Max,
	}
}

// Baselines holds the baselines' test accuracy.
type Baselines struct {
	GlobalMean model.Accuracy `json:"global_mean"`
	Bias       model.Accuracy `json:"bias"`
}

// Result is one training run, the object `recnet train --json` prints.
// NaN and infinite numbers are encoded as null (model.Epoch and
// model.Accuracy encode them so).
type Result struct {
	Data   Data          `json:"data"`
	Config model.Config  `json:"config"`
	Epochs []model.Epoch `json:"epochs"`
	// TrainSeconds is the epochs' training time, validation excluded; a
	// command sets it to the fit's time for a model fitted in closed form
	// (no epochs).
	TrainSeconds float64 `json:"train_seconds"`
	BestEpoch    int     `json:"best_epoch"`
	// Improved is set for a model trained in epochs: false when no epoch
	// improved on the initial weights (best epoch 0), so that the model is
	// the untrained one. Absent for a model fitted in closed form.
	Improved *bool `json:"improved,omitempty"`
	// Initial is the validation of the initial weights (epoch 0) when
	// early stopping scored them: the score an epoch had to beat.
	Initial   *model.Epoch   `json:"initial,omitempty"`
	Test      model.Accuracy `json:"test"`
	Baselines Baselines      `json:"baselines"`
	BeatsBias bool           `json:"beats_bias"`
	// Ranking is set instead of Test and Baselines for a model of the
	// implicit task, which predicts interactions, not ratings.
	Ranking *Ranking `json:"ranking,omitempty"`
	// SeenKept says, when the model was saved, whether its file keeps each
	// user's rated items (train --seen), which recommend leaves out.
	SeenKept *bool `json:"seen_kept,omitempty"`
}

// New builds the result of model m trained on s, testing on s.Test.
func New(m *model.Model, s *dataset.Split, rows, duplicates int) Result {
	var secs float64
	for _, e := range m.History {
		secs += e.Seconds
	}
	var c eval.Comparison
	var rk *Ranking
	if m.Config.Implicit() {
		rk = newRanking(m, s)
	} else {
		c = eval.Compare(m, s, s.Test)
	}
	return Result{
		Data: NewData(s, rows, duplicates), Ranking: rk,
		Config: m.Config, Epochs: m.History, TrainSeconds: secs, BestEpoch: m.BestEpoch,
		Test: c.Model, Baselines: Baselines{GlobalMean: c.GlobalMean, Bias: c.Bias}, BeatsBias: c.BeatsBias(),
		Improved: improved(m), Initial: m.Initial,
	}
}

// improved returns whether a model trained in epochs kept the weights of a
// later epoch than its initial ones; nil for a model with no epochs.
func improved(m *model.Model) *bool {
	if len(m.History) == 0 {
		return nil
	}
	b := !NeverImproved(m)
	return &b
}

// NeverImproved reports whether m was trained in epochs none of which beat
// its initial weights on the validation part (best epoch 0): m holds the
// untrained weights. The text report says so (WriteTest) and the JSON has
// "improved": false.
func NeverImproved(m *model.Model) bool { return len(m.History) > 0 && m.BestEpoch == 0 }

// neverImproved is the sentence WriteTest starts with when no epoch
// improved on the initial weights.
func (r Result) neverImproved() string {
	if r.Improved == nil || *r.Improved {
		return ""
	}
	return fmt.Sprintf("\nThe model never improved on its initial weights: no epoch of %d was better than the start (best epoch 0), so it is the untrained model.\n", len(r.Epochs))
}

// MarshalJSON encodes r; for a model of the implicit task, whose test is
// its ranking, without the rating test ("test", "baselines",
// "beats_bias"), which does not apply to it.
func (r Result) MarshalJSON() ([]byte, error) {
	type plain Result // without this method
	if r.Ranking == nil {
		return json.Marshal(plain(r))
	}
	// Fields of the outer struct hide the embedded ones of the same JSON
	// name, and are left out when nil.
	return json.Marshal(struct {
		plain
		Test      *struct{} `json:"test,omitempty"`
		Baselines *struct{} `json:"baselines,omitempty"`
		BeatsBias *struct{} `json:"beats_bias,omitempty"`
	}{plain: plain(r)})
}

// WriteJSON writes r as one indented JSON object.
func (r Result) WriteJSON(w io.Writer) error {
	e := json.NewEncoder(w)
	e.SetIndent("", "  ")
	return e.Encode(r)
}

// EpochLine formats one epoch as Keras does; without a validation loss
// (no validation part, or a kind that validates nothing) it has no val_
// columns.
func EpochLine(e model.Epoch, epochs int) string {
	if math.IsNaN(e.ValLoss) {
		return fmt.Sprintf("Epoch %d/%d - %.3fs - loss: %.4f", e.Epoch, epochs, e.Seconds, e.Loss)
	}
	if math.IsNaN(e.ValRMSE) {
		// The implicit task: the loss is cross-entropy and there is no RMSE.
		s := fmt.Sprintf("Epoch %d/%d - %.3fs - loss: %.4f - val_loss: %.4f",
			e.Epoch, epochs, e.Seconds, e.Loss, e.ValLoss)
		if !math.IsNaN(e.ValNDCG) {
			s += fmt.Sprintf(" - val_ndcg@10: %.4f", e.ValNDCG)
		}
		return s
	}
	return fmt.Sprintf("Epoch %d/%d - %.3fs - loss: %.4f - val_loss: %.4f - val_rmse: %.4f",
		e.Epoch, epochs, e.Seconds, e.Loss, e.ValLoss, e.ValRMSE)
}

// WriteData writes the data shape line.
func (r Result) WriteData(w io.Writer) error {
	d := r.Data
	_, err := fmt.Fprintf(w, "data %s: %d rows, %d users, %d items, ratings %g..%g (%d duplicate rows replaced)\nsplit: %d train, %d validation, %d test\n",
		d.Name, d.Rows, d.Users, d.Items, d.Min, d.Max, d.Duplicates, d.Train, d.Valid, d.Test)
	return err
}

// WriteTest writes the test results beside the baselines and a verdict,
// after a sentence saying so when the model never improved on its initial
// weights.
func (r Result) WriteTest(w io.Writer) error {
	if _, err := io.WriteString(w, r.neverImproved()); err != nil {
		return err
	}
	if r.Ranking != nil {
		return r.writeRanking(w)
	}
	if r.Test.N == 0 {
		_, err := io.WriteString(w, "\nno test rows: the model was trained but not tested (give the split a test fraction or --test)\n")
		return err
	}
	name := "recnet " + r.Config.Kind
	row := func(label string, a model.Accuracy) string {
		return fmt.Sprintf("%-22s %10.4f %11.4f %10.4f %10.4f\n", label, a.MSEScaled, a.RMSEScaled, a.RMSE, a.MAE)
	}
	scale := "scaled"
	if r.Config.NoScale {
		scale = "raw"
	}
	out := fmt.Sprintf("\ntest (%d rows)        MSE %-6s RMSE %-6s       RMSE        MAE\n", r.Test.N, scale, scale) +
		row(name, r.Test) + row("global mean baseline", r.Baselines.GlobalMean) + row("user+item bias", r.Baselines.Bias)
	b := r.Baselines.Bias.RMSE
	switch pct := 100 * (b - r.Test.RMSE) / b; {
	case r.BeatsBias && pct < 0.05:
		// "0.0% lower" would say it does not.
		out += fmt.Sprintf("The model barely beats the bias baseline: test RMSE %.4f vs %.4f (%.2g%% lower); it learned almost nothing the biases do not already know.\n", r.Test.RMSE, b, pct)
	case r.BeatsBias:
		out += fmt.Sprintf("The model beats the bias baseline: test RMSE %.4f vs %.4f (%.1f%% lower).\n", r.Test.RMSE, b, pct)
	default:
		out += fmt.Sprintf("The model does NOT beat the bias baseline: test RMSE %.4f vs %.4f; it learned nothing the biases do not already know.\n", r.Test.RMSE, b)
	}
	_, err := io.WriteString(w, out)
	return err
}
