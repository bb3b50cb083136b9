package model

import (
	"encoding/json"
	"math"
)

// Number is a float64 whose JSON form is null when it is NaN or infinite,
// which JSON cannot hold (a run without validation rows has NaN validation
// losses; an empty test set has NaN accuracy). recnet's JSON outputs use it.
type Number float64

// MarshalJSON encodes n as a number, or null.
func (n Number) MarshalJSON() ([]byte, error) {
	if !Finite(float64(n)) {
		return []byte("null"), nil
	}
	return json.Marshal(float64(n))
}

// MarshalJSON encodes e with NaN and infinite numbers as null, and
// without val_ndcg when it was not measured (NaN).
func (e Epoch) MarshalJSON() ([]byte, error) {
	var ndcg *Number
	if !math.IsNaN(e.ValNDCG) {
		n := Number(e.ValNDCG)
		ndcg = &n
	}
	return json.Marshal(struct {
		Epoch   int     `json:"epoch"`
		Loss    Number  `json:"loss"`
		ValLoss Number  `json:"val_loss"`
		ValRMSE Number  `json:"val_rmse"`
		ValNDCG *Number `json:"val_ndcg,omitempty"`
		Seconds Number  `json:"seconds"`
	}{e.Epoch, Number(e.Loss), Number(e.ValLoss), Number(e.ValRMSE), ndcg, Number(e.Seconds)})
}

// MarshalJSON encodes a with NaN and infinite numbers as null.
func (a Accuracy) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		N          int    `json:"n"`
		RMSE       Number `json:"rmse"`
		MAE        Number `json:"mae"`
		MSEScaled  Number `json:"mse_scaled"`
		RMSEScaled Number `json:"rmse_scaled"`
	}{a.N, Number(a.RMSE), Number(a.MAE), Number(a.MSEScaled), Number(a.RMSEScaled)})
}

// MarshalJSON encodes c as {"kind", "training": {...}, "settings": {...}}
// with only the settings c's kind reads (Unused says which): a setting
// that has no effect is neither printed nor saved. A kind not registered
// keeps every setting. The other settings read back as zero, which is
// what Effective gives.
func (c Config) MarshalJSON() ([]byte, error) {
	training, err := c.readFields(c.Training)
	if err != nil {
		return nil, err
	}
	settings, err := c.readFields(c.Settings)
	if err != nil {
		return nil, err
	}
	return json.Marshal(struct {
		Kind     string                     `json:"kind"`
		Training map[string]json.RawMessage `json:"training"`
		Settings map[string]json.RawMessage `json:"settings"`
		Members  []Config                   `json:"members,omitempty"`
	}{c.Kind, training, settings, c.MemberList()})
}

// readFields returns the JSON fields of part (c's Training or Settings)
// that c's kind reads.
func (c Config) readFields(part any) (map[string]json.RawMessage, error) {
	b, err := json.Marshal(part)
	if err != nil {
		return nil, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		return nil, err
	}
	if _, ok := Lookup(c.WithDefaults().Kind); ok {
		for name := range fields {
			if c.Unused(name) != "" {
				delete(fields, name)
			}
		}
	}
	return fields, nil
}

// Effective returns c with every setting its kind does not read (Unused)
// set to zero: the settings as a model file keeps them.
func (c Config) Effective() Config {
	if _, ok := Lookup(c.WithDefaults().Kind); !ok {
		return c
	}
	out := c
	for _, st := range settingTable {
		if c.Unused(st.Name) != "" {
			st.clear(&out)
		}
	}
	return out
}
