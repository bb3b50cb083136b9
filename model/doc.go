// Package model holds recnet's models: the Net interface every model
// implements, the RecommenderNet dot model, the baselines, and the Model
// that binds a net to its id maps, rating scale and training history. A
// Model is what is saved, loaded, summarized and exported.
//
// Nets score on the training scale (ratings min-max scaled to [0,1] unless
// scaling is off); Model.Predict maps a score back to the original scale and
// clips it to the rating range.
package model
