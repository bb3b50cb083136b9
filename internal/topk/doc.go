// Package topk selects the k best of a catalog of scored items, in the one
// order every ranking of recnet uses (recommendations, similar items,
// fold-in and the top-k metrics): a higher score first, a NaN score after
// every number, and equal scores (0 and -0, or two NaNs) by lower item id,
// so that a list never depends on how it was computed.
package topk
