// Package dataset loads rating tables, maps raw ids to inner indices, splits
// rows into train, validation and test parts, and generates synthetic data.
//
// Words follow Surprise: a raw id is the string found in the input, an inner
// id is its index in order of first appearance. A Dataset holds every row with
// both id maps; a Split holds three Ratings views that share those maps.
//
// Readers accept a local path or an http(s) URL, CSV with or without a header,
// TSV, MovieLens u.data and ratings.dat. Every parse error is a *ParseError
// naming the file, line and field.
package dataset
