package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestGenInterrupted checks that SIGTERM during gen stops the write: exit
// 1, the target as it was, no temporary file left.
func TestGenInterrupted(t *testing.T) {
	dir := t.TempDir()
	out := write(t, dir, "big.csv", "old\n")
	cmd := exec.Command(bin, "gen", "--shape", "ml25m", "--out", out)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for tmp := ""; tmp == ""; time.Sleep(10 * time.Millisecond) { // wait until it writes
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if strings.Contains(e.Name(), ".tmp-") {
				tmp = e.Name()
			}
		}
		select {
		case err := <-done:
			t.Fatalf("gen ended before the signal: %v: %s", err, stderr.String())
		default:
		}
	}
	cmd.Process.Signal(syscall.SIGTERM)
	var err error
	select {
	case err = <-done:
	case <-time.After(60 * time.Second): // a safety net, not a measure
		cmd.Process.Kill()
		<-done
		t.Fatal("gen did not stop on SIGTERM")
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Errorf("gen after SIGTERM: %v, want exit 1; stderr %q", err, stderr.String())
	}
	if b, err := os.ReadFile(out); string(b) != "old\n" {
		t.Errorf("target after SIGTERM: %d bytes (%v), want the old content", len(b), err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("left in the directory: %v", entries)
	}
}
