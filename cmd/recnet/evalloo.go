package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/eval"
	"github.com/recnet/recnet/model"
	"github.com/recnet/recnet/report"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// This file is eval --protocol loo with --model: the full ranking of a
// saved model, which eval.go's evalNCF does for a model it trains.

// evalLOOSaved ranks each test interaction of the data flags' split (or of
// a --test file alone) among all the items its user has not interacted
// with in the saved model's training (its seen items), and reports HR@k,
// NDCG@k and recall@k beside most-popular.
func evalLOOSaved(cmd *cobra.Command, df *dataFlags, ef *evalFlags) error {
	m, err := model.LoadContext(cmd.Context(), ef.model)
	if err != nil {
		return badInput(err)
	}
	s, rows, dups, err := heldOut(cmd.Context(), df, m)
	if err != nil {
		return err
	}
	ms, sk, err := evalTestRows(m, s)
	if err != nil {
		return err
	}
	e := evalLOORun{m: m, tested: ms.Test.Len(), sk: sk, data: report.NewData(s, rows, dups)}
	e.data.Split = df.splitUsed(s)
	if df.test != "" && df.train == "" {
		e.data.Split = &report.SplitUsed{Kind: report.SplitFiles}
	}
	if df.train != "" || df.test == "" {
		e.lines = df.dataLines(s, rows, s)
	} else {
		e.lines = fmt.Sprintf("data: test %s: %d rows, %d users, %d items\n", df.test, rows, s.Users.Len(), s.Items.Len()) + columnsLine(s.Layout)
	}
	var seen dataset.Ratings
	seen, e.excluded = fittedRows(m, ms)
	// Every held-out interaction is relevant; most-popular counts the
	// interactions the ranking leaves out.
	c := eval.CompareRanking(m.Net, seen, seen, ms.Test, m.Items.Len(), ef.k)
	e.full = c
	if ef.asJSON {
		return evalWriteJSON(cmd.OutOrStdout(), e.json(ef.model))
	}
	e.write(cmd.OutOrStdout(), ef.model)
	return nil
}

// heldOut returns the rows eval --protocol loo --model tests on: the
// split the data flags give (as train rebuilds it), or a --test file
// alone, whose rows are all test rows; then the rows read and the
// duplicates. A --test file alone needs a model that keeps its seen items.
func heldOut(ctx context.Context, df *dataFlags, m *model.Model) (*dataset.Split, int, int, error) {
	if df.test == "" || df.train != "" {
		return df.load(ctx)
	}
	if df.valid != "" {
		return nil, 0, 0, badInput(errors.New("--valid: applies with --train; --test alone holds the rows to rank, and the model's seen items are left out"))
	}
	if !m.HasSeen() {
		return nil, 0, 0, badInput(errors.New("--test alone: the model keeps no seen items (trained with --seen=false or on too many items) to leave out of the ranking; give --train too"))
	}
	opt, err := loadOptions(df.format, df.columns, false)
	if err != nil {
		return nil, 0, 0, err
	}
	d, err := dataset.Load(ctx, df.test, opt)
	if err != nil {
		return nil, 0, 0, badInput(columnsErr(err))
	}
	lo, hi := d.Range()
	return &dataset.Split{Name: d.Name, Users: d.Users, Items: d.Items, Min: lo, Max: hi, Unrated: d.Unrated, Layout: d.Layout,
		Test: d.Ratings}, d.Len(), d.Duplicates, nil
}

// seenRatings returns the seen items m keeps as rows, in inner ids.
func seenRatings(m *model.Model) dataset.Ratings {
	var r dataset.Ratings
	for u := range int32(m.Users.Len()) {
		items, ratings := m.SeenItems(u)
		for k, i := range items {
			r.Append(u, i, ratings[k])
		}
	}
	return r
}

// looSavedOnly refuses, for --protocol loo with --model, the flags that
// apply only when eval trains its model, and --relevant: every held-out
// interaction is relevant.
func (r *evalRun) looSavedOnly(fs *pflag.FlagSet) error {
	if fs.Changed("relevant") {
		return badInput(errors.New("--relevant: does not apply to --protocol loo, where every held-out interaction is relevant"))
	}
	return r.trainingOnly(fs, "without --model", "--protocol loo with --model ranks every item the user has not interacted with (no sampled figures)",
		"--protocol loo with --model evaluates the saved model as it is")
}

// evalLOORun is what evalLOOSaved measured, for its report.
type evalLOORun struct {
	m        *model.Model
	data     report.Data
	tested   int // test rows the model knows
	sk       evalSkipped
	lines    string // what was read
	excluded string // the items each ranking leaves out
	full     eval.RankingComparison
}

// evalLOOJSON is the JSON object of eval --protocol loo --model.
type evalLOOJSON struct {
	Protocol string        `json:"protocol"`
	Data     report.Data   `json:"data"`
	Model    evalModelJSON `json:"model"`
	Skipped  evalSkipped   `json:"skipped"`
	Full     evalFullJSON  `json:"full_ranking"`
}

// json returns the evaluation's JSON object; path is the model file.
func (e *evalLOORun) json(path string) evalLOOJSON {
	return evalLOOJSON{Protocol: "loo", Data: e.data, Model: evalModelJSON{path, e.m.Config.Kind}, Skipped: e.sk,
		Full: fullJSON(e.full, "items not among "+e.excluded)}
}

// write prints the evaluation's report; path is the model file.
func (e *evalLOORun) write(out io.Writer, path string) {
	f, sk := e.full, e.sk
	fmt.Fprint(out, e.lines)
	fmt.Fprintf(out, "model %s: %s, %d users, %d items\n", path, e.m.Config.Kind, e.m.Users.Len(), e.m.Items.Len())
	fmt.Fprintf(out, "test rows: %d evaluated, %d skipped (unknown to the model: %d by user, %d by item)\n",
		e.tested, sk.TestRows, sk.UnknownUser, sk.UnknownItem)
	fmt.Fprintf(out, "\nfull ranking: each user's held-out interactions ranked among all %d items but %s; every one is relevant\n", f.Model.Items, e.excluded)
	fmt.Fprintf(out, "%d users ranked; %d whose held-out items are all among them, left out of the averages\n", f.Model.Users, f.Model.NoRelevant)
	writeFull(out, e.m.Config.Kind, f)
}

// fittedRows returns the rows saved model m was fitted on, as far as it
// can tell, and says which they are: its seen items, or, when it keeps
// none, the training and validation rows of the split ms.
func fittedRows(m *model.Model, ms *dataset.Split) (dataset.Ratings, string) {
	if m.HasSeen() {
		return seenRatings(m), "the model's seen items (its training and validation interactions)"
	}
	return dataset.Concat(ms.Train, ms.Valid), "the training and validation rows of the split (the model keeps no seen items)"
}
