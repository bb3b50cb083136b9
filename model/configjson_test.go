package model_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/recnet/recnet/model"
)

// TestConfigJSONReadSettingsOnly encodes each kind's defaults: the JSON
// holds the settings the kind reads and no other, and reads back as
// Effective.
func TestConfigJSONReadSettingsOnly(t *testing.T) {
	for _, tc := range []struct {
		kind       string
		has, hasNo []string
	}{
		{"dot", []string{`"lr"`, `"dim"`, `"batch"`, `"beta1"`}, []string{`"layers"`, `"dropout"`}},
		{"nmf", []string{`"dim"`, `"l2"`, `"epochs"`}, []string{`"lr"`, `"optimizer"`, `"batch"`, `"init"`}},
		{"mean", []string{`"kind":"mean"`, `"no_scale"`}, []string{`"dim"`, `"lr"`, `"epochs"`}},
	} {
		c := model.Config{Kind: tc.kind}.WithDefaults()
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range tc.has {
			if !strings.Contains(string(b), w) {
				t.Errorf("%s: %s lacks %s", tc.kind, b, w)
			}
		}
		for _, w := range tc.hasNo {
			if strings.Contains(string(b), w) {
				t.Errorf("%s: %s has %s, which %s does not read", tc.kind, b, w, tc.kind)
			}
		}
		var back model.Config
		if err := json.Unmarshal(b, &back); err != nil || back != c.Effective() {
			t.Errorf("%s: read back %+v (%v), want %+v", tc.kind, back, err, c.Effective())
		}
	}
}
