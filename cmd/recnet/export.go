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
			m, err := model.Load(path)
			if err != nil {
				return badInput(err)
			}
			files, err := m.Export(dir)
			if err != nil {
				return err
			}
			for _, f := range files {
				fmt.Fprintln(cmd.OutOrStdout(), f)
			}
			return nil
		},
	}
	c.Flags().StringVar(&path, "model", "model.recnet", "model file")
	c.Flags().StringVar(&dir, "dir", "embeddings", "output directory")
	return c
}
