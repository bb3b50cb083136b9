package train_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/recnet/recnet/model"
)

// TestKindDeclaredOnce walks the module's non-test Go files and fails when
// a kind's name is a string literal in more than two of them: its file in
// model and its file in train. Everything else reads the declaration.
func TestKindDeclaredOnce(t *testing.T) {
	files := map[string][]string{} // kind -> files naming it
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") && path != ".." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if _, known := model.Lookup(s); err == nil && known && !slices.Contains(files[s], path) {
				files[s] = append(files[s], path)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range model.Kinds() {
		if len(files[k]) > 2 {
			t.Errorf("kind %q is a string literal in %d files, want at most 2 (its model and train files): %v", k, len(files[k]), files[k])
		}
	}
	if len(files["dot"]) == 0 {
		t.Error("no file names dot: the walk found no source")
	}
}
