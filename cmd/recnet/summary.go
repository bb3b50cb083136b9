package main

import (
	"github.com/recnet/recnet/model"
	"github.com/spf13/cobra"
)

func summaryCmd() *cobra.Command {
	var path string
	c := &cobra.Command{
		Use:   "summary --model M",
		Short: "Print a model's layers, output shapes and parameter counts",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, err := model.LoadContext(cmd.Context(), path)
			if err != nil {
				return badInput(err)
			}
			return m.Summary(cmd.OutOrStdout())
		},
	}
	c.Flags().StringVar(&path, "model", "model.recnet", "model file")
	return c
}
