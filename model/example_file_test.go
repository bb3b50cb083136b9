package model_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

func ExampleModel_Save() {
	dir, err := os.MkdirTemp("", "recnet-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	cfg := model.Config{Training: model.Training{Seed: 1}, Settings: model.Settings{Dim: 8}}
	m := &model.Model{
		Config: cfg,
		Net:    model.NewDot(2, 3, cfg),
		Users:  dataset.NewIDMap([]string{"ann", "bob"}),
		Items:  dataset.NewIDMap([]string{"go", "rust", "zig"}),
		Min:    1, Max: 5,
	}
	path := filepath.Join(dir, "model.recnet")
	if err := m.Save(path); err != nil {
		log.Fatal(err)
	}
	loaded, err := model.Load(path)
	if err != nil {
		log.Fatal(err)
	}
	before, _ := m.Predict("bob", "zig")
	after, _ := loaded.Predict("bob", "zig")
	fmt.Println(loaded.Net.Kind(), loaded.Users.Len(), loaded.Items.Len(), before == after)
	// Output: dot 2 3 true
}

func ExampleModel_Summary() {
	cfg := model.Config{Training: model.Training{Optimizer: "adam", LR: 0.001, Batch: 64, Epochs: 5, Seed: 1}, Settings: model.Settings{Dim: 8, Activation: model.Sigmoid}}
	m := &model.Model{
		Config: cfg,
		Net:    model.NewDot(2, 3, cfg),
		Users:  dataset.NewIDMap([]string{"ann", "bob"}),
		Items:  dataset.NewIDMap([]string{"go", "rust", "zig"}),
		Min:    1, Max: 5,
	}
	if err := m.Summary(os.Stdout); err != nil {
		log.Fatal(err)
	}
	// Output:
	// Model: "recommender_net"
	// _____________________________________________________________
	//  Layer (type)                         Output Shape    Param #
	// =============================================================
	//  user_embedding (Embedding)           (None, 8)            16
	//  user_bias (Embedding)                (None, 1)             2
	//  item_embedding (Embedding)           (None, 8)            24
	//  item_bias (Embedding)                (None, 1)             3
	//  dot (Dot (per row))                  (None, 1)             0
	//  add (Add)                            (None, 1)             0
	//  activation (Activation (sigmoid))    (None, 1)             0
	// =============================================================
	// Total params: 45 (180.00 B)
	// Trainable params: 45 (180.00 B)
	// Non-trainable params: 0 (0.00 B)
	// Optimizer params: 91 (364.00 B)
	// _____________________________________________________________
	// Config: dim 8, sigmoid output, L2 0.0001, adam lr 0.001, batch 64, up to 5 epochs
	// Data: 2 users, 3 items, ratings 1..5 (trained on [0,1])
	// History: 0 epochs, best epoch none
	// Seen items: not kept (recommendations cannot leave out what a user rated)
}
