// Package report turns a training run into what a person reads: the
// Keras-like epoch lines, the test results beside the baselines with a plain
// verdict, a JSON object for programs, and the loss curve as a PNG.
package report
