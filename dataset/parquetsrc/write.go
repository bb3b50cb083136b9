package parquetsrc

import (
	"context"
	"fmt"
	"io"

	"github.com/parquet-go/parquet-go"
	"github.com/recnet/recnet/dataset"
)

// rowGroupSize is the number of rows per row group that Write makes (a
// variable for the tests).
var rowGroupSize int64 = 1 << 20

// row is one rating as Write stores it; U and I are int64 or string.
type row[U, I any] struct {
	User   U       `parquet:"user"`
	Item   I       `parquet:"item"`
	Rating float32 `parquet:"rating"`
}

// Write writes d as a Parquet file with the columns user, item and rating
// (FLOAT), in row order, Snappy-compressed, in row groups of 2^20 rows.
// An id column is INT64 when every raw id is a decimal integer written
// canonically (so that reading it back gives the same raw ids), otherwise
// STRING. Reading the file gives d back.
func Write(w io.Writer, d *dataset.Dataset) error {
	return WriteContext(context.Background(), w, d)
}

// WriteContext is Write that stops when ctx ends, with its error, having
// written a part of the file.
func WriteContext(ctx context.Context, w io.Writer, d *dataset.Dataset) error {
	uInt, _ := d.Users.Ints()
	iInt, _ := d.Items.Ints()
	var err error
	switch {
	case uInt != nil && iInt != nil:
		err = write(ctx, w, d, func(u int32) int64 { return uInt[u] }, func(i int32) int64 { return iInt[i] })
	case uInt != nil:
		err = write(ctx, w, d, func(u int32) int64 { return uInt[u] }, d.Items.Raw)
	case iInt != nil:
		err = write(ctx, w, d, d.Users.Raw, func(i int32) int64 { return iInt[i] })
	default:
		err = write(ctx, w, d, d.Users.Raw, d.Items.Raw)
	}
	if err != nil {
		return fmt.Errorf("parquetsrc: %w", err)
	}
	return nil
}

func write[U, I any](ctx context.Context, w io.Writer, d *dataset.Dataset, user func(int32) U, item func(int32) I) error {
	pw := parquet.NewGenericWriter[row[U, I]](w, parquet.Compression(&parquet.Snappy), parquet.MaxRowsPerRowGroup(rowGroupSize))
	buf := make([]row[U, I], 0, 1<<14)
	for k := range d.Value {
		if len(buf) == 0 && ctx.Err() != nil {
			return context.Cause(ctx)
		}
		buf = append(buf, row[U, I]{user(d.User[k]), item(d.Item[k]), d.Value[k]})
		if len(buf) == cap(buf) || k == len(d.Value)-1 {
			if _, err := pw.Write(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
	}
	return pw.Close()
}
