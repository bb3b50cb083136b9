package main

import (
	"fmt"
	"io"

	"github.com/recnet/recnet/atomicfile"
	"github.com/recnet/recnet/dataset"
	"github.com/spf13/cobra"
)

func genCmd() *cobra.Command {
	var out string
	var cfg dataset.CourseConfig
	c := &cobra.Command{
		Use:   "gen --out ratings.csv",
		Short: "Write the built-in course ratings (a deterministic generator) as CSV",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			d, _ := dataset.GenerateCourses(cfg)
			write := func(w io.Writer) error { return dataset.WriteCSV(w, d) }
			if out == "-" {
				return write(cmd.OutOrStdout())
			}
			if err := atomicfile.Write(out, write); err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s: %s\n", out, d)
			return nil
		},
	}
	c.Flags().StringVar(&out, "out", "ratings.csv", "output file (- for standard output)")
	c.Flags().Uint64Var(&cfg.Seed, "seed", 42, "generator seed: the same seed writes the same bytes")
	c.Flags().IntVar(&cfg.Users, "users", 0, "number of users (0: 33,901 as the original)")
	c.Flags().IntVar(&cfg.Rows, "rows", 0, "about how many rows (0: 233,306 as the original)")
	return c
}
