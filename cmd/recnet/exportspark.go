package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/recnet/recnet/model"
	"github.com/recnet/recnet/model/sparkals"
	"github.com/spf13/cobra"
)

// The formats of export --format.
const (
	formatCSV      = "csv"
	formatSparkALS = "spark-als"
)

var exportFormats = []string{formatCSV, formatSparkALS}

const exportFormatUsage = "format of the embeddings written: csv (user_embeddings.csv, item_embeddings.csv and their .npy twins) or spark-als: the directory Spark 3's ALSModel.save writes (metadata, userFactors and itemFactors as Parquet; Spark ALS.load reads it), for dot with a linear output, mf and ials only: biases, mean and the rating scale are folded into up to three extra columns (user_bias, offset, item_bias; recnet-ids/model.json says which, and lets import give back a dot model to the bit) so that Spark's prediction (the dot product) is the model's rating; raw ids that are not all integers within int32 are numbered and mapped in DIR/recnet-ids/users.csv and items.csv"

// sparkDirRule is the --help of --dir for the spark-als format.
const sparkDirRule = "the whole directory is written beside it under a temporary name and renamed; an existing directory is replaced only when empty or a saved ALSModel (only metadata, userFactors, itemFactors and recnet-ids in it), anything else is refused"

// exportSparkALS writes m into dir as a saved Spark ALSModel and says
// what it wrote.
func exportSparkALS(cmd *cobra.Command, m *model.Model, dir string) error {
	if err := sparkals.CheckTarget(dir); err != nil {
		return badInput(fmt.Errorf("--dir: %w", err))
	}
	w, err := sparkals.Write(dir, m, sparkals.Options{})
	switch {
	case errors.Is(err, model.ErrUnsupported):
		return badInput(err)
	case errors.Is(err, sparkals.ErrTarget):
		return badInput(fmt.Errorf("--dir: %w", err))
	case err != nil:
		return err
	}
	out := cmd.OutOrStdout()
	fmt.Fprintf(out, "%s: Spark ALSModel, rank %d, %d users, %d items\n", dir, w.Rank, m.Users.Len(), m.Items.Len())
	if len(w.Columns) > 0 || w.Scale != 1 {
		fmt.Fprintf(out, "folded in: %s (Spark's prediction is the model's rating)\n", foldSays(w))
	}
	for _, side := range []struct{ what, path string }{{"user", w.UserMap}, {"item", w.ItemMap}} {
		if side.path == "" {
			fmt.Fprintf(out, "%s ids: the raw ids (integers within int32)\n", side.what)
		} else {
			fmt.Fprintf(out, "%s ids: numbered 0..n-1, raw ids in %s\n", side.what, side.path)
		}
	}
	return nil
}

// foldSays says what Write folded into the vectors.
func foldSays(w sparkals.Written) string {
	var parts []string
	if w.Scale != 1 {
		parts = append(parts, fmt.Sprintf("user factors scaled by %g", w.Scale))
	}
	for _, c := range w.Columns {
		parts = append(parts, fmt.Sprintf("column %s", c))
	}
	return strings.Join(parts, ", ")
}
