// Package eval measures models honestly: test accuracy (RMSE, MAE) always
// set beside the trivial baselines fitted on the same training rows;
// top-k ranking metrics (precision, recall, NDCG, hit rate, MAP, coverage)
// beside a most-popular recommender; and the leave-one-out protocol of the
// Neural Collaborative Filtering paper. It scores models it is given and
// never trains one: model selection (cross_validate and the search over a
// kind's settings), which trains, is package selection.
package eval
