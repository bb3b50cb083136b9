package main

import (
	"fmt"

	"github.com/recnet/recnet/model"
	"github.com/spf13/cobra"
)

func exportCmd() *cobra.Command {
	var path, dir string
	c := &cobra.Command{
		Use:   "export --model M --dir D",
		Short: "Write the user and item embeddings as CSV and .npy files",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, err := model.LoadContext(cmd.Context(), path)
			if err != nil {
				return badInput(err)
			}
			for _, f := range model.ExportPaths(dir) {
				if err := checkOutput("dir", f, path); err != nil {
					return err
				}
			}
			files, err := m.Export(dir)
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
	c.Flags().StringVar(&dir, "dir", "embeddings", "output directory, created if missing; each file in it is"+outputRule)
	return c
}
