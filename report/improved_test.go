package report

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/recnet/recnet/model"
	"github.com/recnet/recnet/train"
)

// TestNeverImproved checks, on real fits, that a model whose epochs never
// beat its initial weights (a learning rate so high that every epoch
// overshoots) is said to be so plainly, in the text report and in the
// JSON, with the initial validation score, and that other models are not.
func TestNeverImproved(t *testing.T) {
	s := reportSplit(t)
	const sentence = "never improved on its initial weights"
	cases := []struct {
		name     string
		cfg      model.Config
		improved any // the JSON "improved": true, false, or nil when absent
	}{
		{"lr 0.5", model.Config{Kind: "dot", Training: model.Training{LR: 0.5, Epochs: 3, Patience: 2}, Settings: model.Settings{Dim: 8}}, false},
		{"lr 0.01", model.Config{Kind: "dot", Training: model.Training{LR: 0.01, Epochs: 3, Patience: 2}, Settings: model.Settings{Dim: 8}}, true},
		{"closed form", model.Config{Kind: "mean"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := train.Fit(context.Background(), s, c.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if c.improved == false && (m.BestEpoch != 0 || len(m.History) == 0) {
				t.Fatalf("best epoch %d of %d; the case wants a fit that never improves", m.BestEpoch, len(m.History))
			}
			r := New(m, s, 3000, 0)
			var text bytes.Buffer
			if err := r.WriteTest(&text); err != nil {
				t.Fatal(err)
			}
			if said := strings.Contains(text.String(), sentence); said != (c.improved == false) {
				t.Errorf("report says %q: %v, want %v:\n%s", sentence, said, c.improved == false, text.String())
			}
			var js bytes.Buffer
			if err := r.WriteJSON(&js); err != nil {
				t.Fatal(err)
			}
			var v map[string]any
			if err := json.Unmarshal(js.Bytes(), &v); err != nil {
				t.Fatal(err)
			}
			if got := v["improved"]; got != c.improved {
				t.Errorf(`JSON "improved" = %v, want %v`, got, c.improved)
			}
			if rmse, ok := lookup(v, "initial.val_rmse"); (c.improved != nil) != ok || (ok && rmse == nil) {
				t.Errorf(`JSON "initial.val_rmse" = %v (present %v), want a number for a model trained in epochs`, rmse, ok)
			}
		})
	}
}
