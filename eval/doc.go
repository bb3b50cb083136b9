// Package eval measures models honestly: test accuracy (RMSE, MAE) always
// set beside the trivial baselines fitted on the same training rows;
// top-k ranking metrics (precision, recall, NDCG, hit rate, MAP, coverage)
// beside a most-popular recommender; the leave-one-out protocol of the
// Neural Collaborative Filtering paper; k-fold cross-validation in
// Surprise's layout; and random or grid search over a model's settings.
package eval
