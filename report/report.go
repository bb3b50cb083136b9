package report

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/eval"
	"github.com/recnet/recnet/model"
)

// Data is the shape of the data a run used.
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
}

// Baselines holds the baselines' test accuracy.
type Baselines struct {
	GlobalMean model.Accuracy `json:"global_mean"`
	Bias       model.Accuracy `json:"bias"`
}

// Result is one training run, the object `recnet train --json` prints.
// NaN and infinite numbers are encoded as null (see MarshalJSON).
type Result struct {
	Data         Data           `json:"data"`
	Config       model.Config   `json:"config"`
	Epochs       []model.Epoch  `json:"epochs"`
	TrainSeconds float64        `json:"train_seconds"`
	BestEpoch    int            `json:"best_epoch"`
	Test         model.Accuracy `json:"test"`
	Baselines    Baselines      `json:"baselines"`
	BeatsBias    bool           `json:"beats_bias"`
}

// New builds the result of model m trained on s, testing on s.Test.
func New(m *model.Model, s *dataset.Split, rows, duplicates int) Result {
	c := eval.Compare(m, s, s.Test)
	var secs float64
	for _, e := range m.History {
		secs += e.Seconds
	}
	return Result{
		Data: Data{
			Name: s.Name, Rows: rows, Users: s.Users.Len(), Items: s.Items.Len(), Duplicates: duplicates,
			Train: s.Train.Len(), Valid: s.Valid.Len(), Test: s.Test.Len(), Min: s.Min, Max: s.Max,
		},
		Config: m.Config, Epochs: m.History, TrainSeconds: secs, BestEpoch: m.BestEpoch,
		Test: c.Model, Baselines: Baselines{GlobalMean: c.GlobalMean, Bias: c.Bias}, BeatsBias: c.BeatsBias(),
	}
}

// WriteJSON writes r as one indented JSON object.
func (r Result) WriteJSON(w io.Writer) error {
	e := json.NewEncoder(w)
	e.SetIndent("", "  ")
	return e.Encode(r)
}

// MarshalJSON encodes r as encoding/json encodes its fields, except that a
// NaN or infinite number, which JSON cannot hold, is null: a run without
// validation rows has NaN validation losses, and an empty test set NaN
// accuracy.
func (r Result) MarshalJSON() ([]byte, error) {
	var epochs []jsonEpoch
	if r.Epochs != nil {
		epochs = make([]jsonEpoch, len(r.Epochs))
	}
	for k, e := range r.Epochs {
		epochs[k] = jsonEpoch{e.Epoch, eval.Number(e.Loss), eval.Number(e.ValLoss), eval.Number(e.ValRMSE), eval.Number(e.Seconds)}
	}
	d := r.Data
	return json.Marshal(struct {
		Data         jsonData      `json:"data"`
		Config       model.Config  `json:"config"`
		Epochs       []jsonEpoch   `json:"epochs"`
		TrainSeconds eval.Number   `json:"train_seconds"`
		BestEpoch    int           `json:"best_epoch"`
		Test         jsonAccuracy  `json:"test"`
		Baselines    jsonBaselines `json:"baselines"`
		BeatsBias    bool          `json:"beats_bias"`
	}{
		Data:   jsonData{d.Name, d.Rows, d.Users, d.Items, d.Duplicates, d.Train, d.Valid, d.Test, eval.Number(d.Min), eval.Number(d.Max)},
		Config: r.Config, Epochs: epochs, TrainSeconds: eval.Number(r.TrainSeconds), BestEpoch: r.BestEpoch,
		Test:      accuracyJSON(r.Test),
		Baselines: jsonBaselines{accuracyJSON(r.Baselines.GlobalMean), accuracyJSON(r.Baselines.Bias)},
		BeatsBias: r.BeatsBias,
	})
}

// jsonData, jsonEpoch, jsonAccuracy and jsonBaselines are Data,
// model.Epoch, model.Accuracy and Baselines with NaN-safe numbers; their
// fields and keys must match (TestWriteJSONFinite checks they do).
type jsonData struct {
	Name       string      `json:"name"`
	Rows       int         `json:"rows"`
	Users      int         `json:"users"`
	Items      int         `json:"items"`
	Duplicates int         `json:"duplicates"`
	Train      int         `json:"train"`
	Valid      int         `json:"valid"`
	Test       int         `json:"test"`
	Min        eval.Number `json:"min_rating"`
	Max        eval.Number `json:"max_rating"`
}

type jsonEpoch struct {
	Epoch   int         `json:"epoch"`
	Loss    eval.Number `json:"loss"`
	ValLoss eval.Number `json:"val_loss"`
	ValRMSE eval.Number `json:"val_rmse"`
	Seconds eval.Number `json:"seconds"`
}

type jsonAccuracy struct {
	N          int         `json:"n"`
	RMSE       eval.Number `json:"rmse"`
	MAE        eval.Number `json:"mae"`
	MSEScaled  eval.Number `json:"mse_scaled"`
	RMSEScaled eval.Number `json:"rmse_scaled"`
}

type jsonBaselines struct {
	GlobalMean jsonAccuracy `json:"global_mean"`
	Bias       jsonAccuracy `json:"bias"`
}

func accuracyJSON(a model.Accuracy) jsonAccuracy {
	return jsonAccuracy{a.N, eval.Number(a.RMSE), eval.Number(a.MAE), eval.Number(a.MSEScaled), eval.Number(a.RMSEScaled)}
}

// EpochLine formats one epoch as Keras does.
func EpochLine(e model.Epoch, epochs int) string {
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

// WriteTest writes the test results beside the baselines and a verdict.
func (r Result) WriteTest(w io.Writer) error {
	if r.Test.N == 0 {
		_, err := io.WriteString(w, "\nno test rows: the model was trained but not tested (give the split a test fraction or --test)\n")
		return err
	}
	name := "recnet " + r.Config.Model
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
	if r.BeatsBias {
		out += fmt.Sprintf("The model beats the bias baseline: test RMSE %.4f vs %.4f (%.1f%% lower).\n", r.Test.RMSE, b, 100*(b-r.Test.RMSE)/b)
	} else {
		out += fmt.Sprintf("The model does NOT beat the bias baseline: test RMSE %.4f vs %.4f; it learned nothing the biases do not already know.\n", r.Test.RMSE, b)
	}
	_, err := io.WriteString(w, out)
	return err
}
