package model_test

import (
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

// exampleModel returns a 2-user, 3-item dot model with hand-set tables on
// the rating scale 1..5.
func exampleModel() *model.Model {
	cfg := model.Config{Settings: model.Settings{Dim: 2, Activation: model.Linear}}
	return &model.Model{
		Config: cfg,
		Net: &model.Dot{
			Users: 2, Items: 3, Dim: 2, Act: model.Linear,
			UserEmb:  []float32{0.5, 0, 0, 0.5},
			ItemEmb:  []float32{1, 0, 0, 1, 0.5, 0.5},
			UserBias: []float32{0, 0.25},
			ItemBias: []float32{0.25, 0, 0.5},
		},
		Users: dataset.NewIDMap([]string{"ann", "bob"}),
		Items: dataset.NewIDMap([]string{"go", "rust", "zig"}),
		Min:   1, Max: 5,
	}
}

func ExampleModel_Predict() {
	m := exampleModel()
	for _, user := range []string{"ann", "bob"} {
		for _, item := range []string{"go", "rust", "zig"} {
			r, err := m.Predict(user, item)
			if err != nil {
				log.Fatal(err)
			}
			// The net scores on [0,1]; Predict maps back to 1..5 and clips.
			fmt.Printf("%s %s %.2f\n", user, item, r)
		}
	}
	_, err := m.Predict("cat", "go")
	fmt.Println(err, errors.Is(err, model.ErrUnknownUser))
	// Output:
	// ann go 4.00
	// ann rust 1.00
	// ann zig 4.00
	// bob go 3.00
	// bob rust 4.00
	// bob zig 5.00
	// model: unknown user "cat" true
}

func ExampleLoad() {
	dir, err := os.MkdirTemp("", "recnet-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	m := exampleModel()
	m.History = []model.Epoch{{Epoch: 1, Loss: 0.5, ValLoss: 0.25, ValRMSE: 1, Seconds: 0.1}}
	m.BestEpoch = 1
	path := filepath.Join(dir, "model.recnet")
	if err := m.Save(path); err != nil {
		log.Fatal(err)
	}
	loaded, err := model.Load(path)
	if err != nil {
		log.Fatal(err)
	}
	r, err := loaded.Predict("bob", "rust")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(loaded.Net.Kind(), loaded.Users.IDs(), loaded.Items.IDs())
	fmt.Printf("ratings %g..%g, %d epoch, best %d\n", loaded.Min, loaded.Max, len(loaded.History), loaded.BestEpoch)
	fmt.Printf("bob rust %.2f\n", r)
	// Output:
	// dot [ann bob] [go rust zig]
	// ratings 1..5, 1 epoch, best 1
	// bob rust 4.00
}

func ExampleModel_Export() {
	dir, err := os.MkdirTemp("", "recnet-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	paths, err := exampleModel().Export(filepath.Join(dir, "embeddings"))
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range paths {
		fmt.Println(filepath.Base(p))
	}
	b, err := os.ReadFile(paths[0])
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(string(b))
	// Output:
	// user_embeddings.csv
	// item_embeddings.csv
	// user_embeddings.npy
	// item_embeddings.npy
	// user,UFeature0,UFeature1
	// ann,0.5,0
	// bob,0,0.5
}
