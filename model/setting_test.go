package model_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/recnet/recnet/model"
)

// TestSettingListCoversConfig checks the settings table against Config:
// every field of Training and Settings has one row, Shared exactly for
// Training's, and Set then Get gives the text back.
func TestSettingListCoversConfig(t *testing.T) {
	fields := map[string]bool{} // JSON name -> in Training
	for _, part := range []struct {
		typ    reflect.Type
		shared bool
	}{{reflect.TypeOf(model.Training{}), true}, {reflect.TypeOf(model.Settings{}), false}} {
		for i := range part.typ.NumField() {
			name, _, _ := strings.Cut(part.typ.Field(i).Tag.Get("json"), ",")
			fields[name] = part.shared
		}
	}
	list := model.SettingList()
	if len(list) != len(fields) {
		t.Errorf("%d settings in the table, %d fields in Config", len(list), len(fields))
	}
	for _, s := range list {
		shared, ok := fields[s.Name]
		switch {
		case !ok:
			t.Errorf("setting %s is no field of Config", s.Name)
		case shared != s.Shared:
			t.Errorf("setting %s: Shared %v, but it is a field of %s", s.Name, s.Shared, map[bool]string{true: "Training", false: "Settings"}[shared])
		case s.Help == "" || s.Flag != strings.ReplaceAll(s.Name, "_", "-"):
			t.Errorf("setting %s: help %q, flag %q", s.Name, s.Help, s.Flag)
		}
	}
	for name, text := range map[string]string{"dim": "12", "lr": "0.25", "activation": "tanh", "layers": "8,4:tanh", "l2": "0", "no_scale": "true", "seed": "7", "task": "implicit"} {
		s, _ := model.LookupSetting(name)
		var c model.Config
		if err := s.Set(&c, text); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := s.Get(c); got != text {
			t.Errorf("%s: set %q, got %q", name, text, got)
		}
	}
	s, _ := model.LookupSetting("layers")
	if err := s.Set(&model.Config{}, "8,x"); err == nil {
		t.Error("layers 8,x: no error")
	}
}
