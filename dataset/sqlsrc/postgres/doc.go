// Package postgres reads rating tables from a PostgreSQL server with
// github.com/jackc/pgx/v5 (its wire-protocol layer, pgconn), and writes
// embedding tables into one. Importing it registers the schemes
// "postgres" and "postgresql" with dataset.RegisterScheme, so that
// dataset.Load and the recnet command (--data) accept
//
//	postgres://ann@db.example.com:5432/shop                  the table "ratings"
//	postgres://ann@db.example.com/shop?table=my_ratings&sslmode=verify-full
//	postgres:///shop?host=/run/postgresql&query=SELECT%20user_id,%20course_id,%20score%20FROM%20r
//
// query= and table= follow the rules of package sqlsrc (see
// sqlsrc.QueryOf): query= is one SELECT statement (SELECT, WITH or VALUES,
// URL-encoded; "&", "#" and "%" written %26, %23 and %25), table= a plain
// identifier, and neither reads the table "ratings". The other parameters
// and the rest of the URL are pgx's connection string (see
// pgconn.ParseConfig): sslmode, passfile, host= (a Unix socket directory
// when it starts with "/"), connect_timeout, service and the PG*
// environment variables. A password is best kept in a passfile
// (~/.pgpass) or PGPASSWORD; one given in the URL is replaced by
// dataset.Redacted wherever the URL is named.
//
// The user, item and rating columns are picked by name (user, userId,
// item, movieId, rating, ...; a result naming some but not all is an
// error), or are the first three when it names none; a timestamp column
// gives each row's time. Ids may be integers (int2, int4, int8), reals,
// text (text, varchar, char with its padding removed, name), bytea, or any
// other type by its text form (numeric, uuid); ratings integers, reals,
// numeric or numeric text; times integer or real Unix seconds, timestamp,
// timestamptz, date, or text as dataset.ParseTime reads it. A bad row (a
// NULL, an empty id, a rating that is not a finite number, a time out of
// range) stops the load with a *dataset.ParseError naming the row and
// the column.
//
// The source is read-only: the session starts with
// default_transaction_read_only on, the query runs in a READ ONLY
// transaction, and it is sent as one statement of the extended protocol,
// which the server refuses to hold two statements. An INSERT inside a
// WITH, a nextval or a SELECT ... FOR UPDATE is refused by the server. A
// role without write rights is the stronger guard; use one where you can.
//
// Rows are streamed: they are decoded one at a time as they arrive (ids,
// numbers and times in binary form) and the result set is never held in
// memory.
//
// WriteEmbeddings writes (id, bias, embedding) tables into a database,
// replacing each table in one transaction.
package postgres
