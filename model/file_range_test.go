package model_test

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/recnet/recnet/model"
)

// TestFileRatingRange checks that a model file whose rating range is not
// finite, or beyond ±MaxRatingAbs, or whose min is above its max, is refused by Read (checksum
// intact) and by Write, naming the file and the field.
func TestFileRatingRange(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	cases := []struct {
		name     string
		min, max any // as written in the JSON header
		fmin     float64
		fmax     float64
		field    string
	}{
		{"min NaN", "NaN", 5.0, nan, 5, "min"},
		{"max NaN", 1.0, "NaN", 1, nan, "max"},
		{"min -Inf", "-Inf", 5.0, -inf, 5, "min"},
		{"max +Inf", 1.0, "+Inf", 1, inf, "max"},
		{"-Inf..+Inf", "-Inf", "+Inf", -inf, inf, "min"},
		{"5..1", 5.0, 1.0, 5, 1, "min 5 above max 1"},
		{"-1e308..1e308", -1e308, 1e308, -1e308, 1e308, "min"}, // its scores printed 300 digits
		{"max 1e12", 1.0, 1e12, 1, 1e12, "max"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := editHeader(t, fileBytes(t, fileTestModel()), func(h map[string]any) {
				h["min"], h["max"] = c.min, c.max
			})
			_, err := model.Read(bytes.NewReader(b), "crafted.recnet")
			if !errors.Is(err, model.ErrBadRange) || !strings.Contains(err.Error(), "crafted.recnet") || !strings.Contains(err.Error(), c.field) {
				t.Errorf("Read = %v, want ErrBadRange naming crafted.recnet and %s", err, c.field)
			}
			m := fileTestModel()
			m.Min, m.Max = c.fmin, c.fmax
			if err := m.Write(&bytes.Buffer{}); !errors.Is(err, model.ErrBadRange) || !strings.Contains(err.Error(), c.field) {
				t.Errorf("Write = %v, want ErrBadRange naming %s", err, c.field)
			}
		})
	}
	// An equal min and max (every rating the same) is a valid range.
	m := fileTestModel()
	m.Min, m.Max, m.Step = 1, 1, 0 // and no step between ratings
	if _, err := model.Read(bytes.NewReader(fileBytes(t, m)), "one.recnet"); err != nil {
		t.Errorf("Read of a 1..1 model: %v", err)
	}
}

// TestKWording checks that a k below 1 is refused in the wording of the
// CLI's flag checks ("k 0: must be at least 1").
func TestKWording(t *testing.T) {
	m := fileTestModel()
	user := m.Users.IDs()[0]
	for _, k := range []int{0, -3} {
		_, err := m.Recommend(user, k, model.RecommendOptions{})
		if want := fmt.Sprintf("k %d: must be at least 1", k); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Recommend k %d = %v, want %q", k, err, want)
		}
	}
}
