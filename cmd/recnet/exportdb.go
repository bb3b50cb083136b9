package main

import (
	"errors"
	"fmt"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/dataset/sqlsrc/postgres"
	"github.com/recnet/recnet/model"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// exportDB holds export's flags that write into a database instead of
// files: --to and --to-users.
type exportDB struct {
	to, users string
}

func (e *exportDB) register(fs *pflag.FlagSet) {
	fs.StringVar(&e.to, "to", "", "write the item embeddings into a PostgreSQL table instead of files: postgres://USER@HOST/DB?table=NAME (default table "+postgres.DefaultEmbeddingTable+"; a plain identifier of letters, digits and _, at most 63 bytes, taken as written, case and all) with pgx's connection parameters (sslmode, passfile, host=/socket/dir; a password is best kept in a passfile or PGPASSWORD). The table (id text PRIMARY KEY, bias real, embedding real[]; bias NULL for a net without biases) replaces any table of that name in one transaction: a failed run leaves the database as it was")
	fs.StringVar(&e.users, "to-users", "", "with --to: also write the user embeddings, into this table of the same database (same columns and rules), in the same transaction")
}

// given reports whether the database flags were given.
func (e *exportDB) given() bool { return e.to != "" || e.users != "" }

// run writes the embeddings of the model file path into the database.
func (e *exportDB) run(cmd *cobra.Command, path string) error {
	fs := cmd.Flags()
	switch {
	case fs.Changed("dir"):
		return badInput(errors.New("--dir: does not apply with --to, which writes into a database, not files"))
	case fs.Changed("format"):
		return badInput(errors.New("--format: does not apply with --to, which writes the table (id, bias, embedding)"))
	case e.to == "":
		return badInput(errors.New("--to-users: applies with --to, which is not given"))
	}
	target, err := postgres.ParseTarget(e.to)
	if err != nil {
		return badInput(fmt.Errorf("--to: %s: %w", dataset.SourceName(e.to), err))
	}
	if e.users != "" {
		if err := postgres.CheckTable(e.users); err != nil {
			return badInput(fmt.Errorf("--to-users: %w", err))
		}
		if e.users == target.Table {
			return badInput(fmt.Errorf("--to-users: %s is the table of --to", e.users))
		}
	}
	m, err := model.LoadContext(cmd.Context(), path)
	if err != nil {
		return badInput(err)
	}
	user, item, err := m.EmbeddingTables()
	if err != nil {
		return badInput(err) // the kind, not the database
	}
	tables := []postgres.Embeddings{{Table: target.Table, IDs: item.IDs, Bias: item.Bias, Dim: item.Dim, Data: item.Data}}
	if e.users != "" {
		tables = append(tables, postgres.Embeddings{Table: e.users, IDs: user.IDs, Bias: user.Bias, Dim: user.Dim, Data: user.Data})
	}
	if err := postgres.WriteEmbeddings(cmd.Context(), target, tables...); err != nil {
		if errors.Is(err, postgres.ErrNotExport) {
			return badInput(fmt.Errorf("--to: %w", err)) // the table named, not the database
		}
		return err
	}
	for _, t := range tables {
		fmt.Fprintf(cmd.OutOrStdout(), "%s: table %s: %d rows\n", target.Name, t.Table, len(t.IDs))
	}
	return nil
}
