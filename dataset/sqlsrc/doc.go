// Package sqlsrc reads rating rows from a SQL query through database/sql,
// for dataset.Load: it is what a database's scheme (registered with
// dataset.RegisterScheme) runs once it has a *sql.DB.
//
// Package sqlsrc/sqlite registers "sqlite:" with the pure-Go driver
// modernc.org/sqlite. PostgreSQL would be added the same way, in a package
// sqlsrc/postgres that imports a driver (github.com/jackc/pgx/v5/stdlib),
// and in its init calls dataset.RegisterScheme for "postgres" and
// "postgresql" with an opener that takes the query out of the URL with
// QueryOf, opens sql.Open("pgx", rest of the URL) and returns Query's
// rows closing the *sql.DB with them, as sqlite.Open does. QueryOf lets
// through only one SELECT statement (CheckSelect) or a plain table name,
// but a source must also be read-only in the engine (sqlite installs an
// authorizer; a postgres package would run the query in a READ ONLY
// transaction as a role without write rights). Drivers stay out
// of this package so that importing it links none.
package sqlsrc
