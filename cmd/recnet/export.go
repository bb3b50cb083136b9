package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/recnet/recnet/model"
	"github.com/spf13/cobra"
)

func exportCmd() *cobra.Command {
	var path, dir, format string
	var db exportDB
	c := &cobra.Command{
		Use:   "export --model M --dir D [--format csv|spark-als] | export --model M --to postgres://...",
		Short: "Write the user and item embeddings as CSV and .npy files, as a saved Spark ALS model, or into PostgreSQL tables",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := oneOf("--format", format, exportFormats...); err != nil {
				return err
			}
			if db.given() {
				return db.run(cmd, path)
			}
			m, err := model.LoadContext(cmd.Context(), path)
			if err != nil {
				return badInput(err)
			}
			if format == formatSparkALS {
				return exportSparkALS(cmd, m, dir)
			}
			if err := checkExportDir(dir, path); err != nil {
				return err
			}
			files, err := m.Export(dir)
			if errors.Is(err, model.ErrUnsupported) {
				return badInput(err) // the kind, not the directory
			}
			if err != nil {
				return outputErr("dir", err)
			}
			for _, f := range files {
				fmt.Fprintln(cmd.OutOrStdout(), f)
			}
			return nil
		},
	}
	c.Flags().StringVar(&path, "model", "model.recnet", "model file")
	db.register(c.Flags())
	c.Flags().StringVar(&dir, "dir", "embeddings", "output directory, created with its parents if missing (a path that is not a directory is refused); each file in it"+outputRule+"; with --format spark-als, "+sparkDirRule)
	c.Flags().StringVar(&format, "format", "csv", exportFormatUsage)
	return c
}

// checkExportDir refuses an --dir that exists and is not a directory, or
// whose files could not be written (see checkOutput), before any work.
func checkExportDir(dir, modelFile string) error {
	if _, err := os.Lstat(dir); errors.Is(err, fs.ErrNotExist) {
		return nil // created by Export
	}
	if err := checkDir("dir", dir, "the output directory"); err != nil {
		return err
	}
	for _, f := range model.ExportPaths(dir) {
		if err := checkOutput("dir", f, input{"model", modelFile}); err != nil {
			return err
		}
	}
	return nil
}
