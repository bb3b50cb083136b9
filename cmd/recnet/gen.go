package main

import (
	"bytes"
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

// genRun holds gen's flags.
type genRun struct {
	out, shape, format string
	cfg                dataset.CourseConfig
}

func genCmd() *cobra.Command {
	var r genRun
	c := &cobra.Command{
		Use:   "gen --out ratings.csv [--shape ml100k|ml1m|ml25m]",
		Short: "Write the built-in course ratings, or a MovieLens-shaped synthetic table, as CSV",
		Long: `Gen writes the built-in course ratings (a deterministic generator) as CSV.

With --shape it writes instead a synthetic table of the size of a MovieLens table
(ml100k, ml1m or ml25m: 25,000,095 ratings of 59,047 items by 162,541 users) in the
layout of MovieLens' ratings.csv (userId,movieId,rating,timestamp; half-star
ratings), with long-tailed user activity and item popularity and a low-rank
structure a model can learn. --rows scales the shape (users and items too) to
about that many rows: repeated (user, item) pairs are dropped, so a shape writes
somewhat fewer rows than --rows, and says how many it wrote. Without --shape,
--rows is exact.

--format csv|parquet|sqlite (default: from the --out extension, .parquet, .db,
.sqlite or .sqlite3, else csv) writes the same rows as a Parquet file (columns user,
item, rating) or a SQLite file (table ratings), which --data reads back.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return r.run(cmd) },
	}
	f := c.Flags()
	f.StringVar(&r.out, "out", "ratings.csv", "output file (- for standard output)"+outputRule)
	f.StringVar(&r.format, "format", "", "format of the ratings table written: csv, parquet or sqlite (default: from the --out extension, else csv)")
	f.StringVar(&r.shape, "shape", "", "write a MovieLens-shaped table: ml100k, ml1m or ml25m (default: the built-in course ratings)")
	f.Uint64Var(&r.cfg.Seed, "seed", 42, "generator seed: the same seed writes the same bytes"+seedRule)
	f.IntVar(&r.cfg.Users, "users", 0, fmt.Sprintf("number of users, 1 to %d (default: 33,901 as the original, or in proportion to --rows); each has 1 to %d ratings", maxGenRows, genMaxPerUser))
	f.IntVar(&r.cfg.Rows, "rows", 0, fmt.Sprintf("number of rows, 1 to %d (default: 233,306 as the original, or in proportion to --users, or the shape's); exact for the course ratings, about that many with --shape (repeated pairs dropped; the rows written are printed)", maxGenRows))
	return c
}

// run checks the flags, writes the table and says what it wrote: the
// rows, users and items counted as they were written.
func (r *genRun) run(cmd *cobra.Command) error {
	s, err := r.check(cmd.Flags())
	if err != nil {
		return err
	}
	start := time.Now()
	var n genCount
	switch {
	case r.format == "sqlite":
		d := r.table(s)
		n.dataset(d)
		if err := sqlite.Write(cmd.Context(), r.out, "ratings", d); err != nil {
			return genErr(cmd.Context(), r.out, err)
		}
	case r.out == "-":
		if err := genErr(cmd.Context(), r.out, r.writer(cmd.Context(), s, &n)(cmd.OutOrStdout())); err != nil {
			return err
		}
	default:
		if err := atomicfile.Write(r.out, r.writer(cmd.Context(), s, &n)); err != nil {
			return genErr(cmd.Context(), r.out, err)
		}
	}
	what := fmt.Sprintf("%d rows, %d users, %d items", n.rows, n.users, n.items)
	if s.Name != "" {
		what = fmt.Sprintf("shape %s, %s", s.Name, what)
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s (%s): %s in %.1fs\n", r.out, r.format, what, time.Since(start).Seconds())
	return nil
}

// check refuses a flag out of its bounds or with no effect, sets the
// format from --out's extension when not given, and returns the shape
// (zero without --shape).
func (r *genRun) check(fs *pflag.FlagSet) (dataset.Shape, error) {
	var s dataset.Shape
	if err := firstErr(intIn(fs, "rows", r.cfg.Rows, 1, maxGenRows), intIn(fs, "users", r.cfg.Users, 1, maxGenRows), seedSet(fs, r.cfg.Seed)); err != nil {
		return s, err
	}
	if r.shape == "" {
		if err := genCourseSize(fs, &r.cfg); err != nil {
			return s, err
		}
	}
	if err := checkOutputOrStdout("out", r.out); err != nil {
		return s, err
	}
	r.format = strings.ToLower(r.format)
	if r.format == "" {
		switch strings.ToLower(filepath.Ext(r.out)) {
		case ".parquet":
			r.format = "parquet"
		case ".db", ".sqlite", ".sqlite3":
			r.format = "sqlite"
		default:
			r.format = "csv"
		}
	}
	if err := oneOf("--format", r.format, "csv", "parquet", "sqlite"); err != nil {
		return s, err
	}
	if r.format == "sqlite" && r.out == "-" {
		return s, badInput(fmt.Errorf("--format sqlite needs a file (--out)"))
	}
	if r.shape == "" {
		return s, nil
	}
	s, err := dataset.ShapeByName(r.shape)
	if err != nil {
		return s, oneOf("--shape", r.shape, "ml100k", "ml1m", "ml25m")
	}
	if fs.Changed("users") {
		return s, badInput(fmt.Errorf("--users does not go with --shape (--rows scales the whole shape)"))
	}
	if r.cfg.Rows > 0 {
		s = s.Scaled(r.cfg.Rows)
	}
	return s, nil
}

// table returns the table in memory, for the formats that need it.
func (r *genRun) table(s dataset.Shape) *dataset.Dataset {
	if r.shape != "" {
		return dataset.GenerateShape(s, r.cfg.Seed)
	}
	d, _ := dataset.GenerateCourses(r.cfg)
	return d
}

// writer returns the function that writes the table as csv or parquet
// and counts what it writes in n. A shape's CSV is streamed, and counted
// line by line.
func (r *genRun) writer(ctx context.Context, s dataset.Shape, n *genCount) func(w io.Writer) error {
	if r.format == "csv" && r.shape != "" {
		return func(w io.Writer) error {
			c := &csvCounter{w: w, users: map[string]struct{}{}, items: map[string]struct{}{}}
			err := dataset.WriteShapeCSVContext(ctx, c, s, r.cfg.Seed)
			n.rows, n.users, n.items = max(c.lines-1, 0), len(c.users), len(c.items)
			return err
		}
	}
	d := r.table(s)
	n.dataset(d)
	if r.format == "parquet" {
		return func(w io.Writer) error { return parquetsrc.WriteContext(ctx, w, d) }
	}
	return func(w io.Writer) error { return dataset.WriteCSVContext(ctx, w, d) }
}

// genCount is what gen wrote.
type genCount struct{ rows, users, items int }

// dataset counts the rows of d and the users and items they name (d's id
// maps may hold more).
func (n *genCount) dataset(d *dataset.Dataset) {
	users, items := map[int32]struct{}{}, map[int32]struct{}{}
	for i := range d.Len() {
		users[d.User[i]], items[d.Item[i]] = struct{}{}, struct{}{}
	}
	n.rows, n.users, n.items = d.Len(), len(users), len(items)
}

// csvCounter passes a CSV through to w and counts its lines and the
// distinct values of the first two fields (user, item) of every line but
// the first (the header).
type csvCounter struct {
	w            io.Writer
	lines        int
	part         []byte // the line being written, up to its second comma
	commas       int    // commas in part
	users, items map[string]struct{}
}

func (c *csvCounter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	for _, b := range p[:n] {
		if b != '\n' {
			if c.commas < 2 {
				c.part = append(c.part, b)
				if b == ',' {
					c.commas++
				}
			}
			continue
		}
		if c.lines > 0 {
			f := bytes.SplitN(c.part, []byte{','}, 3)
			c.users[string(f[0])] = struct{}{}
			if len(f) > 1 {
				c.items[string(f[1])] = struct{}{}
			}
		}
		c.lines++
		c.part, c.commas = c.part[:0], 0
	}
	return n, err
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
