package dataset_test

import (
	"path/filepath"
	"testing"

	"github.com/recnet/recnet/dataset"
	_ "github.com/recnet/recnet/dataset/sqlsrc/sqlite"
)

// TestLocalFile lists sources and the local file each reads.
func TestLocalFile(t *testing.T) {
	for _, c := range []struct {
		src  string
		want string
		ok   bool
	}{
		{"r.csv", "r.csv", true},
		{"/data/r.csv", "/data/r.csv", true},
		{`C:\data\r.csv`, `C:\data\r.csv`, true},
		{"odd:name.csv", "odd:name.csv", true},
		{"sqlite:///x/r.db?table=ratings", filepath.FromSlash("/x/r.db"), true},
		{"SQLite3:rel/r.db?query=SELECT%20user,item,rating%20FROM%20t", filepath.FromSlash("rel/r.db"), true},
		{"sqlite://rel/r.db", filepath.FromSlash("rel/r.db"), true},
		{"sqlite:///x/r.db#frag", "", false},
		{"http://host/r.csv", "", false},
		{"HTTPS://host/r.csv", "", false},
		{"postgres://host/db", "", false},
		{"", "", false},
	} {
		got, ok := dataset.LocalFile(c.src)
		if got != c.want || ok != c.ok {
			t.Errorf("LocalFile(%q) = %q, %v; want %q, %v", c.src, got, ok, c.want, c.ok)
		}
	}
}
