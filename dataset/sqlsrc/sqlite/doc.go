// Package sqlite reads rating tables from SQLite database files with the
// pure-Go driver modernc.org/sqlite. Importing it registers the schemes
// "sqlite" and "sqlite3" with dataset.RegisterScheme, so that dataset.Load
// and the recnet command (--data) accept
//
//	sqlite:///abs/path/ratings.db                 the table "ratings"
//	sqlite:relative/ratings.db?table=my_ratings   a table by name
//	sqlite://relative/ratings.db?query=SELECT%20userId%2C%20movieId%2C%20rating%20FROM%20r%20WHERE%20rating%20%3E%3D%201
//
// The path is the URL's path: absolute after "sqlite://" (three slashes),
// relative without slashes ("sqlite:ratings.db"), and a host part, if any,
// is its first segment ("sqlite://data/r.db" is data/r.db). query= is
// the SQL to run, URL-encoded (spaces may stay spaces, and "+" and ";"
// stay as they are; "&", "#" and "%" must be written %26, %23 and %25: a
// "#" and a NUL byte, %00, are refused rather than cutting the query) and must be
// one SELECT statement (SELECT, WITH or VALUES, with at most a final ";");
// table= reads one table (SELECT *) and must be a plain identifier
// (letters, digits, "_"); neither reads the table "ratings". The user, item
// and rating columns are picked by name (user, userId, item, movieId,
// rating, ...; a result that names some but not all is an error), or are
// the first three when it names none; see sqlsrc.Rows.
//
// The source is read-only: the file is opened with mode=ro and
// PRAGMA query_only, no database can be attached, and an authorizer denies
// every statement but reads as it is compiled, so that a query can neither
// write to the file or to another database (ATTACH, VACUUM INTO, INSERT
// ... RETURNING, PRAGMA) nor create a file. A database in WAL mode is
// opened immutable, so that no -wal or -shm file is created; one with a
// -wal file beside it (in use, or not closed cleanly) is refused: checkpoint
// it first.
//
// It is a package of its own so that programs that read only CSV do not
// link a SQL engine.
package sqlite
