package model

import (
	"encoding/json"
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

// MarshalJSON encodes e with NaN and infinite numbers as null.
func (e Epoch) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Epoch   int    `json:"epoch"`
		Loss    Number `json:"loss"`
		ValLoss Number `json:"val_loss"`
		ValRMSE Number `json:"val_rmse"`
		Seconds Number `json:"seconds"`
	}{e.Epoch, Number(e.Loss), Number(e.ValLoss), Number(e.ValRMSE), Number(e.Seconds)})
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
