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
		Short: "Print the predicted rating of a user for an item (a probability or a relevance for an implicit-task model)",
		Long: `Predict prints the rating the model predicts for the user and the item, on the
original scale, as a bare number. A model trained for the implicit task predicts
the probability of an interaction instead, not a rating: predict prints it
followed by "probability". A kind whose scores only order the items (ials, ease)
gives a relevance, which means nothing alone: predict prints it followed by
"relevance".`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, err := model.LoadContext(cmd.Context(), path)
			if err != nil {
				return badInput(err)
			}
			r, err := m.Predict(user, item)
			if err != nil {
				return badInput(err)
			}
			if name := m.ScoreName(); name != model.ScoreRating {
				fmt.Fprintf(cmd.OutOrStdout(), "%.4f %s\n", r, name)
				return nil
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
