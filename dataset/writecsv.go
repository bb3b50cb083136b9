package dataset

import (
	"bufio"
	"context"
	"io"
	"strconv"
)

// writeCheck is how many rows a writer writes between looks at its context.
const writeCheck = 4096

// WriteCSV writes d as CSV with the header "user,item,rating" and one line
// per rating in row order: raw user id, raw item id and the rating
// formatted by strconv.FormatFloat(v, 'g', -1, 32), so whole ratings print
// as 3, 4, 5. Raw ids are written as they are (they are not quoted).
// Output is buffered; the first write error is returned.
func WriteCSV(w io.Writer, d *Dataset) error {
	return WriteCSVContext(context.Background(), w, d)
}

// WriteCSVContext is WriteCSV that stops when ctx ends, with its error,
// having written a part of the rows.
func WriteCSVContext(ctx context.Context, w io.Writer, d *Dataset) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString("user,item,rating\n")
	var line []byte
	for r := range d.Value {
		if r%writeCheck == 0 && ctx.Err() != nil {
			return context.Cause(ctx)
		}
		line = append(line[:0], d.Users.Raw(d.User[r])...)
		line = append(line, ',')
		line = append(line, d.Items.Raw(d.Item[r])...)
		line = append(line, ',')
		line = strconv.AppendFloat(line, float64(d.Value[r]), 'g', -1, 32)
		line = append(line, '\n')
		if _, err := bw.Write(line); err != nil {
			return err
		}
	}
	return bw.Flush()
}
