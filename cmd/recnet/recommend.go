package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/recnet/recnet/internal/quote"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// catalogFlag names the catalog whose titles and genres label the items.
type catalogFlag struct{ path string }

// load returns the catalog: the built-in course catalog unless --catalog
// names a CSV file ("none" for no titles).
func (f catalogFlag) load(ctx context.Context) (*dataset.Catalog, error) {
	switch f.path {
	case "none":
		return nil, nil
	case "", "builtin":
		return dataset.BuiltinCatalog(), nil
	}
	c, err := dataset.LoadCatalog(ctx, f.path)
	return c, badInput(err)
}

func (f *catalogFlag) register(c *cobra.Command) {
	c.Flags().StringVar(&f.path, "catalog", "builtin", "CSV with id, title and genres columns to label items (MovieLens movies.csv as it is; at most "+strconv.Itoa(dataset.MaxGenres)+" genres a course) (builtin: the course catalog; none: ids only)")
}

// loadForRecs checks k and loads the model and the catalog that
// recommend and similar print from.
func loadForRecs(ctx context.Context, fs *pflag.FlagSet, path string, k int, cat catalogFlag) (*model.Model, *dataset.Catalog, error) {
	if err := intIn(fs, "k", k, 1, maxK); err != nil {
		return nil, nil, err
	}
	m, err := model.LoadContext(ctx, path)
	if err != nil {
		return nil, nil, badInput(err)
	}
	catalog, err := cat.load(ctx)
	if err == nil && catalog != nil && !catalogKnows(catalog, m) {
		if !fs.Changed("catalog") {
			return m, nil, nil // the built-in course catalog, for a model of other items: ids only
		}
		err = badInput(fmt.Errorf("--catalog %s: names none of the model's items (ids like %s); give a catalog of them, or none", quote.Short(cat.path), quote.Short(m.Items.Raw(0))))
	}
	return m, catalog, err
}

// catalogKnows reports whether cat names one of the first items of m (a
// catalog of other items would label nothing, silently).
func catalogKnows(cat *dataset.Catalog, m *model.Model) bool {
	for i := range int32(min(m.Items.Len(), 1000)) {
		if _, ok := cat.Lookup(m.Items.Raw(i)); ok {
			return true
		}
	}
	return m.Items.Len() == 0
}

// writeRecs prints recommendations with titles and genres where the
// catalog has them, their scores under the heading score, and a note on a
// predicted rating beyond m's rating scale (m nil: no notes).
func writeRecs(w io.Writer, recs []model.Rec, cat *dataset.Catalog, score string, m *model.Model, es []model.Explanation) {
	fmt.Fprintf(w, "%-4s %-12s %16s  %s\n", "rank", "item", score, "title")
	biased := es != nil && m.HasItemBiases()
	for k, r := range recs {
		title := ""
		if cat != nil {
			if c, ok := cat.Lookup(r.Item); ok {
				title = c.Title
				if len(c.Genres) > 0 {
					title += " [" + strings.Join(c.Genres, ", ") + "]"
				}
			}
		}
		line := strings.TrimRight(fmt.Sprintf("%-4d %-12s %16.4f  %s", k+1, r.Item, r.Score, title), " ")
		if m != nil {
			switch r.Beyond {
			case 1:
				line += fmt.Sprintf("  (above %g, the top of the scale)", m.Max)
			case -1:
				line += fmt.Sprintf("  (below %g, the bottom of the scale)", m.Min)
			}
		}
		if r.New {
			line += "  (new: no training interaction, scored by its features)"
		}
		fmt.Fprintln(w, line)
		if es != nil {
			writeReasons(w, reasons(es[k], cat), biased)
		}
	}
}

// writeReasons prints a recommendation's reasons on a line of their own;
// biased says the model's scores have bias terms, which raise a score no
// rated item did.
func writeReasons(w io.Writer, rs []reasonJSON, biased bool) {
	switch {
	case len(rs) == 0 && biased:
		fmt.Fprintln(w, "     because: no rated item raised this score (its bias terms did)")
		return
	case len(rs) == 0:
		fmt.Fprintln(w, "     because: no rated item raised this score")
		return
	}
	parts := make([]string, len(rs))
	for k, r := range rs {
		name := r.Item
		if r.Title != "" {
			name = r.Title
		}
		parts[k] = fmt.Sprintf("%s (%g, %.0f%%)", name, float64(r.Rating), 100*float64(r.Share))
	}
	fmt.Fprintf(w, "     because you rated %s\n", strings.Join(parts, ", "))
}

// scoreLabel is the heading of m's recommendation scores.
func scoreLabel(m *model.Model) string {
	if m.ScoreName() == model.ScoreRating {
		return "predicted rating"
	}
	return m.ScoreName()
}

// recsJSON is recommend --json's object.
type recsJSON struct {
	User string `json:"user,omitempty"`
	// Rated is the number of --rated ratings folded in; Cold is set for a
	// cold start.
	Rated *int  `json:"rated,omitempty"`
	Cold  *bool `json:"cold,omitempty"`
	// ScoreKind is model.ScoreName: "rating" or "probability".
	ScoreKind string `json:"score_kind"`
	// SeenLeftOut says whether the user's seen items were left out (--user).
	SeenLeftOut *bool `json:"seen_left_out,omitempty"`
	// BecauseExact says whether the reasons split the scores shown
	// exactly (a learner folded in on dot or mf) or not (mlp, neumf:
	// leave-one-out; a known user: a refold); absent with no reasons,
	// when BecauseNote says why. The API says the same.
	BecauseExact *bool     `json:"because_exact,omitempty"`
	BecauseNote  string    `json:"because_note,omitempty"`
	Recs         []recJSON `json:"recommendations"`
}

type recJSON struct {
	Item   string       `json:"item"`
	Title  string       `json:"title,omitempty"`
	Genres []string     `json:"genres,omitempty"`
	Score  model.Number `json:"score"`
	// Beyond is +1 for a predicted rating above the top of the scale, -1
	// below its bottom.
	Beyond int `json:"beyond,omitempty"`
	// New is set for an item without an interaction in the rows the model
	// was trained on (item features): its score comes from its features
	// alone.
	New bool `json:"new,omitempty"`
	// Because names the rated items that raised the score most: [] when
	// none did, absent when there are no reasons (recsJSON.BecauseNote).
	Because *[]reasonJSON `json:"because,omitempty"`
}

// reasonJSON is a rated item's share of a recommendation's score.
type reasonJSON struct {
	Item   string       `json:"item"`
	Title  string       `json:"title,omitempty"`
	Rating model.Number `json:"rating"`
	Share  model.Number `json:"share"`
}

// reasons returns the rated items that raised e's score most
// (model.Explanation.Top), with their titles, ratings and shares.
func reasons(e model.Explanation, cat *dataset.Catalog) []reasonJSON {
	var out []reasonJSON
	for _, p := range e.Top(model.MaxReasons) {
		r := reasonJSON{Item: p.Item, Rating: model.Number(p.Rating), Share: model.Number(p.Share)}
		if c, ok := catalogLookup(cat, p.Item); ok {
			r.Title = c.Title
		}
		out = append(out, r)
	}
	return out
}

// catalogLookup returns the catalog's course of id, if there is a catalog.
func catalogLookup(cat *dataset.Catalog, id string) (dataset.Course, bool) {
	if cat == nil {
		return dataset.Course{}, false
	}
	return cat.Lookup(id)
}

// writeRecsJSON prints out as one JSON object with its recommendations
// and, where es has them (one a recommendation), their reasons.
func writeRecsJSON(w io.Writer, out recsJSON, recs []model.Rec, es []model.Explanation, cat *dataset.Catalog) error {
	out.Recs = make([]recJSON, len(recs))
	for k, r := range recs {
		j := recJSON{Item: r.Item, Score: model.Number(r.Score), Beyond: r.Beyond, New: r.New}
		if c, ok := catalogLookup(cat, r.Item); ok {
			j.Title, j.Genres = c.Title, c.Genres
		}
		if es != nil {
			rs := reasons(es[k], cat)
			if rs == nil {
				rs = []reasonJSON{}
			}
			j.Because = &rs
		}
		out.Recs[k] = j
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// parseRated reads "C1=5,C2=4" into a map of ratings; "" is none. An
// empty pair (A=4,,B=3, a trailing comma), an empty item, a rating that is
// not a number and an item given twice are errors naming --rated.
func parseRated(s string) (map[string]float64, error) {
	out := map[string]float64{}
	if strings.TrimSpace(s) == "" {
		return out, nil
	}
	for k, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			return nil, fmt.Errorf("--rated %s: pair %d is empty; want ITEM=RATING pairs like C1=5,C2=4", quote.Short(s), k+1)
		}
		id, v, ok := strings.Cut(part, "=")
		id = strings.TrimSpace(id)
		r, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if !ok || id == "" || err != nil || r != r {
			return nil, fmt.Errorf("--rated %s: want ITEM=RATING pairs like C1=5,C2=4", quote.Short(part))
		}
		if _, dup := out[id]; dup {
			return nil, fmt.Errorf("--rated: item %s is given twice", quote.Short(id))
		}
		out[id] = r
	}
	return out, nil
}

// minFoldInLambda is the least --lambda: a smaller penalty leaves the
// fold-in system of a few ratings numerically singular.
const minFoldInLambda = 1e-9

// recommendRun holds recommend's flags.
type recommendRun struct {
	path, user, rated   string
	k                   int
	lambda              float64
	cat                 catalogFlag
	includeSeen, asJSON bool
	explain             bool
}

func recommendCmd() *cobra.Command {
	var r recommendRun
	c := &cobra.Command{
		Use:   "recommend --model M [--user U | --rated ITEM=RATING,...]",
		Short: "Recommend the top-k items a user has not rated, or fold in a new learner's ratings",
		Long: `Recommend prints the k items with the highest predicted rating (original scale),
labelled with titles and genres from --catalog. Items are ranked by the model's
unclipped output, and that is the score printed (4 digits): a predicted rating can
pass the top of the rating scale, and the line says so.
With --user, a user the model knows is scored directly, leaving out the items the
user rated in training (the model file keeps them unless trained with --seen=false;
then the output says they cannot be left out); --include-seen keeps them. With --rated, a new learner
is folded in without retraining: their embedding and bias are solved by ridge
regression with the item tables fixed (an mlp or a neumf is fitted by 300 Adam
steps). --user and --rated cannot be given together. Each rating must be finite and
within the model's rating range (see summary); a model trained on one value (a table of
interactions, range 1..1) takes only that value. With neither, a cold-start ranking
by item bias is printed, and said to be one. An unknown item is an error.
A model of the implicit task predicts the probability of an interaction, not a
rating: its scores are printed under a "probability" heading; a kind whose scores
only order the items (ials, ease) prints them under "relevance".

--explain prints under each item the rated items (--rated's, or --user's training
ratings) that raised its score most, with their ratings and shares of all the
ratings' moves. For a learner folded in on dot or mf the split is exact; for mlp and
neumf each share is a leave-one-out refit (at most 10 ratings); a known user is
explained through a refold of their training ratings. A model that cannot explain
(mean, bias; no seen items kept for --user) refuses --explain.

--json prints one object: "user" (or "rated", the number of ratings folded in, and
"cold"), "score_kind" ("rating": a predicted rating, "probability", or "relevance"),
"seen_left_out" (with --user), "because_exact" (whether the reasons split the scores
exactly) or "because_note" (why there are none), and "recommendations", a list of
{"item", "title", "genres", "score", "beyond", "new", "because"}: "beyond" is 1 for a rating
above the top of the scale, -1 below its bottom, absent otherwise; "new" is true for an
item without an interaction in the training rows of a model with --item-features (scored by
its features; the text marks it "(new: no training interaction, ...)"), absent otherwise; "because" is a
list of {"item", "title", "rating", "share"}, the up to 3 rated items that raised the
score most ([] when none did); "title" and "genres" are absent where the catalog has
none.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return r.run(cmd) },
	}
	c.Flags().StringVar(&r.path, "model", "model.recnet", "model file")
	c.Flags().StringVar(&r.user, "user", "", "raw user id known to the model")
	c.Flags().StringVar(&r.rated, "rated", "", "a new learner's ratings, ITEM=RATING pairs separated by commas")
	c.Flags().IntVarP(&r.k, "k", "k", 10, fmt.Sprintf("length of the recommendation list, 1 to %d", maxK))
	c.Flags().BoolVar(&r.includeSeen, "include-seen", false, "with --user, keep the items the user rated in training among the recommendations")
	c.Flags().BoolVar(&r.asJSON, "json", false, "print one JSON object (see above) instead of the table")
	c.Flags().BoolVar(&r.explain, "explain", false, "under each item, the rated items (the --rated ones, or --user's in training) that raised its score most, with their shares (--json always has them)")
	c.Flags().Float64Var(&r.lambda, "lambda", 0, fmt.Sprintf("fold-in ridge penalty of --rated, at least %g and finite; refused with --user, without ratings or for a model that folds in with no penalty (ease) (default: the model's, model.DefaultFoldInLambda, model.DefaultDeepFoldInLambda or the l2 of ials)", minFoldInLambda))
	r.cat.register(c)
	return c
}

// check refuses flags that conflict or are out of range, and returns the
// --rated ratings.
func (r *recommendRun) check(fs *pflag.FlagSet) (map[string]float64, error) {
	if fs.Changed("user") && fs.Changed("rated") {
		return nil, badInput(errors.New("--user and --rated cannot be given together: --user scores a user the model knows, --rated folds in a new one"))
	}
	if err := nonEmpty(fs, "user", r.user); err != nil {
		return nil, err
	}
	if fs.Changed("include-seen") && r.user == "" {
		return nil, badInput(errors.New("--include-seen applies to --user: a new learner's --rated items are always left out"))
	}
	if r.explain && r.user == "" && strings.TrimSpace(r.rated) == "" {
		return nil, badInput(errors.New("--explain: a cold start has no rated item to explain its scores by; give --user or --rated"))
	}
	if fs.Changed("lambda") && !(r.lambda >= minFoldInLambda && model.Finite(r.lambda)) {
		return nil, badInput(fmt.Errorf("--lambda %g: must be at least %g (a smaller penalty leaves the fold-in system singular)", r.lambda, minFoldInLambda))
	}
	ratings, err := parseRated(r.rated)
	if err != nil {
		return nil, badInput(err)
	}
	if fs.Changed("lambda") {
		switch {
		case r.user != "":
			return nil, badInput(errors.New("--lambda: the fold-in penalty applies to --rated; --user scores a user the model knows"))
		case len(ratings) == 0:
			return nil, badInput(errors.New("--lambda: the fold-in penalty applies to --rated ratings; with none the ranking is a cold start by item bias"))
		}
	}
	return ratings, nil
}

// run checks the flags, loads the model and prints the recommendations.
func (r *recommendRun) run(cmd *cobra.Command) error {
	ratings, err := r.check(cmd.Flags())
	if err != nil {
		return err
	}
	m, catalog, err := loadForRecs(cmd.Context(), cmd.Flags(), r.path, r.k, r.cat)
	if err != nil {
		return err
	}
	if f, ok := m.Net.(model.FoldInNet); ok && f.FoldInLambda() == 0 && cmd.Flags().Changed("lambda") {
		return badInput(fmt.Errorf("--lambda: a model of kind %s folds in a learner with no penalty (its scores sum the rated items' weights)", m.Net.Kind()))
	}
	out := cmd.OutOrStdout()
	if r.user != "" {
		return r.known(cmd.Context(), out, m, catalog)
	}
	res, err := m.FoldIn(ratings, r.k, r.lambda) // it checks each rating (model.CheckRating)
	switch {
	case errors.Is(err, model.ErrBadRating):
		return badInput(fmt.Errorf("--rated: %w", err))
	case errors.Is(err, model.ErrUnknownItem):
		return badInput(err)
	case err != nil:
		return err
	}
	head := recsJSON{Rated: new(int), Cold: &res.Cold, ScoreKind: m.ScoreName()}
	*head.Rated = len(ratings)
	var es []model.Explanation
	if !res.Cold && (r.asJSON || r.explain) {
		es, err = m.Explain(cmd.Context(), ratings, model.Items(res.Recs), r.lambda)
		if err = firstErr(head.explained(es, err), r.explainable(head)); err != nil {
			return err
		}
	}
	if res.Cold {
		head.BecauseNote = "a cold start: no rated item to explain the scores by"
	}
	if r.asJSON {
		return writeRecsJSON(out, head, res.Recs, es, catalog)
	}
	if res.Cold {
		if m.ScoreName() == model.ScoreRelevance {
			fmt.Fprintf(out, "cold start: no ratings given, ranked by how many users took each item\n")
		} else {
			fmt.Fprintf(out, "cold start: no ratings given, ranked by item bias alone\n")
		}
	} else {
		fmt.Fprintf(out, "top %d for a new user folded in from %s (no retraining)\n", len(res.Recs), plural(len(ratings), "rating"))
	}
	r.writeNote(out, head, false)
	writeRecs(out, res.Recs, catalog, scoreLabel(m), m, es)
	return nil
}

// explained records in h whether explanations es are exact, or, for an
// error of a model that cannot explain, why there are none; another
// error is returned.
func (h *recsJSON) explained(es []model.Explanation, err error) error {
	switch {
	case errors.Is(err, model.ErrNoSeen):
		h.BecauseNote = noSeenNote + ": the user's ratings cannot explain the scores"
	case errors.Is(err, model.ErrUnsupported):
		h.BecauseNote = strings.TrimPrefix(err.Error(), "model: ")
	case err != nil:
		return err
	case len(es) > 0:
		h.BecauseExact = &es[0].Exact
	}
	return nil
}

// noSeenNote says why a model cannot leave out or explain by a known
// user's rated items.
const noSeenNote = "this model file keeps no seen items (trained with --seen=false, or written by an older recnet)"

// explainable refuses --explain, naming it, when h says there can be no
// reasons.
func (r *recommendRun) explainable(h recsJSON) error {
	if r.explain && h.BecauseNote != "" {
		return badInput(fmt.Errorf("--explain: %s", h.BecauseNote))
	}
	return nil
}

// writeNote prints, with --explain, how the reasons relate to the scores
// when they do not split them exactly.
func (r *recommendRun) writeNote(out io.Writer, h recsJSON, known bool) {
	switch {
	case !r.explain || h.BecauseExact == nil || *h.BecauseExact:
	case known:
		fmt.Fprintln(out, "reasons: the shares split the score of the user folded in again from their training ratings, which is near the score shown but not it")
	default:
		fmt.Fprintln(out, "reasons approximate: each share is how much the score drops when that rating is left out of the fold-in")
	}
}

// known prints the recommendations of the known user --user.
func (r *recommendRun) known(ctx context.Context, out io.Writer, m *model.Model, catalog *dataset.Catalog) error {
	recs, err := m.Recommend(r.user, r.k, model.RecommendOptions{IncludeSeen: r.includeSeen})
	if errors.Is(err, model.ErrColdUser) {
		return badInput(fmt.Errorf("--user: %w (--rated ITEM=RATING,...)", err))
	}
	if err != nil {
		return badInput(err)
	}
	left := m.HasSeen() && !r.includeSeen
	head := recsJSON{User: r.user, ScoreKind: m.ScoreName(), SeenLeftOut: &left}
	var es []model.Explanation
	if r.asJSON || r.explain {
		es, err = m.ExplainUser(ctx, r.user, model.Items(recs), 0)
		if err = firstErr(head.explained(es, err), r.explainable(head)); err != nil {
			return err
		}
	}
	if r.asJSON {
		return writeRecsJSON(out, head, recs, es, catalog)
	}
	fmt.Fprintf(out, "top %d for user %s\n", len(recs), r.user)
	switch {
	case !m.HasSeen():
		fmt.Fprintln(out, noSeenNote+": items the user rated cannot be left out")
	case r.includeSeen:
		fmt.Fprintln(out, "items the user rated in training are included (--include-seen)")
	}
	r.writeNote(out, head, true)
	writeRecs(out, recs, catalog, scoreLabel(m), m, es)
	return nil
}

func similarCmd() *cobra.Command {
	var (
		path, item string
		k          int
		cat        catalogFlag
	)
	c := &cobra.Command{
		Use:   "similar --model M --item I",
		Short: "Print the items nearest to an item by cosine similarity of item embeddings",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := nonEmpty(cmd.Flags(), "item", item); err != nil {
				return err
			}
			m, catalog, err := loadForRecs(cmd.Context(), cmd.Flags(), path, k, cat)
			if err != nil {
				return err
			}
			recs, err := m.Similar(item, k)
			if err != nil {
				return badInput(err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "items like %s\n", item)
			writeRecs(cmd.OutOrStdout(), recs, catalog, "cosine", nil, nil)
			return nil
		},
	}
	c.Flags().StringVar(&path, "model", "model.recnet", "model file")
	c.Flags().StringVar(&item, "item", "", "raw item id")
	c.Flags().IntVarP(&k, "k", "k", 10, fmt.Sprintf("length of the recommendation list, 1 to %d", maxK))
	c.MarkFlagRequired("item")
	cat.register(c)
	return c
}
