package dataset_test

import (
	"fmt"
	"strings"

	"github.com/recnet/recnet/dataset"
)

func ExampleRead() {
	const table = `user,item,rating,timestamp
1,ML0101EN,5,1500000000
2,"PY0101EN",4,1500000001
1,DS0101EN,3,1500000002
1,ML0101EN,4,1500000003
`
	d, err := dataset.Read(strings.NewReader(table), "ratings.csv", dataset.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d)
	fmt.Println("duplicates:", d.Duplicates)
	for k := range d.Len() {
		fmt.Println(d.Users.Raw(d.User[k]), d.Items.Raw(d.Item[k]), d.Value[k])
	}

	_, err = dataset.Read(strings.NewReader("user,item,rating\n1,A,5\n2,B,five\n"), "bad.csv", dataset.Options{})
	fmt.Println(err)
	// Output:
	// 3 rows, 2 users, 3 items
	// duplicates: 1
	// 1 ML0101EN 4
	// 2 PY0101EN 4
	// 1 DS0101EN 3
	// dataset: bad.csv:3: field "rating": "five" is not a number
}
