package main

import (
	"errors"
	"fmt"

	"github.com/recnet/recnet/train"
)

// divergedHint adds to a *train.DivergedError the flag to change; other
// errors pass unchanged. A diverged run is a failure while running (exit 1).
func divergedHint(err error, lr float64) error {
	var de *train.DivergedError
	if errors.As(err, &de) {
		return fmt.Errorf("%w (--lr %g); nothing was saved", err, lr)
	}
	return err
}
