package parquetsrc_test

import (
	"bytes"
	"fmt"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/dataset/parquetsrc"
)

// A table written as Parquet reads back the same through dataset.Read,
// which knows the format by its magic once parquetsrc is imported.
func ExampleWrite() {
	d := dataset.GenerateShape(dataset.ShapeML100K, 1)
	var buf bytes.Buffer
	if err := parquetsrc.Write(&buf, d); err != nil {
		fmt.Println(err)
		return
	}
	back, err := dataset.Read(&buf, "ml100k.parquet", dataset.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(back, back.Users.Raw(back.User[0]), back.Value[0] == d.Value[0])
	// Output:
	// 100000 rows, 943 users, 1682 items 1 true
}
