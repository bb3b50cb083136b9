package model

import "fmt"

// checkBlocked refuses settings the blocked schedule cannot honour: an
// optimizer other than row-wise AdaGrad and SGD, an output activation, the
// implicit task and svdpp; and, on the shuffled schedule, more than one
// thread for mf.
func checkBlocked(c Config) error {
	if !c.Blocked() {
		if c.Kind == mfKind && c.Threads > 1 {
			return &SettingError{Setting: "threads", Msg: fmt.Sprintf("mf trains on one goroutine unless the schedule is blocked, not %d", c.Threads)}
		}
		return nil
	}
	switch {
	case c.Optimizer != "adagrad" && c.Optimizer != "sgd":
		return &SettingError{Setting: "optimizer", Msg: fmt.Sprintf("the blocked schedule trains with adagrad or sgd, not %s", c.Optimizer)}
	case c.Implicit():
		return &SettingError{Setting: "task", Msg: "the blocked schedule learns ratings (the implicit task samples negatives every epoch)"}
	case c.Activation != Linear:
		return &SettingError{Setting: "activation", Msg: fmt.Sprintf("the blocked schedule trains a linear output, not %s", c.Activation)}
	case c.SVDpp:
		return &SettingError{Setting: "svdpp", Msg: "the blocked schedule does not train svdpp"}
	}
	return nil
}
