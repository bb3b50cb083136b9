package dataset_test

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/recnet/recnet/dataset"
)

// A table of the MovieLens 100K shape, made in memory; WriteShapeCSV
// writes the same rows in the layout of MovieLens' ratings.csv.
func ExampleGenerateShape() {
	d := dataset.GenerateShape(dataset.ShapeML100K, 42)
	fmt.Println(d)
	var buf bytes.Buffer
	if err := dataset.WriteShapeCSV(&buf, dataset.ShapeML100K, 42); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(strings.SplitN(buf.String(), "\n", 2)[0])
	back, _ := dataset.Read(&buf, "ml100k.csv", dataset.Options{})
	fmt.Println(back)
	// Output:
	// 100000 rows, 943 users, 1682 items
	// userId,movieId,rating,timestamp
	// 100000 rows, 943 users, 1682 items
}

// Scaled keeps a shape's ratings per user at any size: here 2M rows of the
// ml25m shape, as the loading benchmark uses.
func ExampleShape_Scaled() {
	s := dataset.ShapeML25M.Scaled(2_000_000)
	fmt.Println(s.Name, s.Rows, s.Users, s.Items)
	// Output:
	// ml25m/2000000 2000000 13003 16701
}
