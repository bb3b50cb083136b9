// Package dataset loads rating tables, maps raw ids to inner indices, splits
// rows into train, validation and test parts, and generates synthetic data.
//
// Words follow Surprise: a raw id is the string found in the input, an inner
// id is its index in order of first appearance. A Dataset holds every row with
// both id maps; a Split holds three Ratings views that share those maps.
//
// Readers accept a local path or an http(s) URL, CSV with or without a header,
// TSV, MovieLens u.data and ratings.dat. Every parse error is a *ParseError
// naming the file, line and field, and quotes at most a short piece of the
// bad value.
//
// With a header, the columns are found by name, without regard to case
// (ColumnNames lists the names each role knows); Options.Columns, or
// ParseColumns of "user=NAME,item=NAME,rating=NAME,time=NAME", maps them by
// name or by 1-based position, and time=none reads a table without its
// time column. A header that names none of the roles and has more than
// three columns is an error listing the columns it saw; without a header
// the columns are user, item, rating and an optional time, in order. A
// table of two columns, user and item, is an interaction table
// (Dataset.Unrated): fit for the implicit task only.
//
// The text reader streams: a large buffer, fields cut from its bytes, ids
// that are small decimal numbers looked up in a table and others in a map
// without allocating, columns reserved from an estimate of the row count
// (a declared size, the file's or the body's, reserves at most 1<<24
// rows; larger tables grow as their rows arrive), and repeated (user,item)
// pairs removed in one pass when rows are grouped by user. A row takes 12
// bytes (int32 user and item, float32 rating) and 8 more when the table has
// a time column (Ratings.Time, Unix seconds); a table of 25 million rows
// loads in a few seconds.
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
// GenerateCourses, GenerateLowRank and GeneratePlanted make known-answer
// data: course ratings, low-rank ratings, and planted groups of users who
// take their own group's items only, for the implicit task.
package dataset
