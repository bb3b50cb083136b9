// Package model holds recnet's models: the Net interface every model
// implements, the RecommenderNet dot model, the deep models (MLP and NeuMF,
// built from DenseLayer towers), matrix factorization, the baselines, and
// the Model that binds a net to its id maps, rating scale and training
// history. A Model is what is saved, loaded, summarized and exported.
//
// Each kind of model is declared once, by a Kind registered (Register) in
// the init of the file that holds its net: its name and description, the
// settings it reads with their defaults, its search space, how its net is
// rebuilt from a model file, counted and described. Everything else (the
// settings' checks, Summary, the model file, recnet's flags, tune and cv)
// reads the declaration, and train registers the kind's fitter the same
// way. A Config holds a kind's settings: the Training settings every kind
// shares and the Settings a kind adds; SettingList describes each of them
// (name, flag, help with bounds, parser) for the programs that take them
// from users. A net that can place a user it was not trained on implements
// FoldInNet.
//
// Nets score on the training scale (ratings min-max scaled to [0,1] unless
// scaling is off); Model.Predict maps a score back to the original scale and
// clips it to the rating range. A model trained for the implicit task
// (Config.Task "implicit") scores the probability of an interaction, which
// Predict returns as it is.
//
// Dense layers are initialized for their activation: He normal for the ReLU
// family (relu, elu, selu, gelu), Glorot uniform otherwise (tanh, sigmoid,
// linear), biases zero. L2 (Config.L2, Config.BiasL2) applies to embedding
// rows and biases each time a batch uses them, never to dense weights;
// dropout (Config.Dropout) is inverted dropout after each hidden layer while
// training, so scoring uses the weights as they are.
package model
