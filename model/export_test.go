package model_test

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

// exportTestModel has 2 users and 3 items with 2-dimensional embeddings of
// known values.
func exportTestModel() *model.Model {
	cfg := fileTestConfig
	cfg.Dim = 2
	net := model.NewDot(2, 3, cfg)
	copy(net.UserEmb, []float32{0.5, -1.25, 1e-7, 3.4028235e38})
	copy(net.ItemEmb, []float32{0, 1, 2, 3, 0.1, -0.1})
	return &model.Model{
		Config: cfg, Net: net, Min: 1, Max: 5,
		Users: dataset.NewIDMap([]string{"u1", `a,"b"`}),
		Items: dataset.NewIDMap([]string{"x", "y", "z"}),
	}
}

func TestExport(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out", "emb") // created by Export
	m := exportTestModel()
	paths, err := m.Export(dir)
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"user_embeddings.csv", "item_embeddings.csv", "user_embeddings.npy", "item_embeddings.npy"}
	var want []string
	for _, n := range names {
		want = append(want, filepath.Join(dir, n))
	}
	if !slices.Equal(paths, want) {
		t.Errorf("paths %q, want %q", paths, want)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != len(names) {
		t.Errorf("dir holds %v, want only the exported files", entries)
	}
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}

	wantCSV := map[string]string{
		"user_embeddings.csv": "user,UFeature0,UFeature1\nu1,0.5,-1.25\n\"a,\"\"b\"\"\",1e-07,3.4028235e+38\n",
		"item_embeddings.csv": "item,CFeature0,CFeature1\nx,0,1\ny,2,3\nz,0.1,-0.1\n",
	}
	for name, w := range wantCSV {
		if got := string(read(name)); got != w {
			t.Errorf("%s:\n%s\nwant:\n%s", name, got, w)
		}
	}

	for name, p := range map[string]model.Param{"user_embeddings.npy": m.Net.Params()[0], "item_embeddings.npy": m.Net.Params()[2]} {
		b := read(name)
		hdr := "{'descr': '<f4', 'fortran_order': False, 'shape': (" + map[string]string{"user_embeddings.npy": "2", "item_embeddings.npy": "3"}[name] + ", 2), }"
		if !bytes.HasPrefix(b, []byte("\x93NUMPY\x01\x00")) {
			t.Fatalf("%s starts % x", name, b[:8])
		}
		hlen := int(binary.LittleEndian.Uint16(b[8:]))
		h := string(b[10 : 10+hlen])
		if (10+hlen)%64 != 0 || !strings.HasPrefix(h, hdr) || strings.TrimLeft(h[len(hdr):], " ") != "\n" {
			t.Errorf("%s: header %q (length %d), want %q padded to 64 bytes", name, h, hlen, hdr)
		}
		data := b[10+hlen:]
		if len(data) != 4*len(p.Data) {
			t.Fatalf("%s holds %d data bytes, want %d", name, len(data), 4*len(p.Data))
		}
		for k, v := range p.Data {
			if got := math.Float32frombits(binary.LittleEndian.Uint32(data[4*k:])); got != v {
				t.Errorf("%s value %d: %g, want %g", name, k, got, v)
			}
		}
	}

	// Exporting again replaces the files.
	m.Net.(*model.Dot).ItemEmb[0] = 7
	if _, err := m.Export(dir); err != nil {
		t.Fatal(err)
	}
	if got := string(read("item_embeddings.csv")); !strings.Contains(got, "\nx,7,1\n") {
		t.Errorf("re-export:\n%s", got)
	}
}

func TestExportErrors(t *testing.T) {
	m := exportTestModel()
	m.Net = &model.Bias{UserBias: make([]float32, 2), ItemBias: make([]float32, 3)}
	if _, err := m.Export(t.TempDir()); err == nil || !strings.Contains(err.Error(), "user_embedding") {
		t.Errorf("export of a baseline: %v", err)
	}
	m = exportTestModel()
	m.Items = dataset.NewIDMap([]string{"x"})
	if _, err := m.Export(t.TempDir()); err == nil || !strings.Contains(err.Error(), "for 1 ids") {
		t.Errorf("export with too few ids: %v", err)
	}
	file := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := exportTestModel().Export(file); err == nil {
		t.Error("export into a file succeeded")
	}
}

// TestExportNumpy has numpy load the .npy files, when python3 and numpy are
// installed.
func TestExportNumpy(t *testing.T) {
	py := ""
	for _, p := range []string{"python3", "/usr/bin/python3"} {
		if path, err := exec.LookPath(p); err == nil && exec.Command(path, "-c", "import numpy").Run() == nil {
			py = path
			break
		}
	}
	if py == "" {
		t.Skip("python3 with numpy is not installed")
	}
	dir := t.TempDir()
	m := exportTestModel()
	if _, err := m.Export(dir); err != nil {
		t.Fatal(err)
	}
	script := `
import sys, numpy
for name in sys.argv[1:]:
    a = numpy.load(name)
    print(a.dtype, a.shape, a.flags['C_CONTIGUOUS'], a.astype('<f4').tobytes().hex())
`
	out, err := exec.Command(py, "-c", script, filepath.Join(dir, "user_embeddings.npy"), filepath.Join(dir, "item_embeddings.npy")).CombinedOutput()
	if err != nil {
		t.Fatalf("numpy: %v\n%s", err, out)
	}
	hexOf := func(v []float32) string {
		var b []byte
		for _, x := range v {
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
		}
		return hex.EncodeToString(b)
	}
	d := m.Net.(*model.Dot)
	want := "float32 (2, 2) True " + hexOf(d.UserEmb) + "\nfloat32 (3, 2) True " + hexOf(d.ItemEmb) + "\n"
	if string(out) != want {
		t.Errorf("numpy read:\n%s\nwant:\n%s", out, want)
	}
}
