package main

import (
	"bufio"
	"encoding/json"
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
	dir := t.TempDir()
	data := smallData(t, dir)
	m := filepath.Join(dir, "m.recnet")
	if _, stderr, code := run(t, "train", "--data", data, "--quiet", "--epochs", "2", "--out", m); code != 0 {
		t.Fatalf("train: %s", stderr)
	}
	user, _ := firstRow(t, data)
	cmd := command("serve", "--model", m, "--addr", "127.0.0.1:0")
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
	if env := get("/v1/recommend?user=" + user + "&k=3"); env["status"] != "success" {
		t.Fatalf("recommend: %v", env)
	}
	if err := os.WriteFile(m, []byte("not a model"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd.Process.Signal(syscall.SIGHUP)
	if l := next(); !strings.Contains(l, "not a recnet model file") {
		t.Errorf("after SIGHUP with a bad file: %q", l)
	}
	if env := get("/v1/recommend?user=" + user + "&k=3"); env["status"] != "success" {
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
