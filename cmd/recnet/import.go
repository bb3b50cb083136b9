package main

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/recnet/recnet/internal/pqfooter"
	"github.com/recnet/recnet/internal/quote"
	"github.com/recnet/recnet/model"
	"github.com/recnet/recnet/model/sparkals"
	"github.com/spf13/cobra"
)

// importRun holds the flags of import.
type importRun struct {
	spark, out, ratings, format, columns, task, ratingRange string
	alpha, l2                                               float64
}

func importCmd() *cobra.Command {
	r := &importRun{}
	c := &cobra.Command{
		Use:   "import --spark-als D --out M [--ratings FILE] [--task rating|implicit]",
		Short: "Read a saved Spark ALS model into a model file",
		Long: `Import reads the directory Spark's ALSModel.save wrote (or recnet export
--format spark-als) into a model file that predict, recommend, similar, fold-in,
explanations and serve use. A model of ALS on ratings (--task rating, the
default) becomes a dot net with a linear output, zero biases and no scaling:
its prediction is Spark's, the dot product of the two vectors, clipped to the
rating range. A model of ALS on implicit feedback (--task implicit; Spark's
saved model does not say which) becomes an ials net, its scores a relevance.
Raw ids come from DIR/recnet-ids/users.csv and items.csv when present (recnet's
export writes them), else are Spark's integer ids. A dot model recnet exported
comes back as it was, to the bit (settings, biases, range), when its
recnet-ids/model.json says how the vectors were made and they give its values
back exactly: always without scaling, and for a rating range spanning a power of
two (1..5, 3..5, 0..1); otherwise it is read as any ALS model.

--ratings adds the users' histories, so that recommendations leave out what a
user rated, and gives the rating range; every user and item in it must have a
vector. The input is untrusted: the rank is at most 1024, every vector must hold
rank finite values, ids must be unique, a Parquet page at most 2^24 values and
no more bytes than its file and column chunk hold, and errors name the file, row
and field (a page by its column and number).`,
		Args: cobra.NoArgs,
		RunE: r.run,
	}
	fs := c.Flags()
	fs.StringVar(&r.spark, "spark-als", "", "the saved ALSModel directory (metadata, userFactors, itemFactors; Parquet part files only, at most rank 1024, 2^31-1 rows a table, 2^24 values a page and a footer of "+strconv.Itoa(pqfooter.MaxFooterMiB)+" MiB a file); read only")
	fs.StringVar(&r.out, "out", "", "file the imported model is written to"+outputRule)
	fs.StringVar(&r.ratings, "ratings", "", "the ratings ALS was trained on, read as --data reads its table (a file path, an http(s) URL or a SQLite query; not builtin): the users' histories, and the rating range")
	fs.StringVar(&r.format, "format", "auto", formatUsage)
	fs.StringVar(&r.columns, "columns", "", columnsUsage)
	fs.StringVar(&r.task, "task", model.TaskRating, "rating (ALS trained with implicitPrefs false: read as a dot net) or implicit (implicitPrefs true: read as an ials net): what Spark's ALS was trained on, which its saved model does not say")
	fs.StringVar(&r.ratingRange, "range", "", "MIN,MAX: the rating range of a rating-task model without --ratings (predictions are clipped to it; fold-in takes ratings within it)")
	fs.Float64Var(&r.alpha, "spark-alpha", sparkals.SparkAlpha, "--task implicit: the alpha ALS was trained with (confidence 1 + alpha·r), kept as the ials model's alpha, which fold-in uses; above 0 and finite")
	fs.Float64Var(&r.l2, "spark-reg-param", sparkals.SparkRegParam, "--task implicit: the regParam ALS was trained with, kept as the ials model's l2, which fold-in uses (recnet scales it by a row's confidence sum, Spark by its number of interactions); above 0 and finite")
	return c
}

func (r *importRun) run(cmd *cobra.Command, _ []string) error {
	fs := cmd.Flags()
	if err := noEmptyStrings(fs); err != nil {
		return err
	}
	if err := oneOf("--task", r.task, model.TaskRating, model.TaskImplicit); err != nil {
		return err
	}
	if err := r.check(cmd); err != nil {
		return err
	}
	opt := sparkals.ReadOptions{Task: r.task}
	if r.task == model.TaskImplicit {
		opt.Alpha, opt.L2 = r.alpha, r.l2
	}
	m, err := sparkals.Read(r.spark, opt)
	if err != nil {
		return badInput(fmt.Errorf("--spark-als: %w", err))
	}
	out := cmd.OutOrStdout()
	restored := sparkals.Restored(m)
	switch {
	case restored && r.ratingRange != "":
		return badInput(fmt.Errorf("--range: %s is a recnet export whose recnet-ids/model.json gives the range %g..%g", r.spark, m.Min, m.Max))
	case !restored && r.task == model.TaskRating && r.ratings == "" && r.ratingRange == "":
		return badInput(errors.New("--task rating needs the rating range: give --ratings (the table ALS was trained on) or --range MIN,MAX"))
	case restored:
		fmt.Fprintf(out, "%s: the %s model recnet exported, given back as it was (%d users, %d items, range %g..%g)\n", r.spark, m.Net.Kind(), m.Users.Len(), m.Items.Len(), m.Min, m.Max)
	default:
		fmt.Fprintf(out, "%s: rank %d, %d users, %d items; read as a model of kind %s\n", r.spark, m.Config.Dim, m.Users.Len(), m.Items.Len(), m.Net.Kind())
	}
	if r.ratings != "" {
		d, err := loadDataset(cmd.Context(), r.ratings, r.format, r.columns, r.task)
		if err != nil {
			return err
		}
		if err := sparkals.Attach(m, d); err != nil {
			return badInput(fmt.Errorf("--ratings: %w", err))
		}
		fmt.Fprintf(out, "%s: %d ratings kept as the users' histories; range %g..%g\n", d.Name, d.Len(), m.Min, m.Max)
		if restored {
			fmt.Fprintf(out, "(the range is the exported model's; the ratings give the histories only)\n")
		}
	} else if r.ratingRange != "" {
		if m.Min, m.Max, err = parseRange(r.ratingRange); err != nil {
			return err
		}
	}
	if err := m.Save(r.out); err != nil {
		return outputErr("out", err)
	}
	fmt.Fprintf(out, "wrote %s\n", r.out)
	return nil
}

// check refuses missing flags and flags of the other task, and an --out
// that would write over an input.
func (r *importRun) check(cmd *cobra.Command) error {
	fs := cmd.Flags()
	switch {
	case r.spark == "":
		return badInput(errors.New("--spark-als: required: the saved ALSModel directory"))
	case r.out == "":
		return badInput(errors.New("--out: required: the model file to write"))
	case r.task == model.TaskRating && (fs.Changed("spark-alpha") || fs.Changed("spark-reg-param")):
		return badInput(errors.New("--spark-alpha and --spark-reg-param are settings of --task implicit"))
	case r.ratings != "" && r.ratingRange != "":
		return badInput(errors.New("--range and --ratings: the ratings give the range; give one"))
	case r.ratings == "builtin":
		return badInput(errors.New("--ratings builtin: give the table ALS was trained on"))
	case r.task == model.TaskImplicit && r.ratingRange != "":
		return badInput(errors.New("--range is a setting of --task rating"))
	case r.ratings == "" && (fs.Changed("format") || fs.Changed("columns")):
		return badInput(errors.New("--format and --columns: say how to read --ratings, which is not given"))
	}
	if err := firstErr(positive(fs, "spark-alpha", r.alpha), positive(fs, "spark-reg-param", r.l2)); err != nil {
		return err
	}
	if insideDir(r.out, r.spark) {
		return badInput(fmt.Errorf("--out %s is inside --spark-als %s, which import only reads", r.out, r.spark))
	}
	if r.ratingRange != "" {
		if _, _, err := parseRange(r.ratingRange); err != nil {
			return err
		}
	}
	return checkOutput("out", r.out, input{"ratings", inputFile(r.ratings)})
}

// insideDir reports whether the file a write to path replaces lies
// inside the directory dir, whatever the spelling (a symbolic link to dir
// or to a directory in it, a ../ after one): path's target when path is
// a symbolic link, else path in its directory, compared with their
// symbolic links resolved. Neither is cleaned first (filepath.Abs would
// take link/.. as the link's directory, not its target's parent). A dir
// or a directory of path that does not exist is not reported: reading
// it, or checkOutput, refuses it.
func insideDir(path, dir string) bool {
	d, err := realPath(dir)
	if err != nil {
		return false
	}
	p, err := realPath(path) // an existing file, or the target of a link
	if err != nil {
		base := filepath.Base(path)
		if p, err = realPath(strings.TrimSuffix(path, base) + "."); err != nil {
			return false
		}
		p = filepath.Join(p, base)
	}
	return strings.HasPrefix(p, d+string(filepath.Separator))
}

// realPath returns p absolute, its symbolic links and .. resolved in
// order.
func realPath(p string) (string, error) {
	if !filepath.IsAbs(p) {
		wd, err := os.Getwd()
		if err != nil {
			return "", err
		}
		p = wd + string(filepath.Separator) + p
	}
	return filepath.EvalSymlinks(p)
}

// parseRange parses --range MIN,MAX: finite numbers within
// ±model.MaxRatingAbs, MIN below MAX.
func parseRange(s string) (lo, hi float64, err error) {
	a, b, ok := strings.Cut(s, ",")
	if ok {
		lo, err = strconv.ParseFloat(strings.TrimSpace(a), 64)
		if err == nil {
			hi, err = strconv.ParseFloat(strings.TrimSpace(b), 64)
		}
	}
	if !ok || err != nil || !(lo < hi) || math.Abs(lo) > model.MaxRatingAbs || math.Abs(hi) > model.MaxRatingAbs {
		return 0, 0, badInput(fmt.Errorf("--range %s: want MIN,MAX, finite numbers within ±%g, MIN below MAX", quote.Short(s), model.MaxRatingAbs))
	}
	return lo, hi, nil
}
