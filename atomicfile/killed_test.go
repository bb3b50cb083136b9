package atomicfile

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// helperEnv names, in the environment of a child test process, the target
// that TestHelperWriter writes to and never finishes.
const helperEnv = "ATOMICFILE_HELPER_TARGET"

// TestHelperWriter is not a test: run as a child process by the tests
// below, it starts a Write to $ATOMICFILE_HELPER_TARGET, writes past the
// buffer into its temporary file, says "ready" and blocks until killed.
func TestHelperWriter(t *testing.T) {
	target := os.Getenv(helperEnv)
	if target == "" {
		t.Skip("helper process only")
	}
	Write(target, func(w io.Writer) error {
		w.Write(make([]byte, 1<<17))
		os.Stdout.WriteString("ready\n")
		select {}
	})
}

// startWriter starts a child process that is writing target and waits until
// its temporary file holds data.
func startWriter(t *testing.T, target string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperWriter$")
	cmd.Env = append(os.Environ(), helperEnv+"="+target)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if strings.TrimSpace(line) != "ready" {
		t.Fatalf("helper writer: %q, %v", line, err)
	}
	return cmd
}

func temps(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			names = append(names, e.Name())
		}
	}
	return names
}

// TestWriteRemovesKilledLeftover checks the real case: a write killed by
// SIGKILL leaves its temporary file, fresh, and the next write to the same
// target removes it at once where there are advisory locks.
func TestWriteRemovesKilledLeftover(t *testing.T) {
	if !locksHere(t) {
		t.Skip("no advisory locks: only StaleAge tells a leftover")
	}
	dir := t.TempDir()
	p := mkfile(t, dir, "big.csv", "old")
	cmd := startWriter(t, p)
	cmd.Process.Kill()
	cmd.Wait()
	if got := temps(t, dir); len(got) != 1 {
		t.Fatalf("after the kill: temporary files %v, want one leftover", got)
	}
	if err := Write(p, writeString("new")); err != nil {
		t.Fatal(err)
	}
	wantContent(t, p, "new")
	if got := temps(t, dir); len(got) != 0 {
		t.Errorf("the killed write's leftover %v survived the next write", got)
	}
}

// TestWriteKeepsLiveWritersTemp checks that a write does not remove the
// temporary file another process is writing to the same target, and that
// both writes end well.
func TestWriteKeepsLiveWritersTemp(t *testing.T) {
	dir := t.TempDir()
	p := mkfile(t, dir, "big.csv", "old")
	startWriter(t, p)
	before := temps(t, dir)
	if len(before) != 1 {
		t.Fatalf("temporary files %v, want the live writer's", before)
	}
	if err := Write(p, writeString("new")); err != nil {
		t.Fatal(err)
	}
	wantContent(t, p, "new")
	if got := temps(t, dir); len(got) != 1 || got[0] != before[0] {
		t.Errorf("temporary files %v after a write, want the live writer's %v kept", got, before)
	}
}

// TestConcurrentWrites checks that writes to one target racing with each
// other's removal of leftovers all succeed and leave nothing behind: no
// writer removes another's temporary file between its creation and its
// lock, or between its close and its rename.
func TestConcurrentWrites(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "m")
	var wg sync.WaitGroup
	errs := make(chan error, 400)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				errs <- Write(p, writeString("x"))
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	wantContent(t, p, "x")
	wantNoTemp(t, dir)
}

// locksHere reports whether a file in a temporary directory takes a
// writer's advisory lock.
func locksHere(t *testing.T) bool {
	f, err := os.CreateTemp(t.TempDir(), "lock")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return lockWriter(f)
}
