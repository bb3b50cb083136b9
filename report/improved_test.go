package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/recnet/recnet/model"
)

// TestNeverImproved checks that a model kept at its initial weights (best
// epoch 0 after some epochs) is said to be so plainly, in the text report
// and in the JSON, and that other models are not.
func TestNeverImproved(t *testing.T) {
	s := reportSplit(t)
	const sentence = "never improved on its initial weights"
	cases := []struct {
		name     string
		history  []model.Epoch
		best     int
		improved any // the JSON "improved": true, false, or nil when absent
	}{
		{"best epoch 0", reportHistory(), 0, false},
		{"best epoch 2", reportHistory(), 2, true},
		{"closed form", nil, 0, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := reportModel(s)
			m.History, m.BestEpoch = c.history, c.best
			if c.history == nil {
				m.Net, m.Config.Model = model.FitMean(m.ScaleRatings(s.Train)), "mean"
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
		})
	}
}
