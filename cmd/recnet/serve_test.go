package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestServe starts `recnet serve` on a free loopback port, asks for a
// recommendation, sends SIGHUP with a corrupt model file (the old model must
// keep serving), then SIGTERM (a clean exit).
func TestServe(t *testing.T) {
	dir, data, m := trainedSmall(t, 2)
	user, _ := firstRow(t, data)
	// A second model, named: SIGHUP reloads each, and one that fails keeps
	// its old version while the other is reloaded.
	n := filepath.Join(dir, "n.recnet")
	b, err := os.ReadFile(m)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(n, b, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := command("serve", "--model", m, "--model", "next="+n, "--addr", "127.0.0.1:0")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	next := func() string {
		select {
		case l := <-lines:
			return l
		case <-time.After(10 * time.Second):
			t.Fatal("serve printed nothing for 10 s")
		}
		return ""
	}
	addr := regexp.MustCompile(`http://127\.0\.0\.1:\d+`).FindString(next())
	if addr == "" {
		t.Fatal("serve did not print its address")
	}
	// load asks for the users the model learned: a user only in the test
	// part is cold (422) and is not one of them.
	if out, stderr, code := run(t, "load", "--model", m, "--addr", addr, "--requests", "400", "--clients", "2"); code != 0 || !strings.Contains(out, " 0 errors") {
		t.Errorf("load: exit %d: %s%s", code, out, stderr)
	}
	client := &http.Client{Timeout: 5 * time.Second}
	get := func(path string) map[string]any {
		t.Helper()
		resp, err := client.Get(addr + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		var env map[string]any
		if err := json.Unmarshal(b, &env); err != nil {
			t.Fatalf("%s: not JSON: %s", path, b)
		}
		return env
	}
	for _, q := range []string{"", "&model=m", "&model=next"} {
		if env := get("/v1/recommend?user=" + user + "&k=3" + q); env["status"] != "success" {
			t.Fatalf("recommend%s: %v", q, env)
		}
	}
	info, _ := get("/v1/model")["data"].(map[string]any)
	if models, _ := info["models"].([]any); len(models) != 2 {
		t.Errorf("/v1/model lists %v, want 2 models", info["models"])
	}
	if err := os.WriteFile(n, []byte("not a model"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd.Process.Signal(syscall.SIGHUP)
	if l := next(); !strings.Contains(l, "reloaded") || !strings.Contains(l, "model m from") {
		t.Errorf("after SIGHUP, the good file: %q", l)
	}
	if l := next(); !strings.Contains(l, "model next failed") || !strings.Contains(l, "not a recnet model file") {
		t.Errorf("after SIGHUP, the bad file: %q", l)
	}
	if env := get("/v1/recommend?user=" + user + "&k=3&model=next"); env["status"] != "success" {
		t.Errorf("the old model stopped serving after a bad reload: %v", env)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() {
		for range lines {
		}
		done <- cmd.Wait()
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve exited with %v after SIGTERM", err)
		}
	case <-time.After(15 * time.Second):
		t.Error("serve did not stop within 15 s of SIGTERM")
	}
}

// TestServeModelsRefused checks that serve refuses bad --model values
// with exit 2 naming the flag, before loading any file.
func TestServeModelsRefused(t *testing.T) {
	never := filepath.Join(t.TempDir(), "never-read.recnet")
	many := []string{"serve"}
	for k := range 9 {
		many = append(many, "--model", fmt.Sprintf("m%d=%s", k, never))
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{many, "--model given 9 times: at most 8"},
		{[]string{"serve", "--model", "a=" + never, "--model", "a=" + never}, "a second model named a"},
		{[]string{"serve", "--model", never, "--model", never}, "a second model named never-read"},
		{[]string{"serve", "--model", "a="}, "no file"},
		{[]string{"serve", "--model", filepath.Join(filepath.Dir(never), "bad name.recnet")}, "give NAME=FILE"},
	} {
		_, stderr, code := run(t, tc.args...)
		if code != 2 || !strings.Contains(stderr, tc.want) || !strings.Contains(stderr, "--model") {
			t.Errorf("%q: exit %d, stderr %q; want 2 and %q", tc.args[1:], code, stderr, tc.want)
		}
	}
}

// TestServeHelp checks that serve --help names the query parameters that
// change an answer and the limits of the reasons.
func TestServeHelp(t *testing.T) {
	stdout, _, code := run(t, "serve", "--help")
	if code != 0 {
		t.Fatalf("serve --help: exit %d", code)
	}
	help := strings.Join(strings.Fields(stdout), " ")
	for _, want := range []string{"include_seen=true", "because=false", `"because":false`, "model=NAME", "an empty model= is refused",
		"at most 3 rated items", "explains at most 10 ratings", "SIGHUP reloads every model file"} {
		if !strings.Contains(help, want) {
			t.Errorf("serve --help does not say %q", want)
		}
	}
}
