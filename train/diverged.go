package train

import (
	"cmp"
	"fmt"

	"github.com/recnet/recnet/model"
)

// DivergedError is returned by Fit when an epoch's training loss, or its
// validation loss, is not a finite number: the weights have blown up,
// usually because the learning rate is too high. No model is returned.
type DivergedError struct {
	Epoch   int     // 1-based epoch whose loss was not finite
	Loss    float64 // its mean training loss
	ValLoss float64 // its validation loss (NaN without validation rows)
	// Reason says what a diverged fit is, for a kind without a learning
	// rate; empty means DivergedReason.
	Reason string
}

// DivergedReason says what a diverged fit is: the one sentence of it, in
// the DivergedError text and in the reports of many fits (eval's cross
// validation and search), which add where it happened.
const DivergedReason = "the loss became NaN or infinite: the weights blew up, usually from too high a learning rate, and nothing was learned"

func (e *DivergedError) Error() string {
	return fmt.Sprintf("train: training diverged at epoch %d (loss %g, validation loss %g): %s",
		e.Epoch, e.Loss, e.ValLoss, cmp.Or(e.Reason, DivergedReason))
}

// diverged returns the DivergedError of epoch rec, or nil when its losses
// are finite (the validation loss only when there are validation rows).
func diverged(rec model.Epoch, validated bool) error {
	if model.Finite(rec.Loss) && (!validated || model.Finite(rec.ValLoss)) {
		return nil
	}
	return &DivergedError{Epoch: rec.Epoch, Loss: rec.Loss, ValLoss: rec.ValLoss}
}
