package sparkals

import (
	"encoding/binary"
	"fmt"
	"io"
	"strings"

	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
)

// maxPageHeader bounds the bytes of one page header: those of a factor
// table (sizes, counts, encodings, statistics of an int or a float) take
// a few dozen.
const maxPageHeader = 64 << 10

// MaxPageValues bounds the values one Parquet page may declare (levels
// and values included): parquet-go sizes a page's levels and values by
// that count, about 6 bytes a value here (100 MB at the bound). Spark's
// pages (parquet-mr's) hold 1 MB encoded and at most 20,000 rows: a few
// hundred thousand floats, plain or from a dictionary; only vectors
// alike enough to compress to runs (20,000 rows of rank 1024, all equal)
// could reach the bound.
const MaxPageValues = 1 << 24

// checkPages walks the page headers of every column chunk of a Parquet
// file of size bytes, which r holds and md describes, before parquet-go
// reads a page: parquet-go sizes a page's buffer by its header's
// compressed and uncompressed sizes, and snappy its output by the length
// the compressed data states. It refuses a chunk outside the file, a
// header it cannot decode within maxPageHeader bytes, a page whose
// compressed size is negative or runs past its chunk, whose uncompressed
// size is negative or exceeds its chunk's (checkSchema bounds that),
// that declares more than MaxPageValues values or more bytes of levels
// than it holds, and a snappy page that states a decoded length above its
// uncompressed size. Memory is one header buffer, whatever the file
// declares.
func checkPages(r io.ReaderAt, size int64, md *format.FileMetaData) error {
	buf := make([]byte, maxPageHeader)
	for g, rg := range md.RowGroups {
		for _, c := range rg.Columns {
			if err := checkChunk(r, size, &c.MetaData, buf); err != nil {
				return fmt.Errorf("row group %d, column %s: %v", g, strings.Join(c.MetaData.PathInSchema, "."), err)
			}
		}
	}
	return nil
}

// checkChunk checks the pages of one column chunk, which starts where
// parquet-go starts reading it (the dictionary page when there is one)
// and holds md.TotalCompressedSize bytes, headers included.
func checkChunk(r io.ReaderAt, size int64, md *format.ColumnMetaData, buf []byte) error {
	start, n := md.DataPageOffset, md.TotalCompressedSize
	if md.DictionaryPageOffset != 0 {
		start = md.DictionaryPageOffset
	}
	if start < 0 || n < 0 || start > size || n > size-start {
		return fmt.Errorf("declares %d bytes at offset %d, outside the file's %d bytes", n, start, size)
	}
	chunk := io.NewSectionReader(r, start, n)
	for page, off := 0, int64(0); off < n; page++ {
		var h format.PageHeader
		hsize, err := readPageHeader(chunk, off, n-off, buf, &h)
		if err != nil {
			return fmt.Errorf("page %d: no page header of at most %d bytes at byte %d: %v", page, maxPageHeader, start+off, err)
		}
		off += hsize
		left := n - off
		switch {
		case h.CompressedPageSize < 0 || int64(h.CompressedPageSize) > left:
			return fmt.Errorf("page %d declares %d bytes compressed, and %d are left in the chunk", page, h.CompressedPageSize, left)
		case h.UncompressedPageSize < 0 || int64(h.UncompressedPageSize) > md.TotalUncompressedSize:
			return fmt.Errorf("page %d declares %d bytes uncompressed, and the chunk %d", page, h.UncompressedPageSize, md.TotalUncompressedSize)
		}
		if err := checkCounts(&h); err != nil {
			return fmt.Errorf("page %d declares %v", page, err)
		}
		if md.Codec == format.Snappy {
			if err := checkSnappy(chunk, off, &h); err != nil {
				return fmt.Errorf("page %d: %v", page, err)
			}
		}
		off += int64(h.CompressedPageSize)
	}
	return nil
}

// readPageHeader decodes into h the page header at off in chunk, of at
// most left bytes, and returns its size. It reads 256 bytes, then twice
// as many while the header does not fit, up to len(buf): a page header
// takes a few dozen bytes, and a chunk holds pages of a few kilobytes.
func readPageHeader(chunk *io.SectionReader, off, left int64, buf []byte, h *format.PageHeader) (int64, error) {
	var protocol thrift.CompactProtocol
	for w := int64(256); ; w *= 2 {
		hb := buf[:min(w, int64(len(buf)), left)]
		if _, err := chunk.ReadAt(hb, off); err != nil {
			return 0, err
		}
		*h = format.PageHeader{}
		pr := protocol.NewReaderFromBytes(hb)
		err := thrift.NewDecoder(pr).Decode(h)
		if err == nil {
			return int64(pr.BytesRead()), nil
		}
		if len(hb) == len(buf) || int64(len(hb)) == left {
			return 0, err
		}
	}
}

// checkCounts checks the values and, for a v2 data page, the bytes of
// levels a page declares.
func checkCounts(h *format.PageHeader) error {
	n := int64(-1)
	switch {
	case h.DataPageHeader.Valid:
		n = int64(h.DataPageHeader.V.NumValues)
	case h.DictionaryPageHeader.Valid:
		n = int64(h.DictionaryPageHeader.V.NumValues)
	case h.DataPageHeaderV2.Valid:
		v2 := &h.DataPageHeaderV2.V
		n = int64(v2.NumValues)
		if v2.NumNulls < 0 || v2.NumNulls > v2.NumValues || v2.NumRows < 0 || v2.NumRows > v2.NumValues {
			return fmt.Errorf("%d values, %d nulls and %d rows", v2.NumValues, v2.NumNulls, v2.NumRows)
		}
		levels := int64(v2.RepetitionLevelsByteLength) + int64(v2.DefinitionLevelsByteLength)
		if v2.RepetitionLevelsByteLength < 0 || v2.DefinitionLevelsByteLength < 0 || levels > int64(h.CompressedPageSize) {
			return fmt.Errorf("%d bytes of levels in %d bytes", levels, h.CompressedPageSize)
		}
	default:
		return nil // an index page, or none: parquet-go refuses it
	}
	if n < 0 || n > MaxPageValues {
		return fmt.Errorf("%d values (at most %d)", n, MaxPageValues)
	}
	return nil
}

// checkSnappy checks the decoded length snappy data states, its leading
// uvarint, against the uncompressed size of the page whose data starts
// at off in chunk. A v2 data page's data starts after its repetition and
// definition levels, which are not compressed (checkCounts checked their
// lengths), and may not be compressed at all.
func checkSnappy(chunk *io.SectionReader, off int64, h *format.PageHeader) error {
	data := int64(h.CompressedPageSize)
	if v2 := h.DataPageHeaderV2; v2.Valid {
		if v2.V.IsCompressed.Valid && !v2.V.IsCompressed.V {
			return nil
		}
		levels := int64(v2.V.RepetitionLevelsByteLength) + int64(v2.V.DefinitionLevelsByteLength) // checkCounts bounds them
		off, data = off+levels, data-levels
	}
	var b [binary.MaxVarintLen64]byte
	k, err := chunk.ReadAt(b[:min(int64(len(b)), data)], off)
	if err != nil && err != io.EOF {
		return err
	}
	stated, m := binary.Uvarint(b[:k])
	switch {
	case m <= 0:
		return fmt.Errorf("its snappy data does not start with their length")
	case stated > uint64(h.UncompressedPageSize):
		return fmt.Errorf("its snappy data state %d bytes decoded, the page %d uncompressed", stated, h.UncompressedPageSize)
	}
	return nil
}
