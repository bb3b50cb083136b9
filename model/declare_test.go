package model_test

import (
	"strings"
	"testing"

	"github.com/recnet/recnet/model"
)

// TestValidateFixed refuses a setting given with a value other than the
// only one its kind takes: a mean of the implicit task would save as a
// rating model and come back as one.
func TestValidateFixed(t *testing.T) {
	for _, c := range []model.Config{
		{Kind: "mean", Training: model.Training{Task: model.TaskImplicit}},
		{Kind: "nmf", Settings: model.Settings{Activation: model.Tanh}},
		{Kind: "mf", Settings: model.Settings{Init: "he_normal"}},
	} {
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "takes only") {
			t.Errorf("%s %+v: got %v, want an error saying what it takes", c.Kind, c, err)
		}
	}
	if err := (model.Config{Kind: "mf", Training: model.Training{Optimizer: "sgd"}}).Validate(); err != nil {
		t.Errorf("mf with its own optimizer: %v", err)
	}
}

// TestRegisterRefusesContradictions registers declarations that
// contradict themselves: each must panic.
func TestRegisterRefusesContradictions(t *testing.T) {
	base := func() model.Kind {
		return model.Kind{
			Name: "contradiction", Reads: []string{"dim", "epochs"}, Why: "a test kind",
			Build:    func(model.Config, []model.Param) (model.Net, error) { return nil, nil },
			Count:    func(model.Config, int, int) int64 { return 0 },
			Describe: func(model.Config) string { return "" },
		}
	}
	for name, mod := range map[string]func(*model.Kind){
		"flag name in Reads":    func(k *model.Kind) { k.Reads = append(k.Reads, "bias-l2") },
		"no Why":                func(k *model.Kind) { k.Why = "" },
		"fixes what it ignores": func(k *model.Kind) { k.Fixed = map[string]string{"optimizer": "sgd"} },
		"searches what it ignores": func(k *model.Kind) {
			k.Space = []model.Range{{Name: "lr", Lo: 0.1, Hi: 1}}
		},
		"optimizer without any": func(k *model.Kind) { k.Reads = append(k.Reads, "optimizer") },
		"no Build":              func(k *model.Kind) { k.Build = nil },
	} {
		k := base()
		mod(&k)
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: Register did not panic", name)
				}
			}()
			model.Register(k)
		}()
	}
}
