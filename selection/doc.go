// Package selection chooses among models by training them: k-fold
// cross-validation of several configurations on the same folds, in
// Surprise's layout (cross_validate: fit on the trainset of each fold, test
// on its testset, RMSE and MAE per fold with their mean and standard
// deviation; WithLatestFolds cuts the folds over time, each user's latest
// rows in turn), and a random or grid search over a kind's settings (Tune)
// that tests the best configuration on rows the search never saw.
//
// Both run their trials, each one train.Fit and its test, on one pool of
// workers, and give the same results whatever the number of workers. The
// metrics they report come from package eval, which never trains.
package selection
