package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/recnet/recnet/eval"
	"github.com/recnet/recnet/model"
	"github.com/recnet/recnet/train"
	"github.com/spf13/cobra"
)

func cvCmd() *cobra.Command {
	var (
		data, format string
		columns      string
		models       string
		preset       string
		folds        int
		seed         uint64
		workers      int
		validShare   float64
		asJSON       bool
		quiet        bool
	)
	c := &cobra.Command{
		Use:   "cv",
		Short: "Cross-validate models on the same k folds (Surprise's cross_validate table)",
		Long: `Cv shuffles the ratings with --seed, cuts them into --folds folds and, for every
model of --models, trains on all folds but one and tests on that one, so that each
model sees exactly the same folds. It prints Surprise's table per model (RMSE and
MAE per fold with their mean and standard deviation, fit and test time), then a
summary sorted by RMSE with the baselines beside the models.

Every model takes its kind's defaults; --preset (default or seed) applies to dot.
Models that stop early (dot, mlp, neumf, mf, nmf) validate on --valid-share of each training
fold (drawn from --seed, the same rows for every model) and train on the rest; the
baselines (mean, bias) fit on the whole training folds. The (model, fold) jobs run
on --workers goroutines (default: all cores); fit and test times are per job.
A model whose training diverges on a fold (its loss becomes NaN or infinite) is
marked diverged there, in the table and the JSON, with NaN scores, and sorted last;
cv fails (exit 1) only when every job diverges.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := firstErr(intIn(cmd.Flags(), "workers", workers, 1, maxWorkers), seedSet(cmd.Flags(), seed)); err != nil {
				return err
			}
			cfgs, err := cvConfigs(models, preset, seed)
			if err != nil {
				return badInput(err)
			}
			if err := intIn(cmd.Flags(), "folds", folds, 2, maxFolds); err != nil {
				return err
			}
			if err := checkValidShare(cmd.Flags(), validShare, false); err != nil {
				return err
			}
			d, err := loadDataset(cmd.Context(), data, format, columns, "")
			if err != nil {
				return err
			}
			if d.Len() < 2*folds {
				return badInput(fmt.Errorf("%s has %d rows: too few for %d folds", d.Name, d.Len(), folds))
			}
			errw := cmd.ErrOrStderr()
			opts := []eval.Option{eval.WithWorkers(workers), eval.WithValidShare(validShare)}
			if !quiet {
				fmt.Fprintf(errw, "data %s: %s; %d folds, seed %d\n", d.Name, d, folds, seed)
				if d.Layout != "" {
					fmt.Fprintf(errw, "columns %s\n", d.Layout)
				}
				opts = append(opts, eval.WithCVProgress(func(p eval.CVProgress) {
					if p.Score.Diverged {
						fmt.Fprintf(errw, "[%d/%d] %s fold %d: diverged (the loss became NaN or infinite), fit %.2fs\n", p.Done, p.Total, p.Model, p.Fold, p.Score.FitSeconds)
						return
					}
					fmt.Fprintf(errw, "[%d/%d] %s fold %d: RMSE %.4f, MAE %.4f, fit %.2fs\n",
						p.Done, p.Total, p.Model, p.Fold, p.Score.RMSE, p.Score.MAE, p.Score.FitSeconds)
				}))
			}
			res, err := eval.CrossValidate(cmd.Context(), d, cfgs, folds, seed, opts...)
			if err != nil {
				return err
			}
			if asJSON {
				e := json.NewEncoder(cmd.OutOrStdout())
				e.SetIndent("", "  ")
				return e.Encode(res)
			}
			return res.WriteTable(cmd.OutOrStdout())
		},
	}
	f := c.Flags()
	f.StringVar(&data, "data", "builtin", dataUsage)
	f.StringVar(&format, "format", "auto", formatUsage)
	f.StringVar(&columns, "columns", "", columnsUsage)
	f.StringVar(&models, "models", strings.Join(train.Models(), ","), "comma-separated model kinds to evaluate")
	f.StringVar(&preset, "preset", "default", "settings of dot: default (recnet's) or seed (the original lab); other kinds take their defaults")
	f.IntVar(&folds, "folds", 5, fmt.Sprintf("number of folds, 2 to %d", maxFolds))
	f.Uint64Var(&seed, "seed", 42, "seed of the fold shuffle, the validation rows and the training"+seedRule)
	f.IntVar(&workers, "workers", 0, fmt.Sprintf("jobs run at once, 1 to %d (default: all cores)", maxWorkers))
	f.Float64Var(&validShare, "valid-share", 0.1, validShareUsage+", and above 0 (each fold's training stops early on it)")
	f.BoolVar(&asJSON, "json", false, "print the result as one JSON object instead of the table")
	f.BoolVarP(&quiet, "quiet", "q", false, "no progress on stderr")
	return c
}

// cvConfigs returns the configuration of each named model: the kind's
// defaults, the preset for dot, seeded with seed.
func cvConfigs(models, preset string, seed uint64) ([]model.Config, error) {
	known := train.Models()
	p, err := model.Preset(preset)
	if err != nil {
		return nil, fmt.Errorf("--preset: %w", err)
	}
	var cfgs []model.Config
	for _, name := range strings.Split(models, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		if !slices.Contains(known, name) {
			return nil, fmt.Errorf("--models: unknown model %q (known: %s)", name, strings.Join(known, ", "))
		}
		c := model.Config{Model: name}.WithDefaults()
		if name == p.Model {
			c = p
		}
		c.Seed = seed
		cfgs = append(cfgs, c)
	}
	if len(cfgs) == 0 {
		return nil, fmt.Errorf("--models %q names no model (known: %s)", models, strings.Join(known, ", "))
	}
	return cfgs, nil
}
