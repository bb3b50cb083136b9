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
// On the blocked schedule (model.Config.Schedule "blocked") dot and mf
// train as LIBMF does: the ratings stored by block on a grid of
// cache-sized blocks of users x items, one rating at a time by row-wise
// AdaGrad or SGD, a free-block scheduler handing the blocks to the threads
// in an order fixed by the seed and the thread count (blocked.go,
// blocksched.go).
//
// For the implicit task (model.Config.Task "implicit") every rating is a
// positive with target 1 and each epoch draws Config.Negatives items the
// user has not rated per positive as negatives with target 0; the loss is
// binary cross-entropy on a sigmoid output, and early stopping watches the
// validation cross-entropy on negatives drawn once from the seed.
//
// With early stopping, the initial weights are scored first as epoch 0, and
// a model no epoch improved on keeps them (BestEpoch 0): report says so
// plainly. A training or validation loss that is not finite stops Fit with
// a *DivergedError naming the epoch, and no model. A configuration whose
// weights, optimizer state and buffers would need more than MaxTrainFloats
// is refused before anything is allocated, with an error wrapping
// ErrTooLarge.
//
// Fit takes the settings as one model.Config (zero fields: the kind's
// defaults) and its Options only for what is not a setting: a progress
// callback, pretrained models. It trains each kind by the Fitter that kind
// registered (Register), in one file a kind: dot.go, mlp.go, neumf.go,
// mf.go, nmf.go, baseline.go. A kind declared outside recnet registers its
// own (see Example_kind).
//
// Fit reports progress through a callback and never logs.
package train
