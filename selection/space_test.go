package selection_test

import (
	"slices"
	"strconv"
	"testing"

	"github.com/recnet/recnet/model"
	"github.com/recnet/recnet/selection"
)

// rangeNames returns the settings the ranges vary, in order.
func rangeNames(rs []model.Range) []string {
	out := make([]string, len(rs))
	for k, r := range rs {
		out[k] = r.Name
	}
	return out
}

// TestTaskSpace checks that a kind's search space for a task leaves out
// the settings the kind does not read for it: the rating task searches
// exactly the declared ranges but the negatives, drawing the same
// configurations as those ranges alone; the implicit task searches the
// negatives, drawn from model.NegativesSpace, and no activation; a kind of
// the implicit task only (ials) searches its own ranges for its default
// task and reads no negatives.
func TestTaskSpace(t *testing.T) {
	for _, kind := range []string{"dot", "mlp", "neumf"} {
		t.Run(kind, func(t *testing.T) {
			k, _ := model.Lookup(kind)
			notNegatives := slices.DeleteFunc(slices.Clone(k.Space), func(r model.Range) bool { return r.Name == "negatives" })
			if len(notNegatives) != len(k.Space)-1 {
				t.Fatalf("%s declares no negatives range: %v", kind, rangeNames(k.Space))
			}
			for _, task := range []string{"", model.TaskRating} {
				sp, err := selection.TaskSpace(kind, task)
				if err != nil {
					t.Fatal(err)
				}
				if got, want := rangeNames(sp.Ranges), rangeNames(notNegatives); !slices.Equal(got, want) {
					t.Errorf("task %q: ranges %v, want %v", task, got, want)
				}
				got, err := sp.Sample(7, 5)
				if err != nil {
					t.Fatal(err)
				}
				want, err := selection.Space{Base: k.SearchBase.WithDefaults(), Ranges: notNegatives}.Sample(7, 5)
				if err != nil {
					t.Fatal(err)
				}
				for j := range got {
					// The base task "" or "rating" is the same task.
					got[j].Task, want[j].Task = "", ""
					if got[j] != want[j] {
						t.Errorf("task %q: trial %d draws %+v, want %+v", task, j, got[j], want[j])
					}
				}
			}
			sp, err := selection.TaskSpace(kind, model.TaskImplicit)
			if err != nil {
				t.Fatal(err)
			}
			names := rangeNames(sp.Ranges)
			if slices.Contains(names, "activation") || !slices.Contains(names, "negatives") {
				t.Errorf("implicit ranges %v: want negatives and no activation", names)
			}
			cfgs, err := sp.Sample(7, 40)
			if err != nil {
				t.Fatal(err)
			}
			drawn := map[string]int{}
			for _, c := range cfgs {
				if c.Task != model.TaskImplicit {
					t.Fatalf("an implicit trial of task %q", c.Task)
				}
				if c.Activation != sp.Base.WithDefaults().Activation {
					t.Errorf("an implicit trial draws the activation %s", c.Activation)
				}
				drawn[strconv.Itoa(c.Negatives)]++
			}
			for _, v := range model.NegativesSpace {
				if drawn[v] == 0 {
					t.Errorf("40 implicit trials never drew negatives %s: %v", v, drawn)
				}
			}
			if len(drawn) != len(model.NegativesSpace) {
				t.Errorf("implicit trials drew negatives outside the space: %v", drawn)
			}
		})
	}
	sp, err := selection.TaskSpace("ials", "")
	if err != nil {
		t.Fatal(err)
	}
	k, _ := model.Lookup("ials")
	if !sp.Base.Implicit() || !slices.Equal(rangeNames(sp.Ranges), rangeNames(k.Space)) {
		t.Errorf("ials: task %q, ranges %v; want implicit, %v", sp.Base.Task, rangeNames(sp.Ranges), rangeNames(k.Space))
	}
}
