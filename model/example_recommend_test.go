package model_test

import (
	"fmt"
	"log"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

func ExampleModel_Recommend() {
	m := exampleModel()
	// Titles come from a catalog; the built-in one is dataset.BuiltinCatalog().
	catalog := &dataset.Catalog{Courses: []dataset.Course{
		{ID: "go", Title: "Go for Beginners"},
		{ID: "rust", Title: "Rust in Depth"},
		{ID: "zig", Title: "Zig Systems Programming"},
	}}
	recs, err := m.Recommend("bob", 2, model.RecommendOptions{Exclude: []string{"zig"}})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range recs {
		c, _ := catalog.Lookup(r.Item)
		fmt.Printf("%-4s %.2f %s\n", r.Item, r.Score, c.Title)
	}
	// Output:
	// rust 4.00 Rust in Depth
	// go   3.00 Go for Beginners
}

func ExampleModel_Similar() {
	recs, err := exampleModel().Similar("zig", 2)
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range recs {
		fmt.Printf("%s %.3f\n", r.Item, r.Score) // cosine of the item embeddings
	}
	// Output:
	// go 0.707
	// rust 0.707
}

func ExampleModel_FoldIn() {
	m := exampleModel()
	// A new user who loved go: no retraining, one small linear solve.
	res, err := m.FoldIn(map[string]float64{"go": 5}, 2, 0.1)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("cold:", res.Cold)
	for _, r := range res.Recs {
		// Scores are not clipped: Beyond marks one above the top rating.
		fmt.Printf("%s %.2f beyond %d\n", r.Item, r.Score, r.Beyond)
	}
	// With no ratings it is a cold start: items rank by their bias.
	res, err = m.FoldIn(nil, 3, 0)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("cold:", res.Cold)
	for _, r := range res.Recs {
		fmt.Printf("%s %.2f\n", r.Item, r.Score)
	}
	// Output:
	// cold: false
	// zig 5.14 beyond 1
	// rust 2.43 beyond 0
	// cold: true
	// zig 3.00
	// go 2.00
	// rust 1.00
}
