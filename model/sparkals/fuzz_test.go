package sparkals

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzMetadata reads any metadata line: a rank within 1..MaxRank or an
// error wrapping ErrLayout, never a panic.
func FuzzMetadata(f *testing.F) {
	f.Add(strings.Replace(sparkMetadata, "RANK", "10", 1))
	f.Add(`{"class":"org.apache.spark.ml.recommendation.ALSModel","rank":1e3}`)
	f.Add(`{"class":"org.apache.spark.ml.recommendation.ALSModel","rank":-1}`)
	f.Add("")
	f.Fuzz(func(t *testing.T, line string) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "part-00000"), []byte(line), 0o644); err != nil {
			t.Fatal(err)
		}
		rank, err := readMetadata(dir)
		if err != nil && !errors.Is(err, ErrLayout) || err == nil && (rank < 1 || rank > MaxRank) {
			t.Fatalf("rank %d, error %v", rank, err)
		}
	})
}

// FuzzIDMap reads any id map for the ids 1, 2 and 3: three distinct raw
// ids or an error wrapping ErrLayout.
func FuzzIDMap(f *testing.F) {
	f.Add("id,user\n1,a\n2,b\n3,c\n")
	f.Add("id,user\n1,a\n2,a\n3,c\n")
	f.Add("id,user\n1,a\n2,b\n")
	f.Add("id,user\n\"1\",\"a,b\"\n2,\"\"\n3,x\n")
	f.Fuzz(func(t *testing.T, text string) {
		path := filepath.Join(t.TempDir(), "users.csv")
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		raw, err := rawIDs(path, "user", []int32{1, 2, 3})
		if err != nil {
			if !errors.Is(err, ErrLayout) {
				t.Fatalf("error %v does not wrap ErrLayout", err)
			}
			return
		}
		if len(raw) != 3 || raw[0] == raw[1] || raw[1] == raw[2] || raw[0] == raw[2] {
			t.Fatalf("raw ids %q", raw)
		}
	})
}
