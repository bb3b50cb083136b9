package postgres_test

import (
	"fmt"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/dataset/sqlsrc/postgres"
)

// A source URL names the server, the database and the query; Parse
// shows what it connects to and what it runs, and dataset.SourceName how
// errors name it.
func ExampleParse() {
	src := "postgres://ann:s3cret@db.example.com:5433/shop?sslmode=disable&query=SELECT%20learner,course,score%20FROM%20r"
	cfg, query, err := postgres.Parse(src)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cfg.Host, cfg.Port, cfg.Database, cfg.User)
	fmt.Println(query)
	fmt.Println(dataset.SourceName(src))
	// Output:
	// db.example.com 5433 shop ann
	// SELECT learner,course,score FROM r
	// postgres://ann:xxxxx@db.example.com:5433/shop?sslmode=disable&query=SELECT%20learner,course,score%20FROM%20r
}
