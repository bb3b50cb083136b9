// Package train fits models: the training loop (shuffling, mini-batches,
// validation after each epoch, early stopping with best-epoch restore), the
// optimizers (lazy Adam, row-wise AdaGrad for dot, and SGD) and the
// kernels: sparse ones that update only the embedding rows a batch touches
// (for dot, three passes over a batch in AVX-512 assembly where the
// processor has it, with the Go loops' results bit for bit), and for mlp
// and neumf dense
// layers run on the whole batch (internal/f32's matrix products) with every
// operation's gradient checked against finite differences in the tests.
//
// For the implicit task (model.Config.Task "implicit") every rating is a
// positive with target 1 and each epoch draws Config.Negatives items the
// user has not rated per positive as negatives with target 0; the loss is
// binary cross-entropy on a sigmoid output, and early stopping watches the
// validation cross-entropy on negatives drawn once from the seed.
//
// Fit reports progress through a callback and never logs.
package train
