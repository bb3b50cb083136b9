package model_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/recnet/recnet/model"
)

// TestFileNonFinite checks that a model with a NaN or infinite weight in
// any table is neither written nor read: Write and Save fail naming the
// table (and Save leaves the old file), and Load of a file whose table holds
// one, checksum intact, fails naming the file and the table.
func TestFileNonFinite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.recnet")
	good := fileTestModel()
	if err := good.Save(path); err != nil {
		t.Fatal(err)
	}
	old, _ := os.ReadFile(path)
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	cases := []struct {
		name  string
		table string
		row   int
		col   int
		v     float32
	}{
		{"NaN in user_embedding", "user_embedding", 1, 2, nan},
		{"NaN payload in item_embedding", "item_embedding", 4, 3, math.Float32frombits(0x7fc00123)},
		{"+Inf in item_bias", "item_bias", 2, 0, inf},
		{"-Inf in user_bias", "user_bias", 0, 0, -inf},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := fileTestModel()
			poke(t, m, c.table, c.row, c.col, c.v)
			err := m.Write(&bytes.Buffer{})
			if err == nil || !strings.Contains(err.Error(), c.table) {
				t.Errorf("Write = %v, want an error naming %s", err, c.table)
			}
			if err := m.Save(path); err == nil || !strings.Contains(err.Error(), c.table) {
				t.Errorf("Save = %v, want an error naming %s", err, c.table)
			}
			if now, _ := os.ReadFile(path); !bytes.Equal(now, old) {
				t.Error("a refused Save changed the file")
			}

			crafted := filepath.Join(dir, "crafted.recnet")
			if err := os.WriteFile(crafted, patchValue(t, fileBytes(t, fileTestModel()), c.table, c.row, c.col, c.v), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err = model.Load(crafted)
			if !errors.Is(err, model.ErrNonFinite) || !strings.Contains(err.Error(), crafted) || !strings.Contains(err.Error(), c.table) {
				t.Errorf("Load = %v, want ErrNonFinite naming %s and %s", err, crafted, c.table)
			}
		})
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
}

// poke sets one value of m's table name.
func poke(t *testing.T, m *model.Model, name string, row, col int, v float32) {
	t.Helper()
	for _, p := range m.Net.Params() {
		if p.Name == name {
			p.Data[row*p.Cols+col] = v
			return
		}
	}
	t.Fatalf("no table %s", name)
}

// patchValue sets one table value in the bytes of a model file and fixes
// the checksum, as a file written by a build without the check would be.
func patchValue(t *testing.T, b []byte, name string, row, col int, v float32) []byte {
	t.Helper()
	hlen := binary.LittleEndian.Uint64(b[12:])
	var h struct {
		Tables []struct {
			Name       string
			Rows, Cols int
		}
	}
	if err := json.Unmarshal(b[20:20+hlen], &h); err != nil {
		t.Fatal(err)
	}
	off := 20 + int(hlen)
	for _, tb := range h.Tables {
		if tb.Name == name {
			binary.LittleEndian.PutUint32(b[off+4*(row*tb.Cols+col):], math.Float32bits(v))
			return fixChecksum(b)
		}
		off += 4 * tb.Rows * tb.Cols
	}
	t.Fatalf("no table %s in the file", name)
	return nil
}
