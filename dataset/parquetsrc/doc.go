// Package parquetsrc reads and writes rating tables as Apache Parquet
// files (with github.com/parquet-go/parquet-go, pure Go).
//
// Importing it registers dataset.FormatParquet, so that dataset.Load,
// dataset.Read and the recnet command read a file ending in .parquet, one
// starting with the Parquet magic "PAR1", or any file with
// Options{Format: dataset.FormatParquet}:
//
//	import _ "github.com/recnet/recnet/dataset/parquetsrc"
//
// It is a package of its own so that programs that read only CSV do not
// link the Parquet library and its compression codecs.
//
// The user, item and rating columns are found by name (user, userId,
// user_id, item, movieId, item_id, course, rating, score, ...; see
// dataset.PickColumns; names that name some but not all are an error),
// or are the first three top-level columns when none is named. A file of
// two columns, user and item, is an interaction table. Ids may
// be integers, floats or strings; ratings integers, floats, decimals or
// numeric strings. A timestamp column (named as dataset.ColumnNames lists) is
// kept in Ratings.Time as Unix seconds: integer seconds, a TIMESTAMP
// logical type in any unit (rounded down to the second), or text (decimal
// seconds or RFC 3339). A file is read one row group at a time, its
// columns in step, a page at a time: no row is held as a Go struct. Errors
// name the row (1-based, over the whole file) and the column.
package parquetsrc
