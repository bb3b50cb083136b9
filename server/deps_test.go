package server_test

import (
	"go/build"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// module is the import path of recnet's module.
const module = "github.com/recnet/recnet"

// TestServerDeps checks that the server binary links neither the trainer
// nor model selection: package server, and every recnet package it
// imports, directly or not, imports none of train, eval and selection. It
// reads the import lines of the sources with go/build (what `go list -deps
// ./server` lists), with and without the purego tag, so it needs no go
// command.
func TestServerDeps(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("no module root above server: %v", err)
	}
	banned := []string{module + "/train", module + "/eval", module + "/selection"}
	for _, tags := range [][]string{nil, {"purego"}} {
		ctx := build.Default
		ctx.BuildTags = tags
		via := deps(t, ctx, root, module+"/server")
		for _, b := range banned {
			if from, ok := via[b]; ok {
				t.Errorf("tags %v: server depends on %s (imported by %s)", tags, b, from)
			}
		}
		if _, ok := via[module+"/model"]; !ok {
			t.Errorf("tags %v: model is not among server's dependencies %v: the walk is broken", tags, via)
		}
	}
}

// deps returns the recnet packages pkg depends on, each with a package
// that imports it.
func deps(t *testing.T, ctx build.Context, root, pkg string) map[string]string {
	t.Helper()
	via := map[string]string{}
	todo := []string{pkg}
	for len(todo) > 0 {
		path := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		dir := filepath.Join(root, filepath.FromSlash(strings.TrimPrefix(path, module)))
		p, err := ctx.ImportDir(dir, 0)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for _, imp := range p.Imports {
			if imp != module && !strings.HasPrefix(imp, module+"/") {
				continue
			}
			if _, seen := via[imp]; !seen {
				via[imp] = path
				todo = append(todo, imp)
			}
		}
	}
	delete(via, pkg)
	return via
}

// TestServerDepsWalk checks that the walk sees an indirect dependency: the
// cmd/recnet binary reaches train, eval and selection.
func TestServerDepsWalk(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	via := deps(t, build.Default, root, module+"/cmd/recnet")
	for _, want := range []string{"train", "eval", "selection", "server", "internal/f32"} {
		if _, ok := via[module+"/"+want]; !ok {
			t.Errorf("cmd/recnet's dependencies %v lack %s", slices.Sorted(maps.Keys(via)), want)
		}
	}
}
