package sparkals

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
)

// patchPage rewrites the first page of column col in the Parquet file at
// path: edit changes its header and returns its data. The page's CRC,
// when there is one, is recomputed, and the footer's offsets and sizes
// moved by what the page grew, so that only what edit changed is wrong.
func patchPage(t *testing.T, path, col string, edit func(h *format.PageHeader, data []byte) []byte) {
	t.Helper()
	b, err := os.ReadFile(path)
	must(t, err)
	var protocol thrift.CompactProtocol
	end := len(b) - 8
	footer := end - int(binary.LittleEndian.Uint32(b[end:]))
	var md format.FileMetaData
	must(t, thrift.Unmarshal(&protocol, b[footer:end], &md))
	var c *format.ColumnChunk
	for k := range md.RowGroups[0].Columns {
		if strings.Join(md.RowGroups[0].Columns[k].MetaData.PathInSchema, ".") == col {
			c = &md.RowGroups[0].Columns[k]
		}
	}
	if c == nil {
		t.Fatalf("%s has no column %s", path, col)
	}
	start := c.MetaData.DataPageOffset
	if c.MetaData.DictionaryPageOffset != 0 {
		start = c.MetaData.DictionaryPageOffset
	}
	var h format.PageHeader
	pr := protocol.NewReaderFromBytes(b[start:footer])
	must(t, thrift.NewDecoder(pr).Decode(&h))
	old := int64(pr.BytesRead()) + int64(h.CompressedPageSize)
	data := edit(&h, slices.Clone(b[start+int64(pr.BytesRead()):start+old]))
	if h.CRC != 0 {
		h.CRC = int32(crc32.ChecksumIEEE(data))
	}
	hdr, err := thrift.Marshal(&protocol, &h)
	must(t, err)
	delta := int64(len(hdr)+len(data)) - old
	move := func(off *int64) {
		if *off > start {
			*off += delta
		}
	}
	for g := range md.RowGroups {
		rg := &md.RowGroups[g]
		move(&rg.FileOffset)
		for k := range rg.Columns {
			cc := &rg.Columns[k]
			if cc == c {
				cc.MetaData.TotalCompressedSize += delta
				rg.TotalCompressedSize += delta
				continue
			}
			move(&cc.FileOffset)
			move(&cc.MetaData.DataPageOffset)
			move(&cc.MetaData.DictionaryPageOffset)
			move(&cc.MetaData.IndexPageOffset)
			move(&cc.OffsetIndexOffset)
			move(&cc.ColumnIndexOffset)
		}
	}
	foot, err := thrift.Marshal(&protocol, &md)
	must(t, err)
	out := slices.Concat(b[:start], hdr, data, b[start+old:footer], foot,
		binary.LittleEndian.AppendUint32(nil, uint32(len(foot))), []byte("PAR1"))
	must(t, os.WriteFile(path, out, 0o644))
}

// TestReadPageSizes patches one page of a factor file as a reviewer
// did: a page that claims more bytes than its file or its chunk, or
// snappy data that claims more than its page, or more values than
// MaxPageValues, or more bytes of levels than it holds, is refused,
// naming the file, the column and the page, before parquet-go allocates
// what it claims (the first case made Read allocate 448 MB from a 35 KB
// file, the values 1.2 GB; the levels made parquet-go panic).
func TestReadPageSizes(t *testing.T) {
	const huge = 256 << 20
	cases := []struct {
		name, col string
		edit      func(h *format.PageHeader, data []byte) []byte
		want      string
	}{
		{"compressed", "features.list.element", func(h *format.PageHeader, data []byte) []byte {
			h.CompressedPageSize = huge
			return data
		}, "page 0 declares 268435456 bytes compressed"},
		{"compressed id", "id", func(h *format.PageHeader, data []byte) []byte {
			h.CompressedPageSize = huge
			return data
		}, "column id: page 0 declares 268435456 bytes compressed"},
		{"negative", "id", func(h *format.PageHeader, data []byte) []byte {
			h.CompressedPageSize = -1
			return data
		}, "page 0 declares -1 bytes compressed"},
		{"uncompressed", "features.list.element", func(h *format.PageHeader, data []byte) []byte {
			h.UncompressedPageSize = huge
			return data
		}, "page 0 declares 268435456 bytes uncompressed"},
		{"values", "features.list.element", func(h *format.PageHeader, data []byte) []byte {
			h.DataPageHeaderV2.V.NumValues = 1 << 30 // parquet-go writes v2 pages
			return data
		}, "page 0 declares 1073741824 values (at most 16777216)"},
		{"levels", "features.list.element", func(h *format.PageHeader, data []byte) []byte {
			h.DataPageHeaderV2.V.RepetitionLevelsByteLength = 1 << 20
			return data
		}, "page 0 declares 1048" /* 1048576 plus the definition levels */},
		{"snappy", "features.list.element", func(h *format.PageHeader, data []byte) []byte {
			levels := 0
			if v2 := h.DataPageHeaderV2; v2.Valid {
				levels = int(v2.V.RepetitionLevelsByteLength + v2.V.DefinitionLevelsByteLength)
			}
			_, n := binary.Uvarint(data[levels:])
			data = slices.Concat(data[:levels], binary.AppendUvarint(nil, huge), data[levels+n:])
			h.CompressedPageSize = int32(len(data))
			return data
		}, "snappy data state 268435456 bytes decoded"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			items := map[int32][]float32{}
			for i := range int32(200) {
				items[i] = []float32{float32(i), 1, 2, 3}
			}
			writeSpark(t, dir, 4, map[int32][]float32{1: {1, 2, 3, 4}}, items)
			file := filepath.Join(dir, "itemFactors", "part-00000-5f1d7a1e-c000.snappy.parquet")
			patchPage(t, file, c.col, c.edit)
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := Read(dir, ReadOptions{})
			runtime.ReadMemStats(&after)
			if grew := after.TotalAlloc - before.TotalAlloc; grew > 64<<20 {
				t.Errorf("Read allocated %d MB", grew>>20)
			}
			if !errors.Is(err, ErrLayout) || !strings.Contains(err.Error(), file) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want ErrLayout naming %s and saying %q", err, file, c.want)
			}
		})
	}
}

// TestReadLongPageHeader checks that a page header longer than the first
// read of checkPages (statistics of 1,000 bytes) is read whole, and the
// file read as it was.
func TestReadLongPageHeader(t *testing.T) {
	dir := t.TempDir()
	items := map[int32][]float32{1: {1, 2}, 2: {3, 4}, 4: {5, 6}}
	writeSpark(t, dir, 2, map[int32][]float32{1: {1, 2}}, items)
	patchPage(t, filepath.Join(dir, "itemFactors", "part-00000-5f1d7a1e-c000.snappy.parquet"), "features.list.element", func(h *format.PageHeader, data []byte) []byte {
		h.DataPageHeaderV2.V.Statistics.MaxValue = make([]byte, 1000)
		return data
	})
	m, err := Read(dir, ReadOptions{})
	must(t, err)
	if k, ok := m.Items.Inner("4"); !ok || m.Net.Score(0, k) != 1*5+2*6 {
		t.Errorf("item 4: inner %d %v, score %v, want 17", k, ok, m.Net.Score(0, k))
	}
}
