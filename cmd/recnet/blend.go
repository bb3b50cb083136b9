package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/internal/quote"
	"github.com/recnet/recnet/model"
	"github.com/recnet/recnet/report"
	"github.com/recnet/recnet/train"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// blendRun holds blend's flags: train's, and the member kinds.
type blendRun struct {
	trainRun
	kinds string
}

func blendCmd() *cobra.Command {
	var r blendRun
	c := &cobra.Command{
		Use:   model.BlendKind,
		Short: "Fit several kinds and a non-negative linear blend of them, tested beside each",
		Long: `Blend reads and splits ratings as train does (the same --data, --split and --seed),
fits a model of each kind of --kinds on the training part (each with its defaults,
early stopping on the validation part as usual), then fits non-negative weights
and an intercept on the validation part: c + Σ w_k·(member k's score), w_k ≥ 0,
by non-negative least squares (Lawson and Hanson's active set, exact). It reports
the test RMSE and MAE of the blend beside every member and the global-mean and
bias baselines. The members are not refitted on the training and validation parts
together: the weights fit the members as they are.

A member kind must predict ratings: kinds of the implicit task only are refused,
and so is a blend in a blend. A setting flag applies to the one member of --kinds
that reads it; a flag that none reads, or that more than one reads, is refused
(exit 2) naming it: fit such members with train and blend kinds whose settings do
not collide. --seed and --scale apply to every member. --out saves one model file
(kind ` + model.BlendKind + `) that predicts, recommends, folds in a new learner (each member
folds in, and their scores are blended), explains (the members' explanations,
weighted), serves and summarizes like any other.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return r.run(cmd) },
	}
	fs := c.Flags()
	r.df.register(fs)
	r.cf.register(fs)
	fs.StringVar(&r.kinds, "kinds", strings.Join(model.DefaultBlendMembers, ","), "comma-separated model kinds to blend, each once, of the rating task (known: "+strings.Join(blendKinds(), ", ")+")")
	fs.StringVar(&r.out, "out", "", "save the blend to this model file"+outputRule)
	fs.BoolVar(&r.asJSON, "json", false, "print one JSON object to stdout instead of the report (train's, with the members)")
	fs.BoolVarP(&r.quiet, "quiet", "q", false, "no progress: no epoch lines (with --json, nothing on stderr)")
	fs.BoolVar(&r.seen, "seen", true, seenUsage())
	fs.Float64Var(&r.vshare, "valid-share", 0.1, validShareUsage+"; the members stop early and the weights are fitted on it")
	return c
}

// blendKinds returns the kinds a blend takes as members: those train
// trains that learn ratings, but the blend.
func blendKinds() []string {
	return slices.DeleteFunc(ratingKinds(), func(k string) bool { return k == model.BlendKind })
}

// run checks the flags, loads the data, fits the blend, reports and saves.
func (r *blendRun) run(cmd *cobra.Command) error {
	fs := cmd.Flags()
	cfg, err := r.config(fs)
	if err != nil {
		return err
	}
	err = firstErr(featuresApply(r.df.itemFeatures, cfg), validShareApplies(fs, &r.df, r.vshare, false, false, ""), r.df.check(fs), r.seenApplies(fs, cfg.Kind),
		checkOutputs(r.df.inputs(), "out", r.out))
	if err != nil {
		return err
	}
	lines := reportLines(cmd, r.asJSON, r.quiet)
	s, rows, dups, err := r.load(cmd, lines, cfg.Task)
	if err != nil {
		return err
	}
	if s.Valid.Len() == 0 {
		return badInput(errors.New("a blend fits its weights on the validation part, and there is none: give --split a validation fraction, --valid, or --valid-share above 0"))
	}
	fmt.Fprintln(lines, describe(cfg))
	var opts []train.Option
	if !r.quiet {
		opts = append(opts, train.WithProgress(func(p train.Progress) {
			if p.End != nil {
				fmt.Fprintln(lines, report.EpochLine(*p.End, p.Epochs))
			}
		}))
	}
	if !r.seen {
		opts = append(opts, train.WithoutSeen())
	}
	start := time.Now()
	m, err := train.Fit(cmd.Context(), s, cfg, opts...)
	if err != nil {
		return divergedHint(err, fs, cfg, true)
	}
	took := time.Since(start)
	res := report.New(m, s, rows, dups)
	res.Data.Split = r.df.splitUsed(s)
	members := blendMembers(m, s)
	if err := r.save(m); err != nil {
		return err
	}
	if r.asJSON {
		return writeBlendJSON(cmd.OutOrStdout(), res, members, m)
	}
	fmt.Fprintf(lines, "fitted in %.2fs\n", took.Seconds())
	writeMembers(lines, members, m, s.Valid.Len())
	if err := res.WriteTest(lines); err != nil {
		return err
	}
	if r.out != "" {
		fmt.Fprintf(lines, "model saved: %s\n", r.out)
	}
	return nil
}

// blendMember is a member's line of the report.
type blendMember struct {
	Kind      string         `json:"kind"`
	Config    model.Config   `json:"config"`
	Weight    float64        `json:"weight"`
	Valid     model.Accuracy `json:"valid"`
	Test      model.Accuracy `json:"test"`
	BestEpoch int            `json:"-"`
}

// blendMembers scores each member of the blend m alone on the validation
// and test parts of s.
func blendMembers(m *model.Model, s *dataset.Split) []blendMember {
	b := m.Net.(*model.Blend)
	out := make([]blendMember, len(b.Members))
	for k := range b.Members {
		mk := m.Member(k)
		out[k] = blendMember{Kind: mk.Net.Kind(), Config: mk.Config, Weight: float64(b.Weights[k]),
			Valid: mk.Test(s.Valid), Test: mk.Test(s.Test)}
	}
	out = append(out, blendMember{Kind: model.BlendKind, Weight: float64(b.Intercept()), Valid: m.Test(s.Valid), Test: m.Test(s.Test)})
	return out
}

// writeMembers writes the table of the members and the blend: weight,
// validation RMSE, test RMSE and MAE.
func writeMembers(w io.Writer, members []blendMember, m *model.Model, valid int) {
	fmt.Fprintf(w, "\nweights w ≥ 0 fitted on the %d validation rows; RMSE and MAE on the original scale\n", valid)
	fmt.Fprintf(w, "%-22s %10s %11s %10s %10s\n", "member", "weight", "valid RMSE", "test RMSE", "test MAE")
	for _, mb := range members {
		label, weight := mb.Kind, fmt.Sprintf("%10.4f", mb.Weight)
		if mb.Kind == model.BlendKind {
			label, weight = "blend: intercept", fmt.Sprintf("%10.4f", m.Unscale(float32(mb.Weight))-m.Unscale(0))
		}
		fmt.Fprintf(w, "%-22s %s %11.4f %10.4f %10.4f\n", label, weight, mb.Valid.RMSE, mb.Test.RMSE, mb.Test.MAE)
	}
}

// writeBlendJSON writes train's JSON object with the members beside it
// ("members": each kind, settings, weight and validation and test
// accuracy; "intercept": c on the training scale).
func writeBlendJSON(w io.Writer, res report.Result, members []blendMember, m *model.Model) error {
	b, err := json.Marshal(res)
	if err != nil {
		return err
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(b, &obj); err != nil {
		return err
	}
	blend := members[len(members)-1]
	for key, v := range map[string]any{"members": members[:len(members)-1], "intercept": blend.Weight, "valid": blend.Valid} {
		if obj[key], err = json.Marshal(v); err != nil {
			return err
		}
	}
	e := json.NewEncoder(w)
	e.SetIndent("", "  ")
	return e.Encode(obj)
}

// config returns the blend's settings: a member of each kind of --kinds
// with its defaults (the --preset for dot), each setting flag given applied
// to the one member that reads it, --seed and --scale to every member.
func (r *blendRun) config(fs *pflag.FlagSet) (model.Config, error) {
	for _, name := range []string{"kind", "task"} {
		if fs.Changed(name) {
			return model.Config{}, badInput(fmt.Errorf("--%s: a blend's members are --kinds, of the rating task", name))
		}
	}
	if err := firstErr(r.cf.check(fs), seedSet(fs, r.df.seed)); err != nil {
		return model.Config{}, err
	}
	members, err := blendConfigs(r.kinds, r.cf.preset)
	if err != nil {
		return model.Config{}, badInput(err)
	}
	if fs.Changed("preset") && !slices.ContainsFunc(members, func(c model.Config) bool { return c.Kind == model.DefaultKind }) {
		return model.Config{}, badInput(fmt.Errorf("--preset: applies to %s, which --kinds does not name", model.DefaultKind))
	}
	cfg := model.Config{Kind: model.BlendKind, Training: model.Training{Seed: r.df.seed}}
	if fs.Changed("scale") {
		cfg.NoScale = !r.cf.scale
	}
	for k := range members {
		members[k].NoScale, members[k].Seed = cfg.NoScale, r.df.seed
	}
	for _, st := range model.SettingList() {
		if st.Name == "seed" || st.Name == "no_scale" || !fs.Changed(st.Flag) {
			continue
		}
		var readers []int
		for k, mc := range members {
			if mc.Unused(st.Name) == "" && !isFixed(mc.Kind, st.Name) {
				readers = append(readers, k)
			}
		}
		switch len(readers) {
		case 0:
			return model.Config{}, badInput(fmt.Errorf("%s: does not apply: no member of --kinds (%s) sets it", flagName(fs, st.Flag), r.kinds))
		case 1:
		default:
			var names []string
			for _, k := range readers {
				names = append(names, members[k].Kind)
			}
			return model.Config{}, badInput(fmt.Errorf("%s: ambiguous: %s all read it; a setting flag applies to one member (leave it to the members' defaults, or blend kinds whose settings do not collide)", flagName(fs, st.Flag), strings.Join(names, ", ")))
		}
		mc := &members[readers[0]]
		if err := r.cf.apply(fs, mc, st); err != nil {
			return model.Config{}, err
		}
		if st.Name == "optimizer" && !fs.Changed("lr") && mc.Optimizer == "adagrad" {
			mc.LR = model.AdaGradLR
		}
	}
	for _, mc := range members {
		if err := validate(fs, mc); err != nil {
			return model.Config{}, err
		}
	}
	cfg.Members = &members
	if err := cfg.Validate(); err != nil {
		return model.Config{}, badInput(err)
	}
	return cfg, nil
}

// isFixed reports whether the kind takes only one value of the setting
// (model.Kind.Fixed): a flag of it sets nothing there.
func isFixed(kind, setting string) bool {
	k, ok := model.Lookup(kind)
	_, fixed := k.Fixed[setting]
	return ok && fixed
}

// blendConfigs returns the defaults of each kind of --kinds (the preset
// for dot), refusing an unknown kind, a kind named twice, a blend and a
// kind of the implicit task only.
func blendConfigs(kinds, preset string) ([]model.Config, error) {
	p, err := model.Preset(preset)
	if err != nil {
		return nil, fmt.Errorf("--preset: %w", err)
	}
	known := blendKinds()
	var out []model.Config
	for _, name := range strings.Split(kinds, ",") {
		name = strings.TrimSpace(name)
		switch {
		case name == model.BlendKind:
			return nil, fmt.Errorf("--kinds: a blend does not take a blend as a member")
		case slices.Contains(implicitOnly(), name):
			return nil, fmt.Errorf("--kinds: %s learns only the implicit task; a blend's members predict ratings (known: %s)", name, strings.Join(known, ", "))
		case !slices.Contains(known, name):
			return nil, fmt.Errorf("--kinds: unknown kind %s (known: %s)", quote.Short(name), strings.Join(known, ", "))
		case slices.ContainsFunc(out, func(c model.Config) bool { return c.Kind == name }):
			return nil, fmt.Errorf("--kinds: %s named twice (each kind is a member once)", name)
		}
		c := model.Config{Kind: name}.WithDefaults()
		if name == p.Kind {
			c = p
		}
		out = append(out, c)
	}
	return out, nil
}
