package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

var (
	bin     string
	sources []string // the module's files the binary is built from
	touched sync.Once
)

// TestMain builds the binary the tests run, and lists the files of this
// module it is built from (see touchSources).
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "recnet-cli")
	if err != nil {
		panic(err)
	}
	bin = filepath.Join(dir, "recnet")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		panic(string(out))
	}
	if sources, err = buildSources(); err != nil {
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// buildSources returns go.mod, go.sum and every Go and embedded file of
// the packages of this module that the command depends on.
func buildSources() ([]string, error) {
	const tmpl = `{{if and .Module (not .Module.Replace)}}{{if .Module.Main}}` +
		`{{$d := .Dir}}{{range .GoFiles}}{{$d}}/{{.}}{{"\n"}}{{end}}{{range .CgoFiles}}{{$d}}/{{.}}{{"\n"}}{{end}}` +
		`{{range .EmbedFiles}}{{$d}}/{{.}}{{"\n"}}{{end}}{{end}}{{end}}`
	out, err := exec.Command("go", "list", "-deps", "-f", tmpl, ".").Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %w", err)
	}
	mod, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return nil, fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(mod))
	files := []string{gomod, filepath.Join(filepath.Dir(gomod), "go.sum")}
	for _, f := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if f != "" {
			files = append(files, filepath.FromSlash(f))
		}
	}
	return files, nil
}

// touchSources opens every file the binary is built from, once, while a
// test runs. The tests run a binary that TestMain builds, which go test's
// cache cannot see; it does record the files a test opens, and keys a
// cached result on their contents, so a change to any of them reruns the
// tests instead of reporting a stale pass. (The log of opened files starts
// with m.Run, so TestMain itself cannot do it.)
func touchSources() {
	touched.Do(func() {
		for _, f := range sources {
			if fh, err := os.Open(f); err == nil {
				fh.Close()
			}
		}
	})
}

// command returns the command that runs the binary with args; every test
// starts the binary through it (see touchSources).
func command(args ...string) *exec.Cmd {
	touchSources()
	return exec.Command(bin, args...)
}

// run runs the binary and returns stdout, stderr and the exit code.
func run(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	cmd := command(args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return out.String(), errb.String(), ee.ExitCode()
	}
	if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), 0
}

func write(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// smallData writes a small generated course table.
func smallData(t *testing.T, dir string) string {
	t.Helper()
	p := filepath.Join(dir, "ratings.csv")
	if _, stderr, code := run(t, "gen", "--out", p, "--users", "3000", "--rows", "21000"); code != 0 {
		t.Fatalf("gen: exit %d: %s", code, stderr)
	}
	return p
}

// trainedSmall writes smallData into a temporary directory and trains a
// dot model of it for the given epochs, returning the directory, the
// data file and the model file.
func trainedSmall(t *testing.T, epochs int) (dir, data, m string) {
	t.Helper()
	dir = t.TempDir()
	data = smallData(t, dir)
	m = filepath.Join(dir, "m.recnet")
	if _, stderr, code := run(t, "train", "--data", data, "--quiet", "--epochs", strconv.Itoa(epochs), "--out", m); code != 0 {
		t.Fatalf("train: %s", stderr)
	}
	return dir, data, m
}

// TestWorkflow trains, saves, predicts, summarizes and exports.
func TestWorkflow(t *testing.T) {
	dir := t.TempDir()
	data := smallData(t, dir)
	modelPath := filepath.Join(dir, "m.recnet")
	plot := filepath.Join(dir, "loss.png")
	stdout, stderr, code := run(t, "train", "--data", data, "--json", "--quiet", "--epochs", "5", "--out", modelPath, "--plot", plot)
	if code != 0 {
		t.Fatalf("train: exit %d: %s", code, stderr)
	}
	var res map[string]any
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("--json output is not one JSON object: %v\n%s", err, stdout)
	}
	for _, key := range []string{"data.rows", "data.users", "data.items", "train_seconds", "best_epoch",
		"test.rmse", "test.mae", "test.rmse_scaled", "test.mse_scaled", "baselines.global_mean.rmse", "baselines.bias.rmse"} {
		if _, ok := lookup(res, key); !ok {
			t.Errorf("--json lacks %s", key)
		}
	}
	epochs, _ := lookup(res, "epochs")
	if e, ok := epochs.([]any); !ok || len(e) == 0 {
		t.Errorf("--json epochs = %v", epochs)
	} else {
		for _, key := range []string{"epoch", "loss", "val_loss", "val_rmse", "seconds"} {
			if _, ok := e[0].(map[string]any)[key]; !ok {
				t.Errorf("--json epochs[0] lacks %s", key)
			}
		}
	}
	if b, err := os.ReadFile(plot); err != nil || !bytes.HasPrefix(b, []byte("\x89PNG")) {
		t.Errorf("--plot did not write a PNG: %v", err)
	}

	// A user and an item from the data.
	u, it := firstRow(t, data)
	first := []string{u, it}
	stdout, stderr, code = run(t, "predict", "--model", modelPath, "--user", first[0], "--item", first[1])
	if code != 0 || !strings.Contains(stdout, ".") {
		t.Errorf("predict: exit %d, %q %s", code, stdout, stderr)
	}
	if _, stderr, code = run(t, "predict", "--model", modelPath, "--user", "nobody", "--item", first[1]); code != 2 || !strings.Contains(stderr, "unknown user") {
		t.Errorf("predict unknown user: exit %d, %s", code, stderr)
	}
	if _, stderr, code = run(t, "predict", "--model", modelPath, "--user", first[0], "--item", "C999XX"); code != 2 || !strings.Contains(stderr, "unknown item") {
		t.Errorf("predict unknown item: exit %d, %s", code, stderr)
	}
	stdout, _, code = run(t, "summary", "--model", modelPath)
	if code != 0 || !strings.Contains(stdout, "user_embedding") || !strings.Contains(stdout, "Total params") {
		t.Errorf("summary: exit %d:\n%s", code, stdout)
	}
	exp := filepath.Join(dir, "emb")
	if _, stderr, code = run(t, "export", "--model", modelPath, "--dir", exp); code != 0 {
		t.Fatalf("export: exit %d: %s", code, stderr)
	}
	ue, _ := os.ReadFile(filepath.Join(exp, "user_embeddings.csv"))
	if !strings.HasPrefix(string(ue), "user,UFeature0,") {
		t.Errorf("user_embeddings.csv starts %q", string(ue[:min(len(ue), 40)]))
	}
	for _, f := range []string{"item_embeddings.csv", "user_embeddings.npy", "item_embeddings.npy"} {
		if _, err := os.Stat(filepath.Join(exp, f)); err != nil {
			t.Error(err)
		}
	}
}

// TestTrainReport checks the human report sets the model beside both
// baselines and says whether it beats the bias baseline.
func TestTrainReport(t *testing.T) {
	dir := t.TempDir()
	stdout, stderr, code := run(t, "train", "--data", smallData(t, dir), "--quiet", "--epochs", "3")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"Epoch 1/3", "val_rmse", "global mean baseline", "user+item bias", "bias baseline"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("report lacks %q:\n%s", want, stdout)
		}
	}
}

func lookup(m map[string]any, key string) (any, bool) {
	var cur any = m
	for _, k := range strings.Split(key, ".") {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = mm[k]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// TestBadInput checks that every kind of bad input exits with code 2, names
// the file, line and field where there is one, and leaves an existing model
// file untouched.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.NotFound(w, r)
	}))
	defer srv.Close()
	modelPath := filepath.Join(dir, "keep.recnet")
	if _, stderr, code := run(t, "train", "--data", smallData(t, dir), "--quiet", "--epochs", "1", "--out", modelPath); code != 0 {
		t.Fatalf("train: %s", stderr)
	}
	before, _ := os.ReadFile(modelPath)
	corrupt := write(t, dir, "corrupt.recnet", string(before[:len(before)/2]))
	cases := []struct {
		name string
		args []string
		want []string
	}{
		{"missing file", []string{"train", "--data", filepath.Join(dir, "nope.csv")}, []string{"nope.csv"}},
		{"empty file", []string{"train", "--data", write(t, dir, "empty.csv", "")}, []string{"empty.csv"}},
		{"too few fields", []string{"train", "--data", write(t, dir, "short.csv", "user,item,rating\n1,C1,3\n2,C2\n")}, []string{"short.csv:3", "rating"}},
		{"non-numeric rating", []string{"train", "--data", write(t, dir, "word.csv", "user,item,rating\n1,C1,3\n2,C2,four\n")}, []string{"word.csv:3", "rating"}},
		{"NaN rating", []string{"train", "--data", write(t, dir, "nan.csv", "user,item,rating\n1,C1,3\n2,C2,NaN\n")}, []string{"nan.csv:3", "rating"}},
		{"404 URL", []string{"train", "--data", srv.URL + "/ratings.csv"}, []string{"404"}},
		{"too few rows", []string{"train", "--data", write(t, dir, "two.csv", "1,C1,3\n2,C2,4\n")}, []string{"two.csv", "rows"}},
		{"bad flag value", []string{"train", "--activation", "swish"}, []string{"swish"}},
		{"corrupt model", []string{"predict", "--model", corrupt, "--user", "1", "--item", "C1"}, []string{"corrupt.recnet"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := append(c.args, "--quiet")
			if c.args[0] == "train" {
				args = append(args, "--out", modelPath)
			} else {
				args = c.args
			}
			_, stderr, code := run(t, args...)
			if code != 2 {
				t.Errorf("exit code %d, want 2; stderr: %s", code, stderr)
			}
			for _, w := range c.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("error %q does not name %q", strings.TrimSpace(stderr), w)
				}
			}
			if after, _ := os.ReadFile(modelPath); !bytes.Equal(before, after) {
				t.Error("the existing model file was changed")
			}
		})
	}
}
