package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/eval"
	"github.com/recnet/recnet/model"
	"github.com/recnet/recnet/report"
	"github.com/recnet/recnet/train"
	"github.com/spf13/cobra"
)

// itemFeaturesUsage is the --help of --item-features.
var itemFeaturesUsage = fmt.Sprintf("item features (dot only; cv takes it with --kinds dot): a catalog CSV of an id column and 0/1 genre columns (like the built-in course_genre.csv) or an id and a |-separated genres column (like MovieLens' movies.csv); each genre is a feature; at most %d features and %d an item (a larger catalog or item is refused). "+
	"An item's row is then its id embedding plus its features' embeddings (LightFM). Catalog items no one rated are added; an item without a training interaction (one added, or rated only in the validation or test part) is new: scored from its features alone; rated items absent from the file have no features; a file that names none of the rated items is refused. "+
	"builtin gives the built-in course data the genres of the catalog it carries (without the flag the built-in data has no features). "+
	"Dot with features trains on one goroutine: --threads above 1 is refused, and so is --svdpp", dataset.MaxFeatures, dataset.MaxGenres)

// splitItems is the --split that holds out whole items, alone or before a
// colon and the share of items held out.
const splitItems = "items"

// parseItemsSplit returns whether --split s holds out items ("items" or
// "items:F") and the share of items held out (0: the default).
func parseItemsSplit(s string) (bool, float64, error) {
	if s == splitItems {
		return true, 0, nil
	}
	rest, ok := strings.CutPrefix(s, splitItems+":")
	if !ok {
		return false, 0, nil
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(rest), 64)
	if err != nil || !(v > 0 && v < 1) {
		return true, 0, fmt.Errorf("--split %q: want items or items:F, F the share of items held out, above 0 and below 1", s)
	}
	return true, v, nil
}

// featuresApply refuses --item-features (file, "" without it) for a kind
// that does not train with item features (c.Kind), and with more than one
// of --threads (c.Threads; 0 for a command without the flag), which dot
// with features does not use, with --svdpp, which it does not train, or
// with the blocked schedule, which does not train features.
func featuresApply(file string, c model.Config) error {
	switch {
	case file == "":
		return nil
	case c.Kind != model.DefaultKind:
		return badInput(fmt.Errorf("--item-features: %s does not train with item features; dot does", c.Kind))
	case c.Blocked():
		return badInput(fmt.Errorf("--item-features: the blocked schedule (--schedule %s) does not train with item features", c.Schedule))
	case c.Threads > 1:
		return badInput(fmt.Errorf("--threads %d: dot trains with --item-features on one goroutine", c.Threads))
	case c.SVDpp:
		return badInput(fmt.Errorf("--svdpp: dot does not train it with --item-features"))
	}
	return nil
}

// loadFeatures reads --item-features (builtin: the built-in catalog) and
// returns the features of s's items, adding the catalog's items no one
// rated to s.Items, and a line saying what was read; nil features and ""
// without the flag. Every error is an input error.
func (f *dataFlags) loadFeatures(ctx context.Context, s *dataset.Split) (*dataset.Features, string, error) {
	feats, used, err := loadItemFeatures(ctx, f.itemFeatures, s.Items)
	if err != nil || used == nil {
		return nil, "", err
	}
	f.features = used
	return feats, featuresLine(used), nil
}

// featuresLine says what an item features file gave.
func featuresLine(u *report.FeaturesUsed) string {
	return fmt.Sprintf("item features %s: %s for %s; %s no one rated added, %s without features\n",
		u.File, plural(u.Features, "feature"), plural(u.Catalog, "item"), plural(u.Added, "catalog item"), plural(u.Without, "rated item"))
}

// dataJSON returns the shape of split s of a table of rows rows (dups
// duplicates) for a --json report: how it was split, and the item
// features with the rated items counted as the text counts them; m, when
// trained, gives the number of new items.
func (f *dataFlags) dataJSON(s *dataset.Split, rows, dups int, m *model.Model) report.Data {
	d := report.NewData(s, rows, dups)
	d.Split = f.splitUsed(s)
	if u := f.features; u != nil {
		fu := *u
		d.Items -= fu.Added
		if m != nil && m.Features != nil {
			n := len(m.Features.New)
			fu.New = &n
		}
		d.ItemFeatures = &fu
	}
	return d
}

// loadItemFeatures reads the features file (the value of --item-features;
// builtin: the built-in catalog) and returns the features of items, adding
// the catalog's items no one rated to items, and what was read; nil and
// nil for no file. Every error is an input error.
func loadItemFeatures(ctx context.Context, file string, items *dataset.IDMap) (*dataset.Features, *report.FeaturesUsed, error) {
	if file == "" {
		return nil, nil, nil
	}
	var cat *dataset.Catalog
	if file == "builtin" {
		cat = dataset.BuiltinCatalog()
	} else {
		var err error
		if cat, err = dataset.LoadCatalog(ctx, file); err != nil {
			return nil, nil, badInput(fmt.Errorf("--item-features: %w", err))
		}
	}
	rated := items.Len()
	feats, n, err := cat.ItemFeatures(items)
	switch {
	case err != nil:
	case len(feats.Names) == 0:
		err = errors.New("the catalog names no genre")
	case rated > 0 && n.Without == rated:
		err = fmt.Errorf("the catalog names none of the %d rated items (are its ids the table's?)", rated)
	}
	if err != nil {
		return nil, nil, badInput(fmt.Errorf("--item-features %s: %w", file, err))
	}
	return feats, &report.FeaturesUsed{File: file, Features: len(feats.Names), Catalog: len(cat.Courses), Added: n.Added, Without: n.Without}, nil
}

// heldNeedFeatures refuses --split items without --item-features: cmd
// (train, tune or eval) could rank the held-out items, which no one rated
// in training, only at random.
func (f *dataFlags) heldNeedFeatures(cmd string) error {
	if byItems, _, err := parseItemsSplit(f.split); byItems && err == nil && f.itemFeatures == "" {
		return badInput(fmt.Errorf("--split items: %s needs --item-features: without features a model can only rank the held-out items, which no one rated in training, at random", cmd))
	}
	return nil
}

// writeHeldOut prints, after --split items with features, how m ranks
// each test user's held-out items among all of them, beside a random order
// and most-popular-within-genre; nothing for another split.
func (f *dataFlags) writeHeldOut(w io.Writer, m *model.Model, s *dataset.Split, feats *dataset.Features) {
	if feats == nil || f.held == nil {
		return
	}
	c := eval.CompareHeldOutItems(m.Net, s.Train, s.Test, f.held, feats, eval.DefaultK, f.seed)
	fmt.Fprintf(w, "held-out items (%d, %d test users), NDCG@%d: model %.4f, random %.4f, most popular within genre %.4f\n",
		c.Items, c.Model.Users, c.Model.K, c.Model.NDCG, c.Random.NDCG, c.GenrePopular.NDCG)
}

// evalItems trains a model of cfg's kind on --split items, with
// --item-features, and ranks each test user's held-out items among all the
// held-out items, beside a random order and most-popular-within-genre.
func evalItems(cmd *cobra.Command, df *dataFlags, ef *evalFlags, cfg model.Config) error {
	switch fs, held := cmd.Flags(), df.heldNeedFeatures("eval"); {
	case fs.Changed("model"):
		return badInput(errors.New("--split items: eval trains its own model on the split: choose its kind with --kind, not a file with --model"))
	case held != nil:
		return held
	case fs.Changed("relevant"):
		return badInput(errors.New("--relevant: does not apply with --split items, where every rating of a held-out item is relevant"))
	}
	lines := reportLines(cmd, ef.asJSON, ef.quiet)
	s, rows, dups, err := df.load(cmd.Context())
	if err != nil {
		return err
	}
	if err := learnable(s.Name, s.Unrated, cfg.Task, s.Train); err != nil {
		return err
	}
	fmt.Fprint(lines, df.dataLines(s, rows, s))
	feats, said, err := df.loadFeatures(cmd.Context(), s)
	if err != nil {
		return err
	}
	fmt.Fprint(lines, said)
	fmt.Fprintln(lines, describe(cfg))
	start := time.Now()
	m, err := train.Fit(cmd.Context(), s, cfg, train.WithProgress(progress(lines, ef.quiet, cfg.Epochs)), train.WithItemFeatures(feats))
	if err != nil {
		return divergedHint(err, cmd.Flags(), cfg, false)
	}
	if err := neverImproved(m, cmd.Flags(), false); err != nil {
		return err
	}
	c := eval.CompareHeldOutItems(m.Net, s.Train, s.Test, df.held, feats, ef.k, df.seed)
	e := evalItemsJSON{Protocol: "items", Data: df.dataJSON(s, rows, dups, m), Config: m.Config, BestEpoch: m.BestEpoch,
		TrainSeconds: model.Number(time.Since(start).Seconds()), HeldOut: len(df.held), K: c.Model.K, Users: c.Model.Users,
		Model: evalFull(c.Model), Random: evalFull(c.Random), GenrePopular: evalFull(c.GenrePopular)}
	if ef.asJSON {
		return evalWriteJSON(cmd.OutOrStdout(), e)
	}
	writeEvalItems(cmd.OutOrStdout(), e, df.seed)
	return nil
}

// evalItemsJSON is the JSON of eval --split items.
type evalItemsJSON struct {
	Protocol     string          `json:"protocol"`
	Data         report.Data     `json:"data"`
	Config       model.Config    `json:"config"`
	BestEpoch    int             `json:"best_epoch"`
	TrainSeconds model.Number    `json:"train_seconds"`
	HeldOut      int             `json:"held_out_items"`
	K            int             `json:"k"`
	Users        int             `json:"users"`
	Model        evalFullMetrics `json:"model"`
	Random       evalFullMetrics `json:"random"`
	GenrePopular evalFullMetrics `json:"most_popular_within_genre"`
}

// writeEvalItems prints eval --split items' report.
func writeEvalItems(out io.Writer, e evalItemsJSON, seed uint64) {
	fmt.Fprintf(out, "trained in %.2fs; best epoch %d\n", float64(e.TrainSeconds), e.BestEpoch)
	fmt.Fprintf(out, "\nheld-out items: each of %d test users ranks all %d held-out items (none rated in training); every test rating is relevant\n", e.Users, e.HeldOut)
	fmt.Fprintf(out, "most popular within genre: an item scores the mean over its genres of the genre's training interactions\n")
	k := fmt.Sprint(e.K)
	fmt.Fprintf(out, "%-28s %9s %9s %9s\n", "", "HR@"+k, "NDCG@"+k, "R@"+k)
	for _, r := range []struct {
		name string
		m    evalFullMetrics
	}{{"recnet " + e.Config.Kind + " (features)", e.Model}, {fmt.Sprintf("random (seed %d)", seed), e.Random}, {"most popular within genre", e.GenrePopular}} {
		fmt.Fprintf(out, "%-28s %9.4f %9.4f %9.4f\n", r.name, float64(r.m.HR), float64(r.m.NDCG), float64(r.m.Recall))
	}
}
