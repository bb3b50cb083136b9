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
//
// The text reader streams: a large buffer, fields cut from its bytes, ids
// that are small decimal numbers looked up in a table and others in a map
// without allocating, columns sized once from the file size, and repeated
// (user,item) pairs removed in one pass when rows are grouped by user. A
// table of 25 million rows takes 12 bytes a row (int32 user and item,
// float32 rating) and loads in a few seconds.
//
// Other sources plug in as database/sql drivers do: RegisterScheme for a
// URL scheme (package dataset/sqlsrc/sqlite registers "sqlite:"; package
// dataset/sqlsrc says where PostgreSQL would go), RegisterFormat for a
// binary file format (package dataset/parquetsrc registers Parquet). Each
// yields a RowSource, whose rows Load treats exactly as a CSV file's. They
// are packages of their own so that importing dataset links neither a SQL
// engine nor a Parquet library.
//
// GenerateShape and WriteShapeCSV make synthetic MovieLens-shaped tables
// (ShapeML100K, ShapeML1M, ShapeML25M) for benchmarks and tests.
package dataset
