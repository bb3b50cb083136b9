package model_test

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/recnet/recnet/model"
)

// TestReadVersion1 loads model files that the build before FileVersion 2
// wrote (one flat settings object, the kind under "model"): each keeps its
// kind, settings and predictions.
func TestReadVersion1(t *testing.T) {
	for _, tc := range []struct {
		file, kind, user, item string
		want                   float64 // what the writing build predicted
		task                   string
		dim                    int
	}{
		{"v1-dot.recnet", "dot", "u8", "i5", 3.0182617674773446, "", 4},
		{"v1-mlp.recnet", "mlp", "u8", "i5", 0.20302942395210266, "implicit", 4},
		{"v1-nmf.recnet", "nmf", "u8", "i5", 2.6748399134922494, "", 3},
		{"v1-bias.recnet", "bias", "u8", "i5", 3.261028164479562, "", 32},
	} {
		m, err := model.Load(filepath.Join("testdata", tc.file))
		if err != nil {
			t.Fatalf("%s: %v", tc.file, err)
		}
		if m.Config.Kind != tc.kind || m.Net.Kind() != tc.kind || m.Config.Task != tc.task || m.Config.Dim != tc.dim {
			t.Errorf("%s: kind %q (net %q), task %q, dim %d; want %q, %q, %d", tc.file, m.Config.Kind, m.Net.Kind(), m.Config.Task, m.Config.Dim, tc.kind, tc.task, tc.dim)
		}
		got, err := m.Predict(tc.user, tc.item)
		if err != nil {
			t.Fatal(err)
		}
		// mlp's dense kernels may differ from the writing machine's in
		// the last bit (fused multiply-add); the others are exact.
		if math.Abs(got-tc.want) > 1e-6*math.Abs(tc.want) {
			t.Errorf("%s: predicts %v, the writing build %v", tc.file, got, tc.want)
		}
		// Files written before the validation NDCG was recorded have none.
		for _, e := range m.History {
			if !math.IsNaN(e.ValNDCG) {
				t.Errorf("%s: epoch %d has validation NDCG %v, want NaN (not measured)", tc.file, e.Epoch, e.ValNDCG)
			}
		}
	}
}
