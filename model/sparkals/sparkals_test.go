package sparkals

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
	"github.com/recnet/recnet/train"
)

// otherSchema is Spark's schema but for the order of its columns and an
// INT(32) annotation of id, which Spark's reader accepts too.
var otherSchema = parquet.NewSchema("spark_schema", parquet.Group{
	"id":       parquet.Required(parquet.Leaf(parquet.Int32Type)),
	"features": parquet.Optional(parquet.List(parquet.Required(parquet.Leaf(parquet.FloatType)))),
})

type sparkRow struct {
	ID       int32     `parquet:"id"`
	Features []float32 `parquet:"features,optional,list"`
}

// sparkMetadata is a metadata line as Spark 3.5 writes it.
const sparkMetadata = `{"class":"org.apache.spark.ml.recommendation.ALSModel","timestamp":1733500000000,"sparkVersion":"3.5.1","uid":"als_0123456789ab","paramMap":{"userCol":"userId","itemCol":"movieId","coldStartStrategy":"drop","predictionCol":"prediction","blockSize":4096},"defaultParamMap":{"userCol":"user","itemCol":"item","coldStartStrategy":"nan","predictionCol":"prediction","blockSize":4096},"rank":RANK}`

// writeSpark writes a saved ALSModel as Spark does: metadata, and each
// factor table split over two part files, in Spark's exact schema
// (factorSchema, which TestWriteSchema checks element by element).
func writeSpark(t *testing.T, dir string, rank int, users, items map[int32][]float32) {
	writeSparkSchema(t, dir, rank, users, items, factorSchema)
}

func writeSparkSchema(t *testing.T, dir string, rank int, users, items map[int32][]float32, schema *parquet.Schema) {
	t.Helper()
	meta := strings.Replace(sparkMetadata, "RANK", itoa(rank), 1) + "\n"
	must(t, os.MkdirAll(filepath.Join(dir, "metadata"), 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "metadata", "part-00000"), []byte(meta), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "metadata", "_SUCCESS"), nil, 0o644))
	for name, rows := range map[string]map[int32][]float32{"userFactors": users, "itemFactors": items} {
		sub := filepath.Join(dir, name)
		must(t, os.MkdirAll(sub, 0o755))
		var parts [2][]sparkRow
		for id, v := range rows {
			parts[int(id)&1] = append(parts[int(id)&1], sparkRow{id, v})
		}
		for k, p := range parts {
			f, err := os.Create(filepath.Join(sub, "part-0000"+itoa(k)+"-5f1d7a1e-c000.snappy.parquet"))
			must(t, err)
			w := parquet.NewGenericWriter[sparkRow](f, schema, parquet.Compression(&parquet.Snappy))
			if _, err := w.Write(p); err != nil {
				t.Fatal(err)
			}
			must(t, w.Close())
			must(t, f.Close())
		}
		must(t, os.WriteFile(filepath.Join(sub, "_SUCCESS"), nil, 0o644))
	}
}

func itoa(k int) string { return strconv.Itoa(k) }

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestReadSparkLayout(t *testing.T) {
	dir := t.TempDir()
	users := map[int32][]float32{7: {1, 2, 3}, -4: {0.5, -1, 2}, 100: {0, 0, 1}}
	items := map[int32][]float32{1: {1, 0, 0}, 2: {0.25, 0.5, 0.75}}
	writeSpark(t, dir, 3, users, items)
	m, err := Read(dir, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Users.IDs(); strings.Join(got, ",") != "-4,7,100" {
		t.Errorf("users %v, want -4,7,100 (Spark's ids ascending)", got)
	}
	m.Min, m.Max = -100, 100
	for u, p := range users {
		for i, q := range items {
			got, err := m.Predict(itoa32(u), itoa32(i))
			if err != nil {
				t.Fatal(err)
			}
			if want := float64(model.Dot32(p, q)); got != want {
				t.Errorf("predict(%d, %d) = %v, want the dot product %v", u, i, got, want)
			}
		}
	}
	// The model saves, loads, recommends and folds in.
	path := filepath.Join(t.TempDir(), "m.recnet")
	must(t, m.Save(path))
	back, err := model.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := back.FoldIn(map[string]float64{"1": 4}, 1, 0); err != nil {
		t.Errorf("fold-in: %v", err)
	}
}

func itoa32(v int32) string { return strconvItoa(int(v)) }

func TestReadRefusals(t *testing.T) {
	good := func(t *testing.T) string {
		dir := t.TempDir()
		writeSpark(t, dir, 2, map[int32][]float32{1: {1, 2}}, map[int32][]float32{1: {3, 4}, 2: {5, 6}})
		return dir
	}
	nan := float32(math.NaN())
	cases := []struct {
		name   string
		break_ func(t *testing.T, dir string)
		want   string
	}{
		{"rank too large", func(t *testing.T, dir string) {
			writeMeta(t, dir, strings.Replace(sparkMetadata, "RANK", "4096", 1))
		}, `field rank is "4096"`},
		{"rank zero", func(t *testing.T, dir string) {
			writeMeta(t, dir, strings.Replace(sparkMetadata, "RANK", "0", 1))
		}, `field rank is "0"`},
		{"no rank", func(t *testing.T, dir string) {
			writeMeta(t, dir, strings.Replace(sparkMetadata, `,"rank":RANK`, "", 1))
		}, "no field rank"},
		{"other class", func(t *testing.T, dir string) {
			writeMeta(t, dir, strings.Replace(strings.Replace(sparkMetadata, "RANK", "2", 1), "ALSModel", "FPGrowthModel", 1))
		}, "field class"},
		{"missing metadata", func(t *testing.T, dir string) {
			must(t, os.RemoveAll(filepath.Join(dir, "metadata")))
		}, "metadata"},
		{"NaN", func(t *testing.T, dir string) {
			writeSpark(t, dir, 2, map[int32][]float32{1: {1, nan}}, map[int32][]float32{1: {3, 4}})
		}, "field features holds NaN at 1"},
		{"length mismatch", func(t *testing.T, dir string) {
			writeSpark(t, dir, 2, map[int32][]float32{1: {1, 2, 3}}, map[int32][]float32{1: {3, 4}})
		}, "field features has 3 values, the rank is 2"},
		{"duplicate id", func(t *testing.T, dir string) {
			sub := filepath.Join(dir, "itemFactors")
			data, err := os.ReadFile(filepath.Join(sub, "part-00001-5f1d7a1e-c000.snappy.parquet"))
			must(t, err)
			must(t, os.WriteFile(filepath.Join(sub, "part-00002-5f1d7a1e-c000.snappy.parquet"), data, 0o644))
		}, "id 1 is on"},
		{"bad map", func(t *testing.T, dir string) {
			must(t, os.MkdirAll(filepath.Join(dir, "recnet-ids"), 0o755))
			must(t, os.WriteFile(filepath.Join(dir, "recnet-ids", "items.csv"), []byte("id,item\n1,a\n2,a\n"), 0o644))
		}, "items.csv: line 3: field item \"a\" is on line 2 too"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := good(t)
			c.break_(t, dir)
			_, err := Read(dir, ReadOptions{})
			if !errors.Is(err, ErrLayout) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want ErrLayout saying %q", err, c.want)
			}
		})
	}
}

func writeMeta(t *testing.T, dir, line string) {
	must(t, os.WriteFile(filepath.Join(dir, "metadata", "part-00000"), []byte(line+"\n"), 0o644))
}

// trained returns a dot model trained briefly on a generated table.
func trained(t *testing.T, cfg model.Config) (*model.Model, *dataset.Dataset) {
	t.Helper()
	d, _ := dataset.GenerateLowRank(dataset.LowRankConfig{Seed: 1})
	s, err := dataset.SplitRandom(d, dataset.Fractions{Train: 0.9, Valid: 0.1}, 42)
	must(t, err)
	m, err := train.Fit(context.Background(), s, cfg)
	must(t, err)
	return m, d
}

// TestRoundTrip writes a trained model in Spark's layout and reads it
// back. A dot model whose rating range spans a power of two comes back
// as it was, its predictions equal to the bit; one of another range, and
// an mf model, come back as a dot net without biases whose predictions
// (Spark's: the dot product of the vectors written) are the original's
// to float32 rounding; ials comes back to the bit. An imported model
// without biases or scaling goes round again to the bit.
func TestRoundTrip(t *testing.T) {
	cases := []struct {
		kind     string
		span     float64 // the rating range's span set before writing; 0 keeps the data's
		restored bool
		worst    float64 // largest difference to the original's ratings
	}{
		{"dot", 4, true, 0},
		{"dot", 4.5, false, 1e-5},
		{"mf", 0, false, 1e-5},
		{"ials", 0, false, 0},
	}
	for _, c := range cases {
		t.Run(c.kind+"/"+strconv.FormatFloat(c.span, 'g', -1, 64), func(t *testing.T) {
			a, d := trained(t, model.Config{Kind: c.kind, Training: model.Training{Epochs: 3}, Settings: model.Settings{Dim: 8}})
			if c.span != 0 {
				a.Max = a.Min + c.span
			}
			dir := filepath.Join(t.TempDir(), "als")
			_, err := Write(dir, a, Options{})
			must(t, err)
			opt := ReadOptions{}
			if a.Config.Implicit() {
				opt.Task = model.TaskImplicit
			}
			b, err := Read(dir, opt)
			must(t, err)
			if Restored(b) != c.restored {
				t.Fatalf("restored %v, want %v", Restored(b), c.restored)
			}
			if !c.restored {
				b.Min, b.Max = a.Min, a.Max
			} else if b.Config != a.Config || b.Min != a.Min || b.Max != a.Max || b.Step != a.Step {
				t.Errorf("restored %+v %g..%g step %g, want %+v %g..%g step %g", b.Config, b.Min, b.Max, b.Step, a.Config, a.Min, a.Max, a.Step)
			}
			must(t, Attach(b, d))
			var worst float64
			for u := int32(0); u < int32(a.Users.Len()); u += 3 {
				bu, _ := b.Users.Inner(a.Users.Raw(u))
				for i := range int32(a.Items.Len()) {
					bi, _ := b.Items.Inner(a.Items.Raw(i))
					want, got := a.PredictInner(u, i), b.PredictInner(bu, bi)
					worst = max(worst, math.Abs(got-want))
				}
			}
			if worst > c.worst {
				t.Errorf("largest difference to the original's predictions %g, want at most %g", worst, c.worst)
			}
			if c.restored {
				return
			}
			// Again: b has no biases and no scaling, so its round trip is exact.
			dir2 := filepath.Join(t.TempDir(), "als2")
			_, err = Write(dir2, b, Options{})
			must(t, err)
			e, err := Read(dir2, opt)
			must(t, err)
			for u := range int32(b.Users.Len()) {
				for i := int32(0); i < int32(b.Items.Len()); i += 5 {
					if x, y := b.Net.Score(u, i), e.Net.Score(u, i); math.Float32bits(x) != math.Float32bits(y) {
						t.Fatalf("score(%d,%d) %v then %v: not bit-equal", u, i, x, y)
					}
				}
			}
		})
	}
}

// TestWriteSchema checks the factor files carry Spark's exact schema and
// row metadata, and the metadata line its fields.
func TestWriteSchema(t *testing.T) {
	a, _ := trained(t, model.Config{Training: model.Training{Epochs: 1}, Settings: model.Settings{Dim: 4}})
	dir := filepath.Join(t.TempDir(), "als")
	if _, err := Write(dir, a, Options{}); err != nil {
		t.Fatal(err)
	}
	names, err := partFiles(filepath.Join(dir, "userFactors"), ".parquet")
	must(t, err)
	f, err := os.Open(filepath.Join(dir, "userFactors", names[0]))
	must(t, err)
	defer f.Close()
	fi, _ := f.Stat()
	pf, err := parquet.OpenFile(f, fi.Size())
	must(t, err)
	// Spark's schema as parquet-mr's SchemaElements: name, physical type,
	// repetition, children and converted type (LIST = 3); id has none.
	want := []string{"spark_schema - - 2 -", "id INT32 REQUIRED - -", "features - OPTIONAL 1 3", "list - REPEATED 1 -", "element FLOAT REQUIRED - -"}
	for k, e := range pf.Metadata().Schema {
		got := e.Name + " " + opt(e.Type.Valid, e.Type.V.String()) + " " + opt(k > 0, e.RepetitionType.V.String()) + " " +
			opt(e.NumChildren.Valid, strconv.Itoa(int(e.NumChildren.V))) + " " + opt(e.ConvertedType.Valid, strconv.Itoa(int(e.ConvertedType.V)))
		if k >= len(want) || got != want[k] || (e.LogicalType.Value != nil) != (k == 2) {
			t.Errorf("schema element %d: %s (logical %v), want %v", k, got, e.LogicalType.Value, want)
		}
	}
	if v, ok := pf.Lookup(rowMetadataKey); !ok || v != rowMetadata {
		t.Errorf("row metadata %q", v)
	}
	for _, p := range []string{"metadata/_SUCCESS", "userFactors/_SUCCESS", "itemFactors/_SUCCESS"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Error(err)
		}
	}
	meta, err := os.ReadFile(filepath.Join(dir, "metadata", "part-00000"))
	must(t, err)
	if !strings.HasPrefix(string(meta), `{"class":"org.apache.spark.ml.recommendation.ALSModel","timestamp":0,"sparkVersion":"3.5.1","uid":"als_`) ||
		!strings.HasSuffix(string(meta), `,"rank":7}`+"\n") {
		t.Errorf("metadata %s", meta)
	}
}

// TestWriteTarget checks which directories Write replaces.
func TestWriteTarget(t *testing.T) {
	a, _ := trained(t, model.Config{Kind: "ials", Training: model.Training{Epochs: 1}, Settings: model.Settings{Dim: 4}})
	dir := filepath.Join(t.TempDir(), "als")
	must(t, os.MkdirAll(dir, 0o755))
	_, err := Write(dir, a, Options{}) // empty: written
	must(t, err)
	_, err = Write(dir, a, Options{}) // a previous export: replaced
	must(t, err)
	must(t, os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644))
	if _, err := Write(dir, a, Options{}); !errors.Is(err, ErrTarget) {
		t.Errorf("a directory with other files: %v, want ErrTarget", err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "notes.txt")); err != nil || string(b) != "mine" {
		t.Errorf("the refused directory changed: %q %v", b, err)
	}
	entries, _ := os.ReadDir(filepath.Dir(dir))
	if len(entries) != 1 {
		t.Errorf("temporary directories left beside: %v", entries)
	}
	// A directory of the user's own that holds only a metadata folder.
	mine := filepath.Join(t.TempDir(), "mine")
	must(t, os.MkdirAll(filepath.Join(mine, "metadata"), 0o755))
	must(t, os.WriteFile(filepath.Join(mine, "metadata", "notes.txt"), []byte("mine"), 0o644))
	if _, err := Write(mine, a, Options{}); !errors.Is(err, ErrTarget) {
		t.Errorf("a directory with a metadata folder of other files: %v, want ErrTarget", err)
	}
	if b, err := os.ReadFile(filepath.Join(mine, "metadata", "notes.txt")); err != nil || string(b) != "mine" {
		t.Errorf("the refused directory changed: %q %v", b, err)
	}
}

func strconvItoa(k int) string { return strconv.Itoa(k) }

func opt(ok bool, s string) string {
	if ok {
		return s
	}
	return "-"
}

// TestReadOtherOrder reads factor files whose columns come in another
// order, id annotated INT(32).
func TestReadOtherOrder(t *testing.T) {
	dir := t.TempDir()
	writeSparkSchema(t, dir, 2, map[int32][]float32{3: {1, 2}}, map[int32][]float32{5: {3, 4}}, otherSchema)
	m, err := Read(dir, ReadOptions{})
	must(t, err)
	if got := m.Net.Score(0, 0); got != 11 {
		t.Errorf("score %v, want 11", got)
	}
}

// TestReadSidecarRefusals checks that Read refuses a recnet-ids/model.json
// whose range, step or settings a model file could not hold, naming the
// file and the field, rather than restoring a model that a later Save
// refuses (or, for a step of 1e300 or an unknown activation, saves).
func TestReadSidecarRefusals(t *testing.T) {
	a, _ := trained(t, model.Config{Kind: "dot", Training: model.Training{Epochs: 1}, Settings: model.Settings{Dim: 4}})
	a.Max = a.Min + 4
	dir := filepath.Join(t.TempDir(), "als")
	_, err := Write(dir, a, Options{})
	must(t, err)
	path := filepath.Join(dir, "recnet-ids", "model.json")
	orig, err := os.ReadFile(path)
	must(t, err)
	cases := []struct {
		name string
		edit func(sc, cfg map[string]any)
		want string
	}{
		{"min above max", func(sc, _ map[string]any) { sc["min"], sc["max"] = 9, 2 }, "min 9 above max 2"},
		{"huge max", func(sc, _ map[string]any) { sc["max"] = 1e300 }, "max is 1e+300"},
		{"negative step", func(sc, _ map[string]any) { sc["step"] = -1 }, "rating step -1"},
		{"huge step", func(sc, _ map[string]any) { sc["step"] = 1e300 }, "rating step 1e+300"},
		{"bad activation", func(_, cfg map[string]any) { cfg["settings"].(map[string]any)["activation"] = "bogus" }, `field config: model: unknown activation "bogus"`},
		{"bad dim", func(_, cfg map[string]any) { cfg["settings"].(map[string]any)["dim"] = -3 }, "field config: model: dim -3"},
		{"other kind", func(_, cfg map[string]any) { cfg["kind"], cfg["training"].(map[string]any)["optimizer"] = "mf", "sgd" }, `field config: kind "mf", and field kind dot`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var sc map[string]any
			must(t, json.Unmarshal(orig, &sc))
			c.edit(sc, sc["config"].(map[string]any))
			js, err := json.Marshal(sc)
			must(t, err)
			must(t, os.WriteFile(path, js, 0o644))
			m, err := Read(dir, ReadOptions{})
			if !errors.Is(err, ErrLayout) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v (model %v), want ErrLayout naming %s and saying %q", err, m != nil, path, c.want)
			}
		})
	}
	must(t, os.WriteFile(path, orig, 0o644))
	if b, err := Read(dir, ReadOptions{}); err != nil || !Restored(b) {
		t.Errorf("the sidecar as written: %v, restored %v", err, err == nil && Restored(b))
	}
}

// TestReadHugeFooter: a part file whose footer declares a list of 2^20
// schema elements in five bytes is refused before it is decoded.
func TestReadHugeFooter(t *testing.T) {
	a, _ := trained(t, model.Config{Kind: "ials", Training: model.Training{Epochs: 1}, Settings: model.Settings{Dim: 4}})
	dir := filepath.Join(t.TempDir(), "als")
	_, err := Write(dir, a, Options{})
	must(t, err)
	parts, err := filepath.Glob(filepath.Join(dir, "userFactors", "part-*"))
	if err != nil || len(parts) == 0 {
		t.Fatalf("no part file: %v", err)
	}
	footer := []byte{0x29, 0xfc, 0x80, 0x80, 0x40}
	b := append([]byte("PAR1"), footer...)
	b = append(b, byte(len(footer)), 0, 0, 0)
	must(t, os.WriteFile(parts[0], append(b, "PAR1"...), 0o644))
	if _, err := Read(dir, ReadOptions{}); !errors.Is(err, ErrLayout) || !strings.Contains(err.Error(), "parquet footer") {
		t.Errorf("Read: %v, want ErrLayout naming the parquet footer", err)
	}
}
