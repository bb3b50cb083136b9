// Package sqlsrc reads rating rows from a SQL query through database/sql,
// for dataset.Load: it is what a database's scheme (registered with
// dataset.RegisterScheme) runs once it has a *sql.DB, and holds the rules
// every SQL source shares.
//
// Package sqlsrc/sqlite registers "sqlite:" with the pure-Go driver
// modernc.org/sqlite, through Query. Package sqlsrc/postgres registers
// "postgres:" and "postgresql:" with github.com/jackc/pgx/v5; it reads
// rows through pgx's wire-protocol layer rather than database/sql, so that
// they are decoded from their binary form without an allocation a value,
// and it shares the rules of this package: QueryOf and TableOf for the
// URL, IDText for ids, UnixFloat for times. QueryOf lets through only one
// SELECT statement (CheckSelect) or a plain table name, but a source must
// also be read-only in the engine (sqlite installs an authorizer;
// postgres runs the query in a READ ONLY transaction). Drivers stay out of
// this package so that importing it links none.
package sqlsrc
