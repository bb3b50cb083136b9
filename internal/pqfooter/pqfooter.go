package pqfooter

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// MaxFooterMiB is the longest footer Check takes, in MiB (MaxFooter
// bytes): far above the footer of a file of millions of rows in thousands
// of row groups.
const (
	MaxFooterMiB = 16
	MaxFooter    = MaxFooterMiB << 20
)

// maxDepth bounds the nesting of structs and containers.
const maxDepth = 64

// ErrFooter is wrapped by every error Check returns about the footer.
var ErrFooter = errors.New("parquet footer")

// Check reads the footer of the Parquet file r of size bytes (its last 8
// bytes: the footer's length and "PAR1") and walks its Thrift compact
// encoding, returning an error wrapping ErrFooter when the length or a
// count it declares does not fit, or it nests deeper than 64 levels.
func Check(r io.ReaderAt, size int64) error {
	var tail [8]byte
	if size < 12 {
		return fmt.Errorf("%w: the file has %d bytes, fewer than a Parquet file's 12", ErrFooter, size)
	}
	if _, err := r.ReadAt(tail[:], size-8); err != nil {
		return fmt.Errorf("%w: %v", ErrFooter, err)
	}
	if string(tail[4:]) != "PAR1" {
		return fmt.Errorf("%w: the file does not end in PAR1", ErrFooter)
	}
	n := int64(binary.LittleEndian.Uint32(tail[:4]))
	if n > size-12 || n > MaxFooter {
		return fmt.Errorf("%w: declares %d bytes, the file holds %d before it (at most %d are taken)", ErrFooter, n, size-12, MaxFooter)
	}
	b := make([]byte, n)
	if _, err := r.ReadAt(b, size-8-n); err != nil {
		return fmt.Errorf("%w: %v", ErrFooter, err)
	}
	w := walker{b: b}
	if err := w.value(typeStruct, 0); err != nil {
		return fmt.Errorf("%w: at byte %d of %d: %v", ErrFooter, w.i, n, err)
	}
	return nil
}

// The Thrift compact protocol's type ids.
const (
	typeTrue   = 1
	typeFalse  = 2
	typeByte   = 3
	typeI16    = 4
	typeI32    = 5
	typeI64    = 6
	typeDouble = 7
	typeBinary = 8
	typeList   = 9
	typeSet    = 10
	typeMap    = 11
	typeStruct = 12
)

var errShort = errors.New("ends inside a value")

// walker reads b from i, checking each value.
type walker struct {
	b []byte
	i int
}

func (w *walker) byte() (byte, error) {
	if w.i >= len(w.b) {
		return 0, errShort
	}
	w.i++
	return w.b[w.i-1], nil
}

func (w *walker) varint() (uint64, error) {
	var x uint64
	for shift := 0; shift < 64; shift += 7 {
		c, err := w.byte()
		if err != nil {
			return 0, err
		}
		x |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return x, nil
		}
	}
	return 0, errors.New("a varint longer than 10 bytes")
}

// count reads a declared count and checks that per elements of at least
// one byte each fit in what is left.
func (w *walker) count(x uint64, what string) (int, error) {
	if left := uint64(len(w.b) - w.i); x > left {
		return 0, fmt.Errorf("%s declares %d, %d bytes are left", what, x, left)
	}
	return int(x), nil
}

// value skips one value of type t at nesting depth d.
func (w *walker) value(t byte, d int) error {
	if d > maxDepth {
		return fmt.Errorf("nested deeper than %d", maxDepth)
	}
	switch t {
	case typeTrue, typeFalse, typeByte:
		_, err := w.byte()
		return err
	case typeI16, typeI32, typeI64:
		_, err := w.varint()
		return err
	case typeDouble:
		if len(w.b)-w.i < 8 {
			return errShort
		}
		w.i += 8
		return nil
	case typeBinary:
		x, err := w.varint()
		if err != nil {
			return err
		}
		n, err := w.count(x, "a string")
		w.i += n
		return err
	case typeList, typeSet:
		return w.list(d)
	case typeMap:
		return w.mapValue(d)
	case typeStruct:
		return w.structValue(d)
	}
	return fmt.Errorf("unknown type %d", t)
}

func (w *walker) structValue(d int) error {
	for {
		h, err := w.byte()
		if err != nil {
			return err
		}
		if h == 0 {
			return nil
		}
		if h>>4 == 0 { // the field id follows as a zigzag varint
			if _, err := w.varint(); err != nil {
				return err
			}
		}
		if t := h & 0x0f; t != typeTrue && t != typeFalse { // a bool field holds its value in its type
			if err := w.value(t, d+1); err != nil {
				return err
			}
		}
	}
}

func (w *walker) list(d int) error {
	h, err := w.byte()
	if err != nil {
		return err
	}
	x := uint64(h >> 4)
	if x == 15 {
		if x, err = w.varint(); err != nil {
			return err
		}
	}
	n, err := w.count(x, "a list")
	for ; err == nil && n > 0; n-- {
		err = w.value(h&0x0f, d+1)
	}
	return err
}

func (w *walker) mapValue(d int) error {
	x, err := w.varint()
	if err != nil || x == 0 {
		return err
	}
	n, err := w.count(x, "a map")
	if err != nil {
		return err
	}
	kv, err := w.byte()
	for ; err == nil && n > 0; n-- {
		if err = w.value(kv>>4, d+1); err == nil {
			err = w.value(kv&0x0f, d+1)
		}
	}
	return err
}
