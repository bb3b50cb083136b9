package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/recnet/recnet/dataset"
	_ "github.com/recnet/recnet/dataset/parquetsrc"    // --format parquet, .parquet files
	"github.com/recnet/recnet/dataset/sqlsrc/postgres" // --data postgres://user@host/db?table=...
	_ "github.com/recnet/recnet/dataset/sqlsrc/sqlite" // --data sqlite:///path.db?query=...
	"github.com/recnet/recnet/internal/pqfooter"
	"github.com/recnet/recnet/internal/quote"
	"github.com/recnet/recnet/report"
	"github.com/recnet/recnet/train"
	"github.com/spf13/pflag"
)

// sourceFlags name one ratings table: --data, --format and --columns, the
// flags of every command that reads one (cv reads them alone, as a whole
// table it folds itself).
type sourceFlags struct {
	data, format, columns string
}

// dataFlags selects the ratings and how to split them: the source flags,
// or the --train, --valid and --test files, and --split and --seed.
type dataFlags struct {
	sourceFlags
	train, valid, test string
	split              string
	seed               uint64
	itemFeatures       string
	// held are the items --split items held out (inner ids), set by load.
	held []int32
	// features is what --item-features gave, set by loadFeatures.
	features *report.FeaturesUsed
}

// The --help of the source flags.
var (
	dataUsage   = "ratings: a file path, an http(s) URL, a SQLite query (sqlite:///path.db?query=SELECT..., or ?table=NAME; default table ratings), a PostgreSQL query (postgres://USER@HOST/DB?table=NAME or ?query=SELECT..., run read-only; sslmode, passfile, host=/socket/dir as pgx takes them; a server message of at most " + strconv.Itoa(postgres.MaxMessageMiB) + " MiB), or builtin (the generated course ratings)"
	formatUsage = "format of the ratings table read: auto, csv, tsv, movielens (u.data or ratings.dat) or parquet (auto: by the .parquet extension or the file's magic; a Parquet footer of at most " + strconv.Itoa(pqfooter.MaxFooterMiB) + " MiB)"
)

const columnsIntro = "map the columns of a table: user=NAME,item=NAME,rating=NAME,time=NAME (any of them; a name from the header, any case, or a 1-based position for files without one); time=none (or time=-) drops a time column, the only mapping a SQLite, PostgreSQL or Parquet source takes. Without it a header's columns are found by name (case, _, - and spaces ignored; "

// columnsUsage is the --help of --columns; its list of column names comes
// from package dataset, which owns it.
var columnsUsage = columnsIntro + dataset.ColumnNames() + "); two columns naming one role are an error; a header names a known column and holds no number, else the first row is data; without a header the columns are user,item,rating (ratings.dat: and timestamp). A time is Unix seconds (a fraction is dropped), RFC 3339, 2006-01-02 or 2006-01-02 15:04:05 (UTC). A table of two columns (user,item) trains --task implicit only"

// register adds --data, --format and --columns to fs, --data defaulting
// to the built-in table.
func (f *sourceFlags) register(fs *pflag.FlagSet) {
	f.registerData(fs, "builtin", "")
}

// registerData adds --data, --format and --columns to fs, --data
// defaulting to data, its help ending with more (what its default means
// where it is not a table).
func (f *sourceFlags) registerData(fs *pflag.FlagSet, data, more string) {
	fs.StringVar(&f.data, "data", data, dataUsage+more)
	fs.StringVar(&f.format, "format", "auto", formatUsage)
	fs.StringVar(&f.columns, "columns", "", columnsUsage)
}

// load reads the whole table the source flags name (loadDataset).
func (f *sourceFlags) load(ctx context.Context, task string) (*dataset.Dataset, error) {
	return loadDataset(ctx, f.data, f.format, f.columns, task)
}

// register adds the source flags and the split flags to fs.
func (f *dataFlags) register(fs *pflag.FlagSet) {
	f.sourceFlags.register(fs)
	fs.StringVar(&f.train, "train", "", "explicit training file (with --test, instead of --split)")
	fs.StringVar(&f.valid, "valid", "", "explicit validation file")
	fs.StringVar(&f.test, "test", "", "explicit test file")
	fs.StringVar(&f.split, "split", "0.8,0.1,0.1", "train,validation,test fractions of a shuffled split: each at least 0, the training one above 0, summing to 1; or time (time:F,F,F for other fractions): a global cut by the table's time column, the last 10% of rows by time test and the 10% before them validate (rows of equal time by their order in the table; no seed), refused for a table without a time column; or items (items:F for another share): 10% of the items, seeded, held out entirely, every rating of them a test row, a tenth of the other rows validating")
	fs.Uint64Var(&f.seed, "seed", 42, "seed of the split shuffle, the initialization and the epoch shuffles"+seedRule)
	fs.StringVar(&f.itemFeatures, "item-features", "", itemFeaturesUsage)
}

// loadOptions returns the reading options --format and --columns give.
// builtin says that no table will be read (the built-in one is used), where
// --columns has nothing to map. Every error is an input error.
func loadOptions(format, columns string, builtin bool) (dataset.Options, error) {
	f, err := parseFormat(format)
	if err != nil {
		return dataset.Options{}, err
	}
	cols, err := dataset.ParseColumns(columns)
	if err != nil {
		return dataset.Options{}, badInput(fmt.Errorf("--columns: %w", err))
	}
	if !cols.IsZero() && builtin {
		return dataset.Options{}, badInput(fmt.Errorf("--columns %s: maps the columns of --data or --train/--test, not of the built-in table", quote.Short(columns)))
	}
	return dataset.Options{Format: f, Columns: cols}, nil
}

// parseFormat returns the format --format names, refusing an unknown one
// naming the flag.
func parseFormat(format string) (dataset.Format, error) {
	f, err := dataset.ParseFormat(format)
	if err != nil {
		if e := oneOf("--format", format, dataset.Formats()...); e != nil {
			return "", e
		}
		return "", badInput(fmt.Errorf("--format: %w", err))
	}
	return f, nil
}

// loadDataset reads the whole data set --data, --format and --columns name
// (the built-in course ratings for "builtin") and refuses a table without
// ratings for task (see learnable). Every error is an input error.
func loadDataset(ctx context.Context, data, format, columns, task string) (*dataset.Dataset, error) {
	opt, err := loadOptions(format, columns, data == "builtin")
	if err != nil {
		return nil, err
	}
	if data == "builtin" {
		return dataset.Builtin(), nil
	}
	d, err := dataset.Load(ctx, data, opt)
	if err != nil {
		return nil, badInput(columnsErr(err))
	}
	return d, learnable(d.Name, d.Unrated, task, d.Ratings)
}

// load returns the split the flags ask for and the number of rows and
// duplicates read. Every error is an input error.
func (f *dataFlags) load(ctx context.Context) (s *dataset.Split, rows, dups int, err error) {
	opt, err := loadOptions(f.format, f.columns, f.data == "builtin" && f.train == "" && f.test == "")
	if err != nil {
		return nil, 0, 0, err
	}
	if f.train != "" || f.test != "" {
		if f.train == "" || f.test == "" {
			return nil, 0, 0, badInput(fmt.Errorf("--train and --test go together"))
		}
		s, err := dataset.LoadSplit(ctx, f.train, f.valid, f.test, opt)
		if err != nil {
			return nil, 0, 0, badInput(columnsErr(err))
		}
		return s, s.Train.Len() + s.Valid.Len() + s.Test.Len(), 0, nil
	}
	byItems, share, err := parseItemsSplit(f.split)
	if err != nil {
		return nil, 0, 0, badInput(err)
	}
	var byTime bool
	var fr dataset.Fractions
	if !byItems {
		if byTime, fr, err = parseSplit(f.split); err != nil {
			return nil, 0, 0, badInput(err)
		}
	}
	d := dataset.Builtin()
	if f.data != "builtin" {
		if d, err = dataset.Load(ctx, f.data, opt); err != nil {
			return nil, 0, 0, badInput(columnsErr(err))
		}
	}
	switch {
	case byItems:
		if s, f.held, err = dataset.SplitItems(d, share, f.seed); err != nil {
			err = fmt.Errorf("--split %s: %w", quote.Short(f.split), err)
		}
	case byTime:
		s, err = dataset.SplitTime(d, fr)
		if errors.Is(err, dataset.ErrNoTime) {
			err = fmt.Errorf("--split %s: %w (map one with --columns time=NAME, or split at random with fractions)", quote.Short(f.split), err)
		}
	default:
		s, err = dataset.SplitRandom(d, fr, f.seed)
	}
	if err != nil {
		return nil, 0, 0, badInput(err)
	}
	return s, d.Len(), d.Duplicates, nil
}

// splitUsed returns how the data flags split s: given files, a cut by
// time (with where each part starts) or a shuffle, and the shares.
func (f *dataFlags) splitUsed(s *dataset.Split) *report.SplitUsed {
	if f.train != "" {
		return &report.SplitUsed{Kind: report.SplitFiles}
	}
	if byItems, share, _ := parseItemsSplit(f.split); byItems {
		if share == 0 {
			share = dataset.DefaultHeldOutItems
		}
		return &report.SplitUsed{Kind: report.SplitItems, Seed: f.seed, HeldItems: len(f.held), ItemShare: share}
	}
	byTime, fr, _ := parseSplit(f.split) // load refused a bad --split
	if byTime {
		return report.NewSplitUsed(report.SplitTime, fr, 0, s)
	}
	return report.NewSplitUsed(report.SplitRandom, fr, f.seed, s)
}

// splitTime is the --split that cuts by time, alone or before a colon and
// its fractions.
const splitTime = "time"

// parseSplit returns what --split s asks for: a cut by time (s is "time"
// or "time:F,F,F") or a shuffled split, and the fractions (zero for
// "time" alone: dataset's default).
func parseSplit(s string) (byTime bool, f dataset.Fractions, err error) {
	if s == splitTime {
		return true, dataset.Fractions{}, nil
	}
	if rest, ok := strings.CutPrefix(s, splitTime+":"); ok {
		f, err = parseFractions(s, rest)
		return true, f, err
	}
	f, err = parseFractions(s, s)
	return false, f, err
}

// parseFractions reads the fractions s of --split value (which errors
// quote).
func parseFractions(value, s string) (dataset.Fractions, error) {
	parts := strings.Split(s, ",")
	if len(parts) != 3 {
		return dataset.Fractions{}, fmt.Errorf("--split %q: want three fractions like 0.8,0.1,0.1, time (time:F,F,F) or items (items:F)", value)
	}
	var v [3]float64
	for k, p := range parts {
		x, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || x < 0 || x != x {
			return dataset.Fractions{}, fmt.Errorf("--split %q: %q is not a fraction", value, p)
		}
		v[k] = x
	}
	// Used as given: never renormalised.
	if sum := v[0] + v[1] + v[2]; math.Abs(sum-1) > 1e-9 || !(v[0] > 0) {
		return dataset.Fractions{}, fmt.Errorf("--split %q: %s", value, fractionsWrong(v, sum))
	}
	return dataset.Fractions{Train: v[0], Valid: v[1], Test: v[2]}, nil
}

// fractionsWrong says what is wrong with fractions v of sum sum, of which
// each is at least 0.
func fractionsWrong(v [3]float64, sum float64) string {
	if !(v[0] > 0) {
		return "the training fraction must be above 0"
	}
	return fmt.Sprintf("the fractions must sum to 1 (they sum to %g)", sum)
}

// columnsErr names the --columns flag in an error of the column mapping,
// and adds the flag that resolves a header's or a time's error (the
// library's text names Options.Columns).
func columnsErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, dataset.ErrColumns):
		return fmt.Errorf("--columns: %w", err) // err quotes the bad part of flag
	case errors.Is(err, dataset.ErrHeader):
		return fmt.Errorf("%w (--columns user=NAME,item=NAME,rating=NAME; see --help)", err)
	case errors.Is(err, dataset.ErrTime):
		return fmt.Errorf("%w (--columns time=none)", err)
	}
	return err
}

// learnable refuses, as bad input (tableErr), a table task cannot learn
// from, by the checks train.Fit makes (train.NeedRatings and
// train.NeedVariety) on r, the ratings it will learn from: the training part
// of a split, or the whole table that cv and eval --protocol ncf split.
// It runs before any work; Fit's own refusal goes through tableErr too.
func learnable(name string, unrated bool, task string, r dataset.Ratings) error {
	err := train.NeedRatings(name, unrated, task)
	if err == nil {
		err = train.NeedVariety(name, task, r)
	}
	return tableErr(err)
}

// tableErr adds to an error of train.NeedRatings or train.NeedVariety
// (from learnable or from train.Fit) the flags that help, as bad input.
// Other errors, nil included, pass unchanged.
func tableErr(err error) error {
	switch {
	case errors.Is(err, train.ErrNoRatings):
		return badInput(fmt.Errorf("%w (--task implicit of train, tune, cv and eval --protocol ncf), or map its rating column with --columns", err))
	case errors.Is(err, train.ErrConstant):
		return badInput(fmt.Errorf("%w; for interactions use --task implicit (train, tune, cv, eval --protocol ncf)", err))
	}
	return err
}
