package dataset_test

import (
	"fmt"
	"os"

	"github.com/recnet/recnet/dataset"
)

// The built-in data set has the shape of the IBM course ratings table.
func ExampleBuiltin() {
	d := dataset.Builtin()
	fmt.Println(d)
	var count [6]int
	for _, v := range d.Value {
		count[int(v)]++
	}
	fmt.Printf("ratings 3: %d, 4: %d, 5: %d\n", count[3], count[4], count[5])
	// Output:
	// 233306 rows, 33901 users, 126 items
	// ratings 3: 86323, 4: 69992, 5: 76991
}

// A low-rank data set knows its answer: the noise is the best RMSE a
// model can reach.
func ExampleGenerateLowRank() {
	d, truth := dataset.GenerateLowRank(dataset.LowRankConfig{Users: 100, Items: 20, Rows: 1000, Noise: 0.2})
	fmt.Println(d, "noise floor", truth.Noise)
	// Output:
	// 1000 rows, 100 users, 20 items noise floor 0.2
}

func ExampleWriteCSV() {
	d := &dataset.Dataset{Users: dataset.NewIDMap([]string{"17", "42"}), Items: dataset.NewIDMap([]string{"PY0101EN", "ML0101ENv3"})}
	d.Append(0, 0, 5)
	d.Append(1, 0, 3)
	d.Append(1, 1, 4)
	if err := dataset.WriteCSV(os.Stdout, d); err != nil {
		fmt.Println(err)
	}
	// Output:
	// user,item,rating
	// 17,PY0101EN,5
	// 42,PY0101EN,3
	// 42,ML0101ENv3,4
}

// Planted groups: every user takes items of its own group only, here 2
// of its group's 4.
func ExampleGeneratePlanted() {
	d, group := dataset.GeneratePlanted(dataset.PlantedConfig{Groups: []int{3, 2}, Items: 4, Take: 2})
	fmt.Println(d, "groups", group, "unrated", d.Unrated)
	for k, u := range d.User {
		if int(d.Item[k])/4 != group[u] {
			fmt.Println("row", k, "leaves its group")
		}
	}
	// Output:
	// 10 rows, 5 users, 8 items groups [0 0 0 1 1] unrated true
}
