package model_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

// fileTestConfig sets every field, so tests do not depend on the defaults.
var fileTestConfig = model.Config{
	Kind:     "dot",
	Training: model.Training{Optimizer: "adam", LR: 0.005, Beta1: 0.9, Beta2: 0.999, Eps: 1e-7, Batch: 256, Epochs: 50, Patience: 3, Seed: 1},
	Settings: model.Settings{Dim: 4, Activation: model.Linear, Init: "normal", InitStd: 0.05, L2: 1e-4, BiasL2: 1e-5},
}

// fileTestModel returns a 3-user, 5-item dot model whose tables hold some
// awkward finite floats (a file holds no other) and whose history holds NaN.
func fileTestModel() *model.Model {
	net := model.NewDot(3, 5, fileTestConfig)
	net.UserEmb[0] = float32(math.Copysign(0, -1))
	net.UserEmb[1] = -math.MaxFloat32
	net.UserEmb[2] = -math.Float32frombits(1) // the largest negative subnormal
	net.ItemEmb[3] = math.Float32frombits(1)  // smallest subnormal
	net.ItemBias[4] = math.MaxFloat32
	return &model.Model{
		Config: fileTestConfig, Net: net,
		Users: dataset.NewIDMap([]string{"alice", "bob", "carol"}),
		Items: dataset.NewIDMap([]string{"i1", "i2", "i3", "i4", "i5"}),
		Min:   0.5, Max: 5,
		History: []model.Epoch{
			{Epoch: 1, Loss: 0.25, ValLoss: 0.5, ValRMSE: 1.125, ValNDCG: 0.375, Seconds: 0.01},
			{Epoch: 2, Loss: 0.125, ValLoss: math.NaN(), ValRMSE: math.Inf(1), ValNDCG: math.NaN(), Seconds: 1e-9},
		},
		BestEpoch: 1,
		Step:      0.5,
		Seen: &model.Seen{ // alice: i2 4.5, i5 1; bob: none; carol: i1 5
			Offsets: []uint32{0, 2, 2, 3},
			Packed:  []uint32{1<<8 | 1, 4<<8 | 0, 0<<8 | 2},
			Values:  []float32{1, 4.5, 5},
		},
	}
}

func fileBytes(t testing.TB, m *model.Model) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := m.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// streamReader hides the Len method of a reader, so Read cannot know the
// size of its input.
type streamReader struct{ io.Reader }

// readBoth reads b with a known size and as a stream; both must agree on
// whether it fails.
func readBoth(t *testing.T, b []byte) (*model.Model, error) {
	t.Helper()
	m1, err1 := model.Read(bytes.NewReader(b), "test.recnet")
	_, err2 := model.Read(streamReader{bytes.NewReader(b)}, "test.recnet")
	if (err1 == nil) != (err2 == nil) {
		t.Fatalf("sized read: %v; streamed read: %v", err1, err2)
	}
	return m1, err1
}

func assertSameModel(t *testing.T, got, want *model.Model) {
	t.Helper()
	if got.Config != want.Config.Effective() || got.Net.Kind() != want.Net.Kind() ||
		math.Float64bits(got.Min) != math.Float64bits(want.Min) || math.Float64bits(got.Max) != math.Float64bits(want.Max) || got.BestEpoch != want.BestEpoch {
		t.Errorf("got config %+v kind %s range %g..%g best %d, want %+v %s %g..%g %d",
			got.Config, got.Net.Kind(), got.Min, got.Max, got.BestEpoch,
			want.Config, want.Net.Kind(), want.Min, want.Max, want.BestEpoch)
	}
	if got.Step != want.Step || !reflect.DeepEqual(got.Seen, want.Seen) {
		t.Errorf("step %g, seen %+v; want %g, %+v", got.Step, got.Seen, want.Step, want.Seen)
	}
	if !slices.Equal(got.Users.IDs(), want.Users.IDs()) || !slices.Equal(got.Items.IDs(), want.Items.IDs()) {
		t.Errorf("ids: got %q %q, want %q %q", got.Users.IDs(), got.Items.IDs(), want.Users.IDs(), want.Items.IDs())
	}
	bits := func(h []model.Epoch) [][6]uint64 {
		var out [][6]uint64
		for _, e := range h {
			out = append(out, [6]uint64{uint64(e.Epoch), math.Float64bits(e.Loss), math.Float64bits(e.ValLoss), math.Float64bits(e.ValRMSE), math.Float64bits(e.ValNDCG), math.Float64bits(e.Seconds)})
		}
		return out
	}
	if !reflect.DeepEqual(bits(got.History), bits(want.History)) {
		t.Errorf("history: got %+v, want %+v", got.History, want.History)
	}
	gp, wp := got.Net.Params(), want.Net.Params()
	if len(gp) != len(wp) {
		t.Fatalf("got %d tables, want %d", len(gp), len(wp))
	}
	for k := range wp {
		if gp[k].Name != wp[k].Name || gp[k].Rows != wp[k].Rows || gp[k].Cols != wp[k].Cols || len(gp[k].Data) != len(wp[k].Data) {
			t.Fatalf("table %d: got %s %dx%d, want %s %dx%d", k, gp[k].Name, gp[k].Rows, gp[k].Cols, wp[k].Name, wp[k].Rows, wp[k].Cols)
		}
		for j, v := range wp[k].Data {
			if math.Float32bits(gp[k].Data[j]) != math.Float32bits(v) {
				t.Fatalf("table %s value %d: got %08x, want %08x", wp[k].Name, j, math.Float32bits(gp[k].Data[j]), math.Float32bits(v))
			}
		}
	}
}

func TestFileRoundTrip(t *testing.T) {
	want := fileTestModel()
	b := fileBytes(t, want)
	if !bytes.HasPrefix(b, []byte("RECNET\x00\x00\x02\x00\x00\x00")) {
		t.Errorf("file starts % x", b[:12])
	}
	got, err := readBoth(t, b)
	if err != nil {
		t.Fatal(err)
	}
	assertSameModel(t, got, want)
	if again := fileBytes(t, got); !bytes.Equal(again, b) {
		t.Error("writing a read model gives different bytes")
	}

	path := filepath.Join(t.TempDir(), "m.recnet")
	if err := want.Save(path); err != nil {
		t.Fatal(err)
	}
	loaded, err := model.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	assertSameModel(t, loaded, want)
	p1, err1 := loaded.Predict("carol", "i2")
	p2, err2 := want.Predict("carol", "i2")
	if err1 != nil || err2 != nil || p1 != p2 {
		t.Errorf("Predict: got %v %v, want %v %v", p1, err1, p2, err2)
	}
}

func TestFileRoundTripOddIDsAndBaselines(t *testing.T) {
	m := fileTestModel()
	m.Users = dataset.NewIDMap([]string{"\xff\xfe", "", "é,\"x\"\n"}) // not UTF-8, empty, quotes
	got, err := readBoth(t, fileBytes(t, m))
	if err != nil {
		t.Fatal(err)
	}
	assertSameModel(t, got, m)

	m.Min, m.Max, m.Step = 3, 3, 0 // every rating the same, so no step (a NaN range is refused: TestFileRatingRange)
	for _, net := range []model.Net{&model.Mean{Mu: 3.5}, &model.Bias{Mu: 1, UserBias: []float32{1, 2, 3}, ItemBias: make([]float32, 5)}} {
		m.Net = net
		got, err := readBoth(t, fileBytes(t, m))
		if err != nil {
			t.Fatal(err)
		}
		assertSameModel(t, got, m)
	}
}

// TestEpochFields guards the file format: fileEpoch in file.go mirrors Epoch
// field by field and must be extended with it.
func TestEpochFields(t *testing.T) {
	if n := reflect.TypeFor[model.Epoch]().NumField(); n != 6 {
		t.Errorf("Epoch has %d fields; update fileEpoch in file.go and this test", n)
	}
}

// badNet is a net whose tables cannot be written.
type badNet struct{ model.Dot }

func (badNet) Params() []model.Param {
	return []model.Param{{Name: "w", Rows: 2, Cols: 2, Data: []float32{1}}}
}

func TestSaveKeepsOldFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.recnet")
	m := fileTestModel()
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	m.BestEpoch = 2
	if err := m.Save(path); err != nil { // replacing keeps the mode
		t.Fatal(err)
	}
	old, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("mode after replace: %v %v, want 0600", fi.Mode(), err)
	}

	bad := fileTestModel()
	bad.Net = &badNet{}
	if err := bad.Save(path); err == nil || !strings.Contains(err.Error(), "table w") {
		t.Errorf("Save of a bad net: %v", err)
	}
	if err := m.Save(dir); err == nil { // renaming over a directory fails
		t.Error("Save over a directory succeeded")
	}
	if err := m.Save(filepath.Join(dir, "missing", "m.recnet")); err == nil {
		t.Error("Save into a missing directory succeeded")
	}
	if now, err := os.ReadFile(path); err != nil || !bytes.Equal(now, old) {
		t.Errorf("file changed by a failed Save (%v)", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %v, want only m.recnet", entries)
	}
	if _, err := model.Load(filepath.Join(dir, "none")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load of a missing file: %v", err)
	}
}

// fixChecksum rewrites the trailing CRC-32C of a model file.
func fixChecksum(b []byte) []byte {
	n := len(b) - 4
	binary.LittleEndian.PutUint32(b[n:], crc32.Checksum(b[:n], crc32.MakeTable(crc32.Castagnoli)))
	return b
}

// editHeader rewrites the JSON header of a model file and fixes its length
// and checksum.
func editHeader(t *testing.T, b []byte, edit func(h map[string]any)) []byte {
	t.Helper()
	hlen := binary.LittleEndian.Uint64(b[12:])
	var h map[string]any
	if err := json.Unmarshal(b[20:20+hlen], &h); err != nil {
		t.Fatal(err)
	}
	edit(h)
	js, err := json.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	out := binary.LittleEndian.AppendUint64(slices.Clone(b[:12]), uint64(len(js)))
	out = append(append(out, js...), b[20+hlen:]...)
	return fixChecksum(out)
}

func TestReadCorrupt(t *testing.T) {
	good := fileBytes(t, fileTestModel())
	isCorrupt := func(what string, b []byte, msg string) {
		t.Helper()
		_, err := readBoth(t, b)
		if !errors.Is(err, model.ErrCorrupt) || !strings.Contains(err.Error(), "test.recnet") || !strings.Contains(err.Error(), msg) {
			t.Errorf("%s: got %v, want ErrCorrupt naming the file and %q", what, err, msg)
		}
	}
	for k := range good {
		for _, x := range []byte{0x01, 0xff} {
			b := slices.Clone(good)
			b[k] ^= x
			isCorrupt(fmt.Sprintf("byte %d ^ %#x", k, x), b, "")
		}
	}
	for n := range len(good) {
		isCorrupt(fmt.Sprintf("truncated to %d bytes", n), good[:n], "")
	}
	isCorrupt("empty", nil, "empty")
	isCorrupt("truncated table", good[:len(good)-10], "truncated")
	isCorrupt("bad magic", append([]byte("PK\x03\x04 zip"), good[8:]...), "not a recnet model file")
	isCorrupt("text", []byte("user,item,rating\n"), "not a recnet model file")
	isCorrupt("trailing data", append(slices.Clone(good), 0), "trailing data")
	b := slices.Clone(good)
	b[len(b)-10] ^= 0x40
	isCorrupt("flipped table value", b, "checksum mismatch")

	b = slices.Clone(good)
	binary.LittleEndian.PutUint64(b[12:], 1<<62)
	isCorrupt("huge header length", b, "")
	isCorrupt("huge table", editHeader(t, good, func(h map[string]any) {
		h["tables"] = append(h["tables"].([]any), map[string]any{"name": "extra", "rows": 1 << 31, "cols": 4})
	}), "")
	isCorrupt("overflowing table", editHeader(t, good, func(h map[string]any) {
		h["tables"] = append(h["tables"].([]any), map[string]any{"name": "extra", "rows": 1 << 40, "cols": 1 << 40})
	}), "impossible shape")
	isCorrupt("rows disagree with ids", editHeader(t, good, func(h map[string]any) {
		h["users"] = []string{"a", "b"}
	}), "3 rows for 2 ids")
	isCorrupt("repeated ids", editHeader(t, good, func(h map[string]any) {
		h["users"] = []string{"a", "b", "a"}
	}), "repeated")

	v99 := slices.Clone(good)
	binary.LittleEndian.PutUint32(v99[8:], 99)
	isCorrupt("version changed without its checksum", slices.Clone(v99), "checksum")
	_, err := readBoth(t, fixChecksum(v99))
	if !errors.Is(err, model.ErrVersion) || !strings.Contains(err.Error(), "version 99") || !strings.Contains(err.Error(), "reads versions 1 to 2") {
		t.Errorf("version 99: got %v, want ErrVersion naming both versions", err)
	}

	_, err = readBoth(t, editHeader(t, good, func(h map[string]any) { h["kind"] = "nope" }))
	if err == nil || errors.Is(err, model.ErrCorrupt) || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("unknown kind: got %v, want an error naming the kind", err)
	}
}

func FuzzRead(f *testing.F) {
	good := fileBytes(f, fileTestModel())
	f.Add(good)
	f.Add(good[:100])
	f.Add(fileBytes(f, &model.Model{Net: &model.Mean{Mu: 1}}))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, r := range []io.Reader{bytes.NewReader(b), streamReader{bytes.NewReader(b)}} {
			m, err := model.Read(r, "fuzz")
			if err != nil {
				continue
			}
			if err := m.Write(io.Discard); err != nil {
				t.Errorf("a model read back cannot be written: %v", err)
			}
		}
	})
}

func BenchmarkReadWrite(b *testing.B) {
	cfg := fileTestConfig
	cfg.Dim = 32
	users, items := 100_000, 20_000
	m := &model.Model{Config: cfg, Net: model.NewDot(users, items, cfg),
		Users: dataset.NewIDMap(make([]string, 0)), Items: dataset.NewIDMap(nil)}
	for k := range users {
		m.Users.Add("user" + strconv.Itoa(k))
	}
	for k := range items {
		m.Items.Add("item" + strconv.Itoa(k))
	}
	var buf bytes.Buffer
	if err := m.Write(&buf); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	b.Run("Write", func(b *testing.B) {
		b.SetBytes(int64(buf.Len()))
		for b.Loop() {
			if err := m.Write(io.Discard); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Read", func(b *testing.B) {
		b.SetBytes(int64(buf.Len()))
		for b.Loop() {
			if _, err := model.Read(bytes.NewReader(buf.Bytes()), "bench"); err != nil {
				b.Fatal(err)
			}
		}
	})
}
