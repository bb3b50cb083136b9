package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSparkALSRoundTrip exports a trained dot model as a Spark ALSModel,
// imports it with the training table, and checks that the imported
// model predicts the original's ratings (to the 4 decimals predict
// prints) and recommends the same items.
func TestSparkALSRoundTrip(t *testing.T) {
	dir, data, m := trainedSmall(t, 3)
	als := filepath.Join(dir, "als")
	if out, stderr, code := run(t, "export", "--model", m, "--format", "spark-als", "--dir", als); code != 0 || !strings.Contains(out, "folded in") {
		t.Fatalf("export: exit %d: %s%s", code, out, stderr)
	}
	back := filepath.Join(dir, "back.recnet")
	if out, stderr, code := run(t, "import", "--spark-als", als, "--out", back, "--ratings", data); code != 0 {
		t.Fatalf("import: exit %d: %s%s", code, out, stderr)
	}
	user, item := firstRow(t, data)
	for _, args := range [][]string{
		{"predict", "--user", user, "--item", item},
		{"predict", "--user", user, "--item", "ML0101ENv3"},
		{"recommend", "--user", user, "-k", "5"},
	} {
		a, _, ca := run(t, append(args, "--model", m)...)
		b, _, cb := run(t, append(args, "--model", back)...)
		if ca != 0 || cb != 0 || a != b {
			t.Errorf("%v: original (exit %d)\n%s\nimported (exit %d)\n%s", args, ca, a, cb, b)
		}
	}
}

// TestSparkALSRefusals checks the refusals of export --format spark-als
// and import: each exits 2 naming what it refuses.
func TestSparkALSRefusals(t *testing.T) {
	dir, data, m := trainedSmall(t, 1)
	als := filepath.Join(dir, "als")
	if _, stderr, code := run(t, "export", "--model", m, "--format", "spark-als", "--dir", als); code != 0 {
		t.Fatalf("export: exit %d: %s", code, stderr)
	}
	// A layout without recnet's model.json, as Spark writes one.
	plain := filepath.Join(dir, "plain")
	if _, stderr, code := run(t, "export", "--model", m, "--format", "spark-als", "--dir", plain); code != 0 {
		t.Fatalf("export: exit %d: %s", code, stderr)
	}
	if err := os.Remove(filepath.Join(plain, "recnet-ids", "model.json")); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "other")
	if err := os.MkdirAll(other, 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, other, "notes.txt", "mine")
	out := filepath.Join(dir, "b.recnet")
	user, item := firstRow(t, data)
	// Other spellings of a file in als: through a link to it, a link to
	// its metadata directory and .., and als named through a link.
	link, meta := filepath.Join(dir, "link"), filepath.Join(dir, "meta")
	for l, target := range map[string]string{link: als, meta: filepath.Join(als, "metadata")} {
		if err := os.Symlink(target, l); err != nil {
			t.Fatal(err)
		}
	}
	sep := string(filepath.Separator)
	db := filepath.Join(dir, "r.db")
	if _, stderr, code := run(t, "gen", "--rows", "100", "--format", "sqlite", "--out", db); code != 0 {
		t.Fatalf("gen sqlite: exit %d: %s", code, stderr)
	}
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"export", "--model", m, "--format", "parquet", "--dir", als}, "--format"},
		{[]string{"export", "--model", m, "--format", "spark-als", "--dir", other}, "notes.txt"},
		{[]string{"import", "--spark-als", plain, "--out", out}, "--range MIN,MAX"},
		{[]string{"import", "--spark-als", plain, "--out", out, "--range", "5,3"}, "--range"},
		{[]string{"import", "--spark-als", als, "--out", out, "--range", "3,5"}, "gives the range"},
		{[]string{"import", "--spark-als", als, "--out", out, "--range", "1,5", "--spark-alpha", "2"}, "--spark-alpha"},
		{[]string{"import", "--spark-als", als, "--out", filepath.Join(als, "m.recnet"), "--range", "1,5"}, "inside --spark-als"},
		{[]string{"import", "--spark-als", als, "--out", filepath.Join(link, "m.recnet")}, "inside --spark-als"},
		{[]string{"import", "--spark-als", als, "--out", meta + sep + ".." + sep + "m.recnet"}, "inside --spark-als"},
		{[]string{"import", "--spark-als", link, "--out", filepath.Join(als, "metadata", "m.recnet")}, "inside --spark-als"},
		{[]string{"import", "--spark-als", other, "--out", out, "--range", "1,5"}, "metadata"},
		{[]string{"import", "--spark-als", als, "--out", out, "--ratings", write(t, dir, "extra.csv", "user,item,rating\n"+user+","+item+",4\nnobody,"+item+",3\n")}, "row 2: field user \"nobody\""},
		{[]string{"import", "--spark-als", als, "--out", out, "--task", "both", "--ratings", data}, "--task"},
		{[]string{"import", "--spark-als", als, "--out", out, "--range", "1,5", "--format", "tsv"}, "--format and --columns"},
		{[]string{"import", "--spark-als", als, "--out", out, "--range", "1,5", "--columns", "user=1"}, "--format and --columns"},
		{[]string{"import", "--spark-als", als, "--out", db, "--ratings", "sqlite://" + db + "?table=ratings"}, "--out"},
	}
	for _, c := range cases {
		_, stderr, code := run(t, c.args...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 naming %q", c.args, code, stderr, c.want)
		}
	}
	for _, f := range []string{out, filepath.Join(als, "m.recnet"), filepath.Join(als, "metadata", "m.recnet")} {
		if _, err := os.Stat(f); err == nil {
			t.Errorf("a refused import wrote %s", f)
		}
	}
}
