package dataset_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/recnet/recnet/dataset"
)

func ExampleLoad() {
	dir, err := os.MkdirTemp("", "recnet-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	path := filepath.Join(dir, "ratings.csv")
	const table = `user,item,rating
alice,GO101,5
alice,PY101,3
bob,GO101,4
carol,ML201,2
bob,GO101,5
`
	if err := os.WriteFile(path, []byte(table), 0o644); err != nil {
		log.Fatal(err)
	}
	d, err := dataset.Load(context.Background(), path, dataset.Options{})
	if err != nil {
		log.Fatal(err)
	}
	lo, hi := d.Range()
	fmt.Println(d)
	fmt.Println("duplicates:", d.Duplicates)
	fmt.Println("users:", d.Users.IDs(), "items:", d.Items.IDs())
	fmt.Printf("ratings %g..%g, mean %.2f\n", lo, hi, d.Mean())
	// Output:
	// 4 rows, 3 users, 3 items
	// duplicates: 1
	// users: [alice bob carol] items: [GO101 PY101 ML201]
	// ratings 2..5, mean 3.75
}

func ExampleSplitRandom() {
	d := &dataset.Dataset{Name: "example", Users: &dataset.IDMap{}, Items: &dataset.IDMap{}}
	for k := range 50 {
		u := d.Users.Add(fmt.Sprintf("u%d", k%10))
		i := d.Items.Add(fmt.Sprintf("i%d", k/10))
		d.Append(u, i, float32(1+k%5))
	}
	s, err := dataset.SplitRandom(d, dataset.Fractions{}, 42)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("train %d, validation %d, test %d, scale %g..%g\n", s.Train.Len(), s.Valid.Len(), s.Test.Len(), s.Min, s.Max)

	_, err = dataset.SplitRandom(d, dataset.Fractions{Train: 1, Valid: 0.001, Test: 0.001}, 42)
	fmt.Println(err)
	// Output:
	// train 40, validation 5, test 5, scale 1..5
	// dataset: too few rows for the split: example has 50 rows, split 1,0.001,0.001 needs at least one row in each part
}
