package sparkals_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
	"github.com/recnet/recnet/model/sparkals"
)

// Write a model as a saved Spark ALSModel and read it back.
func Example() {
	dir, err := os.MkdirTemp("", "als")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	net := model.NewIALS(2, 3, model.Config{Settings: model.Settings{Dim: 4}})
	copy(net.UserEmb, []float32{1, 0, 0, 0, 0, 1, 0, 0})
	m := &model.Model{Config: model.Config{Kind: "ials"}, Net: net,
		Users: dataset.NewIDMap([]string{"alice", "bob"}), Items: dataset.NewIDMap([]string{"10", "20", "30"})}

	w, err := sparkals.Write(filepath.Join(dir, "als"), m, sparkals.Options{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("rank", w.Rank, "user map", filepath.Base(w.UserMap), "item map", w.ItemMap == "")

	back, err := sparkals.Read(filepath.Join(dir, "als"), sparkals.ReadOptions{Task: model.TaskImplicit})
	if err != nil {
		log.Fatal(err)
	}
	u, _ := back.Users.Inner("bob")
	i, _ := back.Items.Inner("20")
	fmt.Println(back.Net.Kind(), back.Net.Score(u, i) == m.Net.Score(1, 1))
	// Output:
	// rank 4 user map users.csv item map true
	// ials true
}
