package pqfooter_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/dataset/parquetsrc"
	"github.com/recnet/recnet/internal/pqfooter"
)

// file returns a Parquet file's bytes: the magic, body, the footer and
// its length, the magic.
func file(body, footer []byte, declared uint32) []byte {
	b := append([]byte("PAR1"), body...)
	b = append(b, footer...)
	b = binary.LittleEndian.AppendUint32(b, declared)
	return append(b, "PAR1"...)
}

// TestCheckWritten: the footer of a file parquetsrc writes passes.
func TestCheckWritten(t *testing.T) {
	d, _ := dataset.GenerateCourses(dataset.CourseConfig{Users: 500, Rows: 3000, Seed: 1})
	var buf bytes.Buffer
	if err := parquetsrc.Write(&buf, d); err != nil {
		t.Fatal(err)
	}
	if err := pqfooter.Check(bytes.NewReader(buf.Bytes()), int64(buf.Len())); err != nil {
		t.Errorf("a written file: %v", err)
	}
}

// TestCheckRefuses: footers whose declared lengths and counts do not fit.
func TestCheckRefuses(t *testing.T) {
	// FileMetaData field 2 (schema), a list of structs declaring 2^20
	// elements in 3 bytes (0xf9: size 15, varint follows; type 12 struct).
	bigList := []byte{0x29, 0xfc, 0x80, 0x80, 0x40}
	bigString := []byte{0x18, 0xff, 0xff, 0x3f} // field 1, binary of 2^20-1 bytes
	deep := bytes.Repeat([]byte{0x1c}, 100)     // structs in structs
	for _, c := range []struct {
		name string
		b    []byte
	}{
		{"too short", []byte("PAR1PAR1")},
		{"no magic", append(file(nil, []byte{0}, 1)[:9], "PAR2"...)},
		{"length past the file", file(nil, []byte{0}, 1000)},
		{"length past the cap", file(make([]byte, pqfooter.MaxFooter+1), []byte{0}, pqfooter.MaxFooter+1)},
		{"list past the footer", file(nil, bigList, uint32(len(bigList)))},
		{"string past the footer", file(nil, bigString, uint32(len(bigString)))},
		{"nested too deep", file(nil, deep, uint32(len(deep)))},
		{"ends inside a struct", file(nil, []byte{0x15}, 1)},
	} {
		err := pqfooter.Check(bytes.NewReader(c.b), int64(len(c.b)))
		if !errors.Is(err, pqfooter.ErrFooter) {
			t.Errorf("%s: %v, want ErrFooter", c.name, err)
		}
	}
	ok := []byte{0x15, 0x02, 0x00} // field 1 i32 = 1, stop
	if err := pqfooter.Check(bytes.NewReader(file(nil, ok, 3)), int64(len(file(nil, ok, 3)))); err != nil {
		t.Errorf("a minimal footer: %v", err)
	}
}

// FuzzCheck: Check never panics and reads no more than the file.
func FuzzCheck(f *testing.F) {
	f.Add([]byte{0x15, 0x02, 0x00})
	f.Add([]byte{0x29, 0xfc, 0x80, 0x80, 0x40})
	f.Fuzz(func(t *testing.T, footer []byte) {
		b := file(nil, footer, uint32(len(footer)))
		_ = pqfooter.Check(bytes.NewReader(b), int64(len(b)))
	})
}
