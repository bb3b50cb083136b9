package main

import (
	"fmt"

	"github.com/recnet/recnet/model"
	"github.com/spf13/cobra"
)

func predictCmd() *cobra.Command {
	var path, user, item string
	c := &cobra.Command{
		Use:   "predict --model M --user U --item I",
		Short: "Print the predicted rating of a user for an item, on the original scale",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, err := model.LoadContext(cmd.Context(), path)
			if err != nil {
				return badInput(err)
			}
			r, err := m.Predict(user, item)
			if err != nil {
				return badInput(err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%.4f\n", r)
			return nil
		},
	}
	c.Flags().StringVar(&path, "model", "model.recnet", "model file")
	c.Flags().StringVar(&user, "user", "", "raw user id")
	c.Flags().StringVar(&item, "item", "", "raw item id")
	c.MarkFlagRequired("user")
	c.MarkFlagRequired("item")
	return c
}
