package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestGenInterrupted checks that SIGTERM during gen stops the write: exit
// 1, the target as it was, no temporary file left.
// startCommand starts recnet with args, its stderr kept, and returns the
// command, its stderr and the channel its exit error arrives on.
func startCommand(t *testing.T, args ...string) (*exec.Cmd, *bytes.Buffer, chan error) {
	t.Helper()
	cmd := command(args...)
	stderr := &bytes.Buffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	return cmd, stderr, done
}

func TestGenInterrupted(t *testing.T) {
	dir := t.TempDir()
	out := write(t, dir, "big.csv", "old\n")
	cmd, stderr, done := startCommand(t, "gen", "--shape", "ml25m", "--out", out)
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

// TestFIFOInputsInterrupted checks that every command reading a model file
// or a catalog stops on SIGTERM while it waits for a FIFO's writer: exit 1.
func TestFIFOInputsInterrupted(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	data := smallData(t, dir)
	m := filepath.Join(dir, "m.recnet")
	if _, stderr, code := run(t, "train", "--data", data, "--epochs", "1", "--quiet", "--out", m); code != 0 {
		t.Fatalf("train: exit %d: %s", code, stderr)
	}
	for _, args := range [][]string{
		{"summary", "--model", fifo},
		{"predict", "--model", fifo, "--user", "1", "--item", "x"},
		{"export", "--model", fifo, "--dir", filepath.Join(dir, "exp")},
		{"recommend", "--model", fifo, "--user", "1"},
		{"recommend", "--model", m, "--catalog", fifo, "--rated", "BC0101EN=4"},
		{"similar", "--model", fifo, "--item", "BC0101EN"},
		{"serve", "--model", fifo, "--addr", "127.0.0.1:0"},
		{"eval", "--model", fifo, "--data", data},
		{"train", "--kind", "neumf", "--data", data, "--epochs", "1", "--pretrained", fifo + "," + fifo, "--out", filepath.Join(dir, "p.recnet")},
	} {
		t.Run(args[0]+" "+args[1], func(t *testing.T) {
			cmd, stderr, done := startCommand(t, args...)
			waitOnFIFO(t, cmd.Process.Pid, done, stderr)
			cmd.Process.Signal(syscall.SIGTERM)
			var err error
			select {
			case err = <-done:
			case <-time.After(20 * time.Second): // a safety net, not a measure
				cmd.Process.Kill()
				<-done
				t.Fatalf("%v: still waiting for the FIFO after SIGTERM", args)
			}
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 1 || !strings.Contains(stderr.String(), fifo+": ") {
				t.Errorf("%v after SIGTERM: %v, want exit 1 for the FIFO; stderr %q", args, err, stderr.String())
			}
		})
	}
}

// waitOnFIFO returns once a thread of process pid waits in the kernel for
// a FIFO's writer: the command has then installed its signal handler and
// reached the FIFO, so a signal sent now tests the wait and not the start.
// It reads /proc (the wait channel of each thread) and skips the test
// where there is none.
func waitOnFIFO(t *testing.T, pid int, done <-chan error, stderr *bytes.Buffer) {
	t.Helper()
	if _, err := os.Stat("/proc/self/task"); err != nil {
		t.Skip("no /proc here to tell when the command waits on the FIFO")
	}
	for {
		tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/wchan", pid))
		for _, w := range tasks {
			if b, _ := os.ReadFile(w); string(b) == "wait_for_partner" || string(b) == "fifo_open" {
				return
			}
		}
		select {
		case err := <-done:
			t.Fatalf("ended before waiting on the FIFO: %v: %s", err, stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// TestTuneInterrupted sends SIGTERM once a trial has finished: tune must
// exit 1 saying it was interrupted and saved nothing, print the best trial
// so far and leave an existing --out as it was (it refitted and replaced
// it, exit 0).
func TestTuneInterrupted(t *testing.T) {
	dir := t.TempDir()
	data := smallData(t, dir)
	out := write(t, dir, "t.recnet", "old model\n")
	cmd := command("tune", "--data", data, "--kind", "dot", "--trials", "10000", "--out", out)
	first := regexp.MustCompile(`trial +1/`) // the first trial of the sequence counts
	stdout, stderr, err := interruptWhen(t, cmd, first.MatchString)
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 || !strings.Contains(stderr, "nothing saved") {
		t.Errorf("tune after SIGTERM: %v, want exit 1 saying interrupted ... nothing saved; stderr %q", err, stderr)
	}
	if !strings.Contains(stdout, "best so far") {
		t.Errorf("does not print the best trial so far:\n%s", stdout)
	}
	if b, _ := os.ReadFile(out); string(b) != "old model\n" {
		t.Errorf("--out after SIGTERM: %d bytes, want the old content", len(b))
	}
}

// interruptWhen starts cmd, sends it SIGTERM once ready(its stdout so far)
// holds, and returns its stdout, stderr and exit error. It fails the test
// when cmd ends before the signal or does not stop within a minute.
func interruptWhen(t *testing.T, cmd *exec.Cmd, ready func(string) bool) (stdout, stderr string, err error) {
	t.Helper()
	var out lockedBuffer
	var errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for !ready(out.String()) {
		select {
		case err := <-done:
			t.Fatalf("%s ended before the signal: %v: %s", cmd.Args[1], err, errb.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err = <-done:
	case <-time.After(60 * time.Second): // a safety net, not a measure
		cmd.Process.Kill()
		<-done
		t.Fatalf("%s did not stop on SIGTERM", cmd.Args[1])
	}
	return out.String(), errb.String(), err
}

// lockedBuffer is a bytes.Buffer safe to read while a command writes it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestTrainInterrupted sends SIGTERM during training: exit 1 saying
// "interrupted: nothing saved" (it said only "context canceled"), and an
// existing --out left as it was.
func TestTrainInterrupted(t *testing.T) {
	dir := t.TempDir()
	out := write(t, dir, "m.recnet", "old model\n")
	cmd := command("train", "--epochs", "100000", "--patience", "-1", "--out", out)
	_, stderr, err := interruptWhen(t, cmd, func(s string) bool { return strings.Contains(s, "Epoch 1/") })
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 || !strings.Contains(stderr, "interrupted: nothing saved") {
		t.Errorf("train after SIGTERM: %v, want exit 1 saying interrupted: nothing saved; stderr %q", err, stderr)
	}
	if b, _ := os.ReadFile(out); string(b) != "old model\n" {
		t.Errorf("--out after SIGTERM: %d bytes, want the old content", len(b))
	}
}
