package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strings"
	"time"

	"github.com/recnet/recnet/atomicfile"
	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/dataset/parquetsrc"
	"github.com/recnet/recnet/dataset/sqlsrc/sqlite"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

func genCmd() *cobra.Command {
	var out, shape, format string
	var cfg dataset.CourseConfig
	c := &cobra.Command{
		Use:   "gen --out ratings.csv [--shape ml100k|ml1m|ml25m]",
		Short: "Write the built-in course ratings, or a MovieLens-shaped synthetic table, as CSV",
		Long: `Gen writes the built-in course ratings (a deterministic generator) as CSV.

With --shape it writes instead a synthetic table of the size of a MovieLens table
(ml100k, ml1m or ml25m: 25,000,095 ratings of 59,047 items by 162,541 users) in the
layout of MovieLens' ratings.csv (userId,movieId,rating,timestamp; half-star
ratings), with long-tailed user activity and item popularity and a low-rank
structure a model can learn. --rows scales the shape (users and items too).

--format csv|parquet|sqlite (default: from the --out extension, .parquet, .db,
.sqlite or .sqlite3, else csv) writes the same rows as a Parquet file (columns user,
item, rating) or a SQLite file (table ratings), which --data reads back.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fs := cmd.Flags()
			if err := firstErr(intIn(fs, "rows", cfg.Rows, 1, maxGenRows), intIn(fs, "users", cfg.Users, 1, maxGenRows), seedSet(fs, cfg.Seed)); err != nil {
				return err
			}
			if shape == "" {
				if err := genCourseSize(fs, &cfg); err != nil {
					return err
				}
			}
			start := time.Now()
			if err := checkOutputOrStdout("out", out); err != nil {
				return err
			}
			format = strings.ToLower(format)
			if format == "" {
				switch strings.ToLower(filepath.Ext(out)) {
				case ".parquet":
					format = "parquet"
				case ".db", ".sqlite", ".sqlite3":
					format = "sqlite"
				default:
					format = "csv"
				}
			}
			var s dataset.Shape
			if shape != "" {
				var err error
				if s, err = dataset.ShapeByName(shape); err != nil {
					return badInput(err)
				}
				if cmd.Flags().Changed("users") {
					return badInput(fmt.Errorf("--users does not go with --shape (--rows scales the whole shape)"))
				}
				if cfg.Rows > 0 {
					s = s.Scaled(cfg.Rows)
				}
			}
			// The table in memory, for the formats that need it.
			table := func() *dataset.Dataset {
				if shape != "" {
					return dataset.GenerateShape(s, cfg.Seed)
				}
				d, _ := dataset.GenerateCourses(cfg)
				return d
			}
			ctx := cmd.Context()
			var write func(w io.Writer) error
			var d *dataset.Dataset
			switch format {
			case "csv":
				if shape != "" {
					write = func(w io.Writer) error { return dataset.WriteShapeCSVContext(ctx, w, s, cfg.Seed) }
				} else {
					d = table()
					write = func(w io.Writer) error { return dataset.WriteCSVContext(ctx, w, d) }
				}
			case "parquet":
				d = table()
				write = func(w io.Writer) error { return parquetsrc.WriteContext(ctx, w, d) }
			case "sqlite":
				if out == "-" {
					return badInput(fmt.Errorf("--format sqlite needs a file (--out)"))
				}
				d = table()
				if err := sqlite.Write(ctx, out, "ratings", d); err != nil {
					return genErr(ctx, out, err)
				}
			default:
				return oneOf("--format", format, "csv", "parquet", "sqlite")
			}
			what := fmt.Sprintf("shape %s, %d rows, %d users, %d items", s.Name, s.Rows, s.Users, s.Items)
			if d != nil {
				what = d.String()
			}
			if write == nil {
				fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s (%s): %s in %.1fs\n", out, format, what, time.Since(start).Seconds())
				return nil
			}
			if out == "-" {
				return genErr(ctx, out, write(cmd.OutOrStdout()))
			}
			if err := atomicfile.Write(out, write); err != nil {
				return genErr(ctx, out, err)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s (%s): %s in %.1fs\n", out, format, what, time.Since(start).Seconds())
			return nil
		},
	}
	c.Flags().StringVar(&out, "out", "ratings.csv", "output file (- for standard output)"+outputRule)
	c.Flags().StringVar(&format, "format", "", "csv, parquet or sqlite (default: from the --out extension, else csv)")
	c.Flags().StringVar(&shape, "shape", "", "write a MovieLens-shaped table: ml100k, ml1m or ml25m (default: the built-in course ratings)")
	c.Flags().Uint64Var(&cfg.Seed, "seed", 42, "generator seed: the same seed writes the same bytes"+seedRule)
	c.Flags().IntVar(&cfg.Users, "users", 0, fmt.Sprintf("number of users, 1 to %d (default: 33,901 as the original, or in proportion to --rows); each has 1 to %d ratings", maxGenRows, genMaxPerUser))
	c.Flags().IntVar(&cfg.Rows, "rows", 0, fmt.Sprintf("number of rows, 1 to %d (default: 233,306 as the original, or in proportion to --users, or the shape's)", maxGenRows))
	return c
}

// genErr is the error of a write to out that failed with err: interrupted
// when ctx ended (a SIGINT or SIGTERM), which exits 1.
func genErr(ctx context.Context, out string, err error) error {
	if err != nil && ctx.Err() != nil {
		if out == "-" {
			return fmt.Errorf("interrupted: %w", context.Cause(ctx))
		}
		return fmt.Errorf("interrupted: %s left as it was: %w", out, context.Cause(ctx))
	}
	return outputErr("out", err)
}

// The built-in generator's table: users and rows of the original, and the
// most ratings a user has (dataset.CourseConfig's defaults).
const (
	genUsers      = 33901
	genRows       = 233306
	genMaxPerUser = 61
)

// genCourseSize sets the users of the built-in generator in proportion to
// --rows when only --rows is given, and the rows in proportion to --users
// when only --users is, as in the original table; it refuses a --rows the
// users cannot have, which GenerateCourses would clamp to [users,
// 61*users].
func genCourseSize(fs *pflag.FlagSet, cfg *dataset.CourseConfig) error {
	switch {
	case fs.Changed("rows") && !fs.Changed("users"):
		cfg.Users = max(1, int(math.Round(float64(cfg.Rows)*genUsers/genRows)))
	case fs.Changed("users") && !fs.Changed("rows"):
		cfg.Rows = max(1, int(math.Round(float64(cfg.Users)*genRows/genUsers)))
	case !fs.Changed("rows"):
		return nil
	}
	if cfg.Rows > maxGenRows {
		return badInput(fmt.Errorf("--users %d: makes %d rows, more than %d", cfg.Users, cfg.Rows, maxGenRows))
	}
	if cfg.Rows < cfg.Users || cfg.Rows > cfg.Users*genMaxPerUser {
		return badInput(fmt.Errorf("--rows %d with --users %d: each user has 1 to %d ratings, so want %d to %d rows",
			cfg.Rows, cfg.Users, genMaxPerUser, cfg.Users, cfg.Users*genMaxPerUser))
	}
	return nil
}
