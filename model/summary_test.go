package model_test

import (
	"strings"
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

func summaryText(t *testing.T, m *model.Model) string {
	t.Helper()
	var b strings.Builder
	if err := m.Summary(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestSummaryGolden(t *testing.T) {
	// 3 users, 5 items, dim 4: embeddings 3*4 + 5*4 = 32, biases 3 + 5 = 8,
	// 40 in all, all trained; Adam keeps 2*40 moments and a step: 81.
	got := summaryText(t, fileTestModel())
	want := `Model: "recommender_net"
____________________________________________________________
 Layer (type)                        Output Shape    Param #
============================================================
 user_embedding (Embedding)          (None, 4)            12
 user_bias (Embedding)               (None, 1)             3
 item_embedding (Embedding)          (None, 4)            20
 item_bias (Embedding)               (None, 1)             5
 dot (Dot (per row))                 (None, 1)             0
 add (Add)                           (None, 1)             0
 activation (Activation (linear))    (None, 1)             0
============================================================
Total params: 40 (160.00 B)
Trainable params: 40 (160.00 B)
Non-trainable params: 0 (0.00 B)
Optimizer params: 81 (324.00 B)
____________________________________________________________
Config: dim 4, linear output, L2 0.0001, adam lr 0.005, batch 256, up to 50 epochs
Data: 3 users, 5 items, ratings 0.5..5 in steps of 0.5 (trained on [0,1])
History: 2 epochs, best epoch 1 (val RMSE 1.1250)
Seen items: 3 ratings kept (40.00 B), left out of recommendations
`
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestSummaryLarge(t *testing.T) {
	// (20,000 + 10,000) * (16 + 1) = 510,000 parameters, 1,020,001 for Adam.
	cfg := fileTestConfig
	cfg.Dim = 16
	m := &model.Model{Config: cfg, Net: model.NewDot(20_000, 10_000, cfg), Users: dataset.NewIDMap(nil), Items: dataset.NewIDMap(nil)}
	got := summaryText(t, m)
	for _, line := range []string{
		" user_embedding (Embedding)          (None, 16)      320,000\n",
		"Total params: 510,000 (1.95 MB)\n",
		"Trainable params: 510,000 (1.95 MB)\n",
		"Optimizer params: 1,020,001 (3.89 MB)\n",
		"History: 0 epochs, best epoch none\n",
	} {
		if !strings.Contains(got, line) {
			t.Errorf("summary lacks %q:\n%s", line, got)
		}
	}
}

func TestSummaryBaseline(t *testing.T) {
	m := fileTestModel()
	m.Config.Optimizer = "sgd"
	m.Config.NoScale = true
	m.Net = &model.Bias{Mu: 3, UserBias: make([]float32, 3), ItemBias: make([]float32, 5)}
	got := summaryText(t, m)
	for _, line := range []string{
		"Model: \"bias\"\n",
		"Total params: 9 (36.00 B)\n",
		"Trainable params: 0 (0.00 B)\n",
		"Non-trainable params: 9 (36.00 B)\n",
		"Optimizer params: 0 (0.00 B)\n",
		"(trained unscaled)\n",
	} {
		if !strings.Contains(got, line) {
			t.Errorf("summary lacks %q:\n%s", line, got)
		}
	}
	for _, l := range strings.Split(got, "\n") {
		if strings.TrimRight(l, " ") != l {
			t.Errorf("trailing space in %q", l)
		}
	}
	if err := (&model.Model{}).Summary(&strings.Builder{}); err == nil {
		t.Error("summary of a model without a net succeeded")
	}
}

// TestSummaryAdaGradState counts row-wise AdaGrad's state: one accumulator
// a row and one a bias, 2 x (3 users + 5 items) = 16, not Adam's moments.
func TestSummaryAdaGradState(t *testing.T) {
	m := fileTestModel()
	m.Config.Optimizer = "adagrad"
	if got := summaryText(t, m); !strings.Contains(got, "Optimizer params: 16 (64.00 B)") {
		t.Errorf("adagrad summary lacks its 16 accumulators:\n%s", got)
	}
}

// TestSummaryImplicit: a model of the implicit task says so on its data
// line, not that it was trained on ratings scaled to [0,1].
func TestSummaryImplicit(t *testing.T) {
	m := fileTestModel()
	m.Config.Task = model.TaskImplicit
	got := summaryText(t, m)
	if !strings.Contains(got, "(implicit task: each rating an interaction)\n") || strings.Contains(got, "[0,1]") {
		t.Errorf("summary of an implicit-task model:\n%s", got)
	}
}
