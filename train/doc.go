// Package train fits models: the training loop (shuffling, mini-batches,
// validation after each epoch, early stopping with best-epoch restore), the
// optimizers (lazy Adam and SGD) and the sparse kernels that update only the
// rows a batch touches.
//
// Fit reports progress through a callback and never logs.
package train
