// Package eval measures models: test accuracy (RMSE, MAE) always set beside
// the trivial baselines fitted on the same training rows, so that a reader
// sees at once whether a model learned anything.
package eval
