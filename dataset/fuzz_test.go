package dataset

import (
	"bytes"
	"math"
	"strconv"
	"strings"
	"testing"
)

var fuzzFormats = []Format{"", FormatCSV, FormatTSV, FormatMovieLens}

// FuzzRead checks that Read never panics, that its errors follow the
// package style, and that a table it accepts has finite ratings, valid inner
// ids and no repeated (user,item) pair.
func FuzzRead(f *testing.F) {
	for _, s := range []string{
		"user,item,rating\n1,a,4\n2,b,3.5\n",
		"\ufeffuser,item,rating\r\n1,a,4\r\n\r\n1,a,2\r\n",
		"196\t242\t3\t881250949\n186\t302\t3\t891717742\n",
		"1::1193::5::978300760\n1::661::3::978302109\n",
		"\"Smith, J\",\"The \"\"Best\"\"\",4,\"multi\nline\"\n2,b,5\n",
		"1,\"a,4\n",
		"1,a,NaN\n2,b,1e39\n",
		"1,a\n",
		",,\n",
		"",
	} {
		for k := range fuzzFormats {
			f.Add([]byte(s), uint8(k))
		}
	}
	f.Add([]byte(gzipped("1,a,4\n")), uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, format uint8) {
		d, err := Read(bytes.NewReader(data), "fuzz", Options{Format: fuzzFormats[int(format)%len(fuzzFormats)]})
		if err != nil {
			if !strings.HasPrefix(err.Error(), "dataset: ") {
				t.Fatalf("error without prefix: %v", err)
			}
			return
		}
		if d.Len() == 0 || len(d.User) != d.Len() || len(d.Item) != d.Len() {
			t.Fatalf("bad columns: %d users, %d items, %d values", len(d.User), len(d.Item), len(d.Value))
		}
		seen := make(map[[2]int32]bool)
		for k, v := range d.Value {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				t.Fatalf("row %d: rating %v", k, v)
			}
			u, i := d.User[k], d.Item[k]
			if u < 0 || int(u) >= d.Users.Len() || i < 0 || int(i) >= d.Items.Len() {
				t.Fatalf("row %d: ids %d, %d out of %d, %d", k, u, i, d.Users.Len(), d.Items.Len())
			}
			if seen[[2]int32{u, i}] {
				t.Fatalf("row %d: repeated pair %d, %d", k, u, i)
			}
			seen[[2]int32{u, i}] = true
		}
		for _, m := range []*IDMap{d.Users, d.Items} {
			for k, raw := range m.IDs() {
				if j, ok := m.Inner(raw); raw == "" || !ok || int(j) != k {
					t.Fatalf("id %d %q maps to %d, %v", k, raw, j, ok)
				}
			}
		}
	})
}

// FuzzParseRating checks the fast rating parser against strconv.
func FuzzParseRating(f *testing.F) {
	for _, s := range []string{"4", "-0", "4.5", ".5", "5.", "123456789012345", "1e3", "NaN", "", "+", "1e39"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := parseRating([]byte(s))
		f64, perr := strconv.ParseFloat(s, 64)
		want := float32(f64)
		ok := perr == nil && !math.IsNaN(f64) && !math.IsInf(float64(want), 0)
		if ok != (err == nil) {
			t.Fatalf("parseRating(%q) = %v, %v; strconv gives %v, %v", s, v, err, f64, perr)
		}
		if ok && math.Float32bits(v) != math.Float32bits(want) {
			t.Fatalf("parseRating(%q) = %v, want %v", s, v, want)
		}
	})
}
