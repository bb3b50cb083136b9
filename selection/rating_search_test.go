package selection_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
	"github.com/recnet/recnet/selection"
)

// The search that chose the rating defaults (see the README), run only
// when asked:
//
//	go test -count=1 -run TestRatingDefaultsSearch -timeout 0 ./selection/ \
//	    -args -rating-search DIR -rating-kinds dot,mf
//
// It cross-validates (CrossValidate, -search-folds folds, seed 42) each
// setting of a small grid per kind, beside the bias baseline, on
// ml-latest-small (RECNET_MLS) and on generated tables (the built-in
// course ratings and two MovieLens-shaped tables), and ranks the settings
// by ratingRegret. It appends every fold to DIR/rating.jsonl and the
// ranking to DIR/rating-summary.txt.
var (
	ratingSearch = flag.String("rating-search", "", "run the rating defaults search, writing its results to this directory")
	ratingKinds  = flag.String("rating-kinds", "dot,mf", "kinds the rating defaults search covers")
)

// ratingTables returns the tables of the rating search: ml-latest-small
// when present, then the built-in course ratings (whose RMSE must not get
// worse) and MovieLens-shaped tables of 100,000 rows.
func ratingTables(t *testing.T) []*dataset.Dataset {
	out := searchTables(t)
	for k, d := range out {
		if strings.HasPrefix(d.Name, "courses/") {
			out[k] = dataset.Builtin()
			out[k].Name = coursesTable
		}
	}
	return out
}

// coursesTable names the built-in course ratings in the rating search.
const coursesTable = "builtin"

// ratingGrid returns the settings the rating search tries for a kind, its
// current defaults first, then one setting changed at a time.
func ratingGrid(kind string) []model.Config {
	name, _, _ := strings.Cut(kind, "-") // dot-batch searches dot
	base := model.Config{Kind: name}
	out := []model.Config{base}
	add := func(set func(c *model.Config)) {
		c := base
		set(&c)
		out = append(out, c)
	}
	switch kind {
	case "dot": // searched from dim 32, l2 1e-4, bias l2 1e-5, lr 0.001, batch 256 (now dim 64, batch 128)
		for _, d := range []int{64, 128} {
			add(func(c *model.Config) { c.Dim = d })
		}
		for _, l2 := range []float64{3e-5, 3e-4} {
			add(func(c *model.Config) { c.L2 = l2 })
		}
		add(func(c *model.Config) { c.BiasL2 = 1e-4 })
		for _, lr := range []float64{5e-4, 0.002} {
			add(func(c *model.Config) { c.LR = lr })
		}
		for _, b := range []int{128, 512} {
			add(func(c *model.Config) { c.Batch = b })
		}
	case "dot-batch":
		// Batch 128 beat the defaults above on every table; around it,
		// one more setting changed at a time.
		for _, b := range []int{64, 128} {
			add(func(c *model.Config) { c.Batch = b })
		}
		for _, set := range []func(c *model.Config){
			func(c *model.Config) { c.Dim = 64 },
			func(c *model.Config) { c.L2 = 3e-5 },
			func(c *model.Config) { c.L2 = 2e-4 },
			func(c *model.Config) { c.LR = 5e-4 },
			func(c *model.Config) { c.BiasL2 = 1e-4 },
			func(c *model.Config) { c.Patience = 5 },
		} {
			add(func(c *model.Config) { c.Batch = 128; set(c) })
		}
	case "dot-combined":
		// The two best of dot-batch (batch 128 with lr 5e-4, batch 128
		// with dim 64), and the two together.
		for _, set := range []func(c *model.Config){
			func(c *model.Config) { c.LR = 5e-4 },
			func(c *model.Config) { c.Dim = 64 },
			func(c *model.Config) { c.Dim, c.LR = 64, 5e-4 },
			func(c *model.Config) { c.Dim, c.LR = 128, 5e-4 },
		} {
			add(func(c *model.Config) { c.Batch = 128; set(c) })
		}
	case "mf": // dim 64, lr 0.03, l2 0.005, bias l2 0.02
		for _, d := range []int{32, 128} {
			add(func(c *model.Config) { c.Dim = d })
		}
		for _, l2 := range []float64{0.002, 0.01, 0.02} {
			add(func(c *model.Config) { c.L2 = l2 })
		}
		add(func(c *model.Config) { c.BiasL2 = 0.005 })
		for _, lr := range []float64{0.01, 0.05} {
			add(func(c *model.Config) { c.LR = lr })
		}
	case "nmf": // dim 100, l2 0.015
		for _, d := range []int{15, 50} {
			add(func(c *model.Config) { c.Dim = d })
		}
		for _, l2 := range []float64{0.06, 0.15} {
			add(func(c *model.Config) { c.L2 = l2 })
		}
	case "mlp", "neumf": // dim 32, l2 1e-4, lr 0.001
		add(func(c *model.Config) { c.Dim = 64 })
		for _, l2 := range []float64{3e-5, 3e-4} {
			add(func(c *model.Config) { c.L2 = l2 })
		}
		add(func(c *model.Config) { c.LR = 0.002 })
	case "mlp-more": // around the best of mlp above, lr 0.002
		for _, set := range []func(c *model.Config){
			func(c *model.Config) {},
			func(c *model.Config) { c.L2 = 3e-4 },
			func(c *model.Config) { c.Dim = 64 },
		} {
			add(func(c *model.Config) { c.LR = 0.002; set(c) })
		}
	case "neumf-more": // around the best of neumf above, l2 3e-5
		for _, set := range []func(c *model.Config){
			func(c *model.Config) {},
			func(c *model.Config) { c.L2 = 1e-5 },
			func(c *model.Config) { c.LR = 0.002 },
			func(c *model.Config) { c.Dim = 64 },
		} {
			add(func(c *model.Config) { c.L2 = 3e-5; set(c) })
		}
	case "autorec": // dim 500, l2 3, lr 0.002
		for _, l2 := range []float64{1, 10} {
			add(func(c *model.Config) { c.L2 = l2 })
		}
	}
	return out
}

// ratingRecord is one line of rating.jsonl: a setting's folds on a table.
type ratingRecord struct {
	Kind, Setting, Table string
	RMSE, BiasRMSE       []float64
	FitSeconds           []float64
	BestEpochs           []int
}

// TestRatingDefaultsSearch runs the rating search (see ratingSearch).
func TestRatingDefaultsSearch(t *testing.T) {
	if *ratingSearch == "" {
		t.Skip("the rating defaults search runs with -rating-search DIR (it takes many minutes)")
	}
	if err := os.MkdirAll(*ratingSearch, 0o755); err != nil {
		t.Fatal(err)
	}
	tables := ratingTables(t)
	for _, kind := range strings.Split(*ratingKinds, ",") {
		searchRatingKind(t, kind, tables)
	}
}

// searchRatingKind cross-validates the grid of kind beside bias on every
// table, appends the folds to rating.jsonl and the ranking of the
// settings to rating-summary.txt.
func searchRatingKind(t *testing.T, kind string, tables []*dataset.Dataset) {
	grid := ratingGrid(kind)
	raw := appendTo(t, *ratingSearch, "rating.jsonl")
	defer raw.Close()
	rmse := make([][]float64, len(grid)) // mean RMSE, a table each
	var bias []float64
	for _, d := range tables {
		cfgs := append(slices.Clone(grid), model.Config{Kind: "bias"})
		res, err := selection.CrossValidate(context.Background(), d, cfgs, *searchFolds, 42)
		if err != nil {
			t.Fatalf("%s on %s: %v", kind, d.Name, err)
		}
		b := res.Models[len(grid)]
		bias = append(bias, b.RMSE.Mean)
		for k, m := range res.Models[:len(grid)] {
			rec := ratingRecord{Kind: kind, Setting: settingName(grid[k]), Table: d.Name}
			for j, f := range m.Folds {
				rec.RMSE, rec.BiasRMSE = append(rec.RMSE, f.RMSE), append(rec.BiasRMSE, b.Folds[j].RMSE)
				rec.FitSeconds, rec.BestEpochs = append(rec.FitSeconds, f.FitSeconds), append(rec.BestEpochs, f.BestEpoch)
			}
			line, _ := json.Marshal(rec)
			fmt.Fprintln(raw, string(line))
			rmse[k] = append(rmse[k], m.RMSE.Mean)
		}
		t.Logf("%s on %s done in %.0fs", kind, d.Name, res.WallSeconds)
	}
	names := make([]string, len(tables))
	for j, d := range tables {
		names[j] = d.Name
	}
	summary := ratingSummary(kind, grid, names, rmse, bias)
	t.Log("\n" + summary)
	sum := appendTo(t, *ratingSearch, "rating-summary.txt")
	defer sum.Close()
	fmt.Fprint(sum, summary)
}

// ratingSummary ranks the settings of grid (grid[0] the current
// defaults) by ratingRegret, with the mean RMSE of each on each table.
func ratingSummary(kind string, grid []model.Config, tables []string, rmse [][]float64, bias []float64) string {
	regret, worse := ratingRegret(rmse, slices.Index(tables, coursesTable))
	order := make([]int, len(grid))
	for k := range order {
		order[k] = k
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmpFloat(regret[a], regret[b]) })
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d settings, %d-fold cross-validation (test RMSE) on %s; by the largest regret over the tables (RMSE over the best setting's there), settings that worsen %s last\n", kind, len(grid), *searchFolds, strings.Join(tables, ", "), coursesTable)
	fmt.Fprintf(&b, "  %-46s", "bias")
	for j := range tables {
		fmt.Fprintf(&b, " %.4f", bias[j])
	}
	b.WriteString("\n")
	for _, k := range order {
		mark := ""
		if worse[k] {
			mark = " (worse on " + coursesTable + ")"
		}
		fmt.Fprintf(&b, "  %-46s", settingName(grid[k]))
		for j := range tables {
			fmt.Fprintf(&b, " %.4f", rmse[k][j])
		}
		fmt.Fprintf(&b, "  regret %+.2f%%%s\n", 100*regret[k], mark)
	}
	return b.String()
}

// ratingRegret is the decision rule of the rating search. rmse[k][j] is
// setting k's mean RMSE on table j, and setting 0 is the current
// defaults. A setting's regret on a table is its RMSE over the best
// setting's there, less one; its score is its largest regret over the
// tables, so that a setting that holds on every table beats one that is
// best on some and poor on another. A setting whose RMSE on table courses
// (-1: none) is above the defaults' is marked worse and ranks after every
// other (its regret gets 1 added).
func ratingRegret(rmse [][]float64, courses int) (regret []float64, worse []bool) {
	regret, worse = make([]float64, len(rmse)), make([]bool, len(rmse))
	for j := range rmse[0] {
		best := math.Inf(1)
		for k := range rmse {
			best = math.Min(best, rmse[k][j])
		}
		for k := range rmse {
			regret[k] = math.Max(regret[k], rmse[k][j]/best-1)
		}
	}
	for k := range rmse {
		if courses >= 0 && rmse[k][courses] > rmse[0][courses] {
			worse[k] = true
			regret[k]++
		}
	}
	return regret, worse
}

// TestRatingRegret: the largest regret over the tables decides, and a
// setting worse than the defaults on the course table ranks last.
func TestRatingRegret(t *testing.T) {
	rmse := [][]float64{
		{1.00, 0.50}, // defaults
		{0.90, 0.55}, // best on table 0, worse on the courses (table 1)
		{0.95, 0.49}, // holds on both
	}
	regret, worse := ratingRegret(rmse, 1)
	if !worse[1] || worse[0] || worse[2] {
		t.Errorf("worse = %v, want only setting 1", worse)
	}
	if !(regret[2] < regret[0] && regret[0] < regret[1]) {
		t.Errorf("regret = %v, want setting 2 < defaults < setting 1", regret)
	}
	if math.Abs(regret[2]-(0.95/0.90-1)) > 1e-12 {
		t.Errorf("regret[2] = %v, want %v", regret[2], 0.95/0.90-1)
	}
}
