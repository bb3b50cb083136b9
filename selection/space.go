package selection

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/recnet/recnet/model"
)

// Space is what Tune searches: a base configuration, and the settings
// that vary from trial to trial. Every trial trains Base (its zero fields
// taking the kind's defaults) with its drawn settings.
type Space struct {
	// Base holds the settings no trial changes (and the training seed).
	Base model.Config
	// Ranges are the settings drawn for each trial, in this order.
	Ranges []model.Range
}

// DefaultSpace returns the search space a kind declares for its default
// task: TaskSpace(kind, "").
func DefaultSpace(kind string) (Space, error) { return TaskSpace(kind, "") }

// TaskSpace returns the search space a kind declares (model.Kind.Space,
// starting from its SearchBase, then the kind's defaults for the task;
// `recnet tune --help` lists each kind's) for a task (model.TaskRating or model.TaskImplicit; "": the kind's
// default). Ranges of settings the kind does not read for the task are
// left out (model.Config.Unused): the implicit task's output is always a
// sigmoid, so it searches no activation, and the rating task samples no
// negatives. Ranges are on ratings min-max scaled to [0,1] (the default),
// wide enough not to favour one data set. Settings not listed keep the
// kind's defaults. A kind without a space (mean, bias: fitted in one step)
// has nothing to tune, and is an error.
func TaskSpace(kind, task string) (Space, error) {
	if kind == "" {
		kind = model.DefaultKind
	}
	k, ok := model.Lookup(kind)
	if !ok {
		return Space{}, fmt.Errorf("selection: unknown kind %q (known: %v)", kind, model.Kinds())
	}
	if k.Space == nil {
		return Space{}, fmt.Errorf("selection: nothing to tune for kind %q (tunable: %s)", kind, strings.Join(model.Tunable(), ", "))
	}
	base := k.SearchBase
	if task != "" {
		base.Task = task
	}
	base = base.WithDefaults() // the task's defaults (model.Kind.ImplicitDefaults)
	var ranges []model.Range
	for _, r := range k.Space {
		if st, ok := model.LookupSetting(r.Name); ok && base.Unused(st.Name) != "" {
			continue
		}
		ranges = append(ranges, r)
	}
	return Space{Base: base, Ranges: ranges}, nil
}

// Validate reports a range that cannot be drawn or set, or a base
// configuration that cannot train.
func (s Space) Validate() error {
	if len(s.Ranges) == 0 {
		return fmt.Errorf("selection: the search space of %q has no setting to vary", s.Base.Kind)
	}
	seen := map[string]bool{}
	for _, p := range s.Ranges {
		if seen[p.Name] {
			return fmt.Errorf("selection: setting %s appears twice", p.Name)
		}
		seen[p.Name] = true
		c := s.Base
		for _, v := range slices.Concat(p.Values, p.Grid) {
			if err := set(&c, p.Name, v); err != nil {
				return err
			}
		}
		if len(p.Values) > 0 {
			continue
		}
		if !(p.Lo < p.Hi) || (p.Log && !(p.Lo > 0)) || (p.Int && math.Ceil(p.Lo) > math.Floor(p.Hi)) {
			return fmt.Errorf("selection: setting %s: range [%g, %g] holds no value (or is not positive on a log scale)", p.Name, p.Lo, p.Hi)
		}
		if err := set(&c, p.Name, strconv.FormatFloat(math.Ceil(p.Lo), 'g', -1, 64)); err != nil {
			return err
		}
	}
	if err := s.Base.Validate(); err != nil {
		return fmt.Errorf("selection: base configuration: %w", err)
	}
	return nil
}

// Sample returns the first n configurations of the random search seeded
// with seed. The sequence depends only on the space and seed: the first n
// of a longer sample are the same.
func (s Space) Sample(seed uint64, n int) ([]model.Config, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, 0x7e57))
	out := make([]model.Config, n)
	for k := range out {
		c := s.Base.WithDefaults()
		for _, p := range s.Ranges {
			if err := set(&c, p.Name, p.Draw(rng)); err != nil {
				return nil, err
			}
		}
		out[k] = c
	}
	return out, nil
}

// Grid returns every configuration of the grid, the first range varying
// slowest. A range without Grid values keeps its base value.
func (s Space) Grid() ([]model.Config, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	out := []model.Config{s.Base.WithDefaults()}
	for _, p := range s.Ranges {
		if len(p.Grid) == 0 {
			continue
		}
		next := make([]model.Config, 0, len(out)*len(p.Grid))
		for _, c := range out {
			for _, v := range p.Grid {
				if err := set(&c, p.Name, v); err != nil {
					return nil, err
				}
				next = append(next, c)
			}
		}
		out = next
	}
	return out, nil
}

// Describe returns the searched settings of c, as "dim=32 lr=0.001 ...".
func (s Space) Describe(c model.Config) string {
	parts := make([]string, len(s.Ranges))
	for k, p := range s.Ranges {
		parts[k] = p.Name + "=" + get(c, p.Name)
	}
	return strings.Join(parts, " ")
}

// set sets the setting called name (its flag name) of c from text.
func set(c *model.Config, name, v string) error {
	st, ok := model.LookupSetting(name)
	if !ok {
		return fmt.Errorf("selection: unknown setting %q (want a setting's flag name: dim, lr, l2, bias-l2, init-std, batch, epochs, patience, activation, layers, dropout, negatives...)", name)
	}
	if err := st.Set(c, v); err != nil {
		return fmt.Errorf("selection: %w", err)
	}
	return nil
}

// get returns the setting called name of c as text.
func get(c model.Config, name string) string {
	if st, ok := model.LookupSetting(name); ok {
		return st.Get(c)
	}
	return "?"
}
