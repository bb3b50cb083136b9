package atomicfile

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func writeString(s string) func(io.Writer) error {
	return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
}

// TestWriteTargets writes over every kind of target: regular files and
// symlinks to them are replaced (a link stays a link), anything else is
// refused with ErrTarget and left as it was.
func TestWriteTargets(t *testing.T) {
	cases := []struct {
		name string
		// make creates the target in dir and returns its path and a check
		// of what must hold afterwards.
		make    func(t *testing.T, dir string) (string, func(t *testing.T))
		refused bool
	}{
		{"new file", func(t *testing.T, dir string) (string, func(*testing.T)) {
			p := filepath.Join(dir, "new")
			return p, func(t *testing.T) { wantContent(t, p, "new") }
		}, false},
		{"regular file", func(t *testing.T, dir string) (string, func(*testing.T)) {
			p := mkfile(t, dir, "f", "old")
			return p, func(t *testing.T) { wantContent(t, p, "new") }
		}, false},
		{"symlink to a regular file", func(t *testing.T, dir string) (string, func(*testing.T)) {
			sub := filepath.Join(dir, "sub")
			os.Mkdir(sub, 0o755)
			target := mkfile(t, sub, "target", "old")
			link := filepath.Join(dir, "link")
			if err := os.Symlink(filepath.Join("sub", "target"), link); err != nil {
				t.Fatal(err)
			}
			return link, func(t *testing.T) {
				if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
					t.Errorf("the link was replaced: %v %v", fi, err)
				}
				wantContent(t, target, "new")
				wantNoTemp(t, dir)
				wantNoTemp(t, sub)
			}
		}, false},
		{"dangling symlink", func(t *testing.T, dir string) (string, func(*testing.T)) {
			link := filepath.Join(dir, "link")
			if err := os.Symlink("nowhere", link); err != nil {
				t.Fatal(err)
			}
			return link, func(t *testing.T) {
				if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
					t.Errorf("the dangling link was replaced: %v %v", fi, err)
				}
				if _, err := os.Lstat(filepath.Join(dir, "nowhere")); err == nil {
					t.Error("the dangling link's target was created")
				}
			}
		}, true},
		{"symlink to a directory", func(t *testing.T, dir string) (string, func(*testing.T)) {
			os.Mkdir(filepath.Join(dir, "d"), 0o755)
			link := filepath.Join(dir, "link")
			if err := os.Symlink("d", link); err != nil {
				t.Fatal(err)
			}
			return link, func(t *testing.T) { wantMode(t, filepath.Join(dir, "d"), fs.ModeDir) }
		}, true},
		{"directory", func(t *testing.T, dir string) (string, func(*testing.T)) {
			p := filepath.Join(dir, "d")
			os.Mkdir(p, 0o755)
			return p, func(t *testing.T) { wantMode(t, p, fs.ModeDir) }
		}, true},
		{"FIFO", func(t *testing.T, dir string) (string, func(*testing.T)) {
			p := filepath.Join(dir, "fifo")
			if err := syscall.Mkfifo(p, 0o644); err != nil {
				t.Skip(err)
			}
			return p, func(t *testing.T) { wantMode(t, p, fs.ModeNamedPipe) }
		}, true},
		{"device", func(t *testing.T, dir string) (string, func(*testing.T)) {
			// A copy of /dev/null (char 1,3) where we may make one; else
			// /dev/null itself, which an unprivileged run cannot harm.
			p := filepath.Join(dir, "null")
			if err := syscall.Mknod(p, syscall.S_IFCHR|0o666, 1<<8|3); err != nil {
				p = os.DevNull
			}
			return p, func(t *testing.T) { wantMode(t, p, fs.ModeDevice|fs.ModeCharDevice) }
		}, true},
		{"socket", func(t *testing.T, dir string) (string, func(*testing.T)) {
			p := filepath.Join(dir, "sock")
			fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
			if err != nil {
				t.Skip(err)
			}
			defer syscall.Close(fd)
			if err := syscall.Bind(fd, &syscall.SockaddrUnix{Name: p}); err != nil {
				t.Skip(err)
			}
			return p, func(t *testing.T) { wantMode(t, p, fs.ModeSocket) }
		}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			p, check := c.make(t, dir)
			err := Write(p, writeString("new"))
			if c.refused {
				if !errors.Is(err, ErrTarget) {
					t.Errorf("Write(%s) = %v, want ErrTarget", p, err)
				} else if !strings.Contains(err.Error(), p) {
					t.Errorf("error %q does not name %s", err, p)
				}
				if err := Check(p); !errors.Is(err, ErrTarget) {
					t.Errorf("Check(%s) = %v, want ErrTarget", p, err)
				}
			} else if err != nil {
				t.Errorf("Write(%s): %v", p, err)
			}
			check(t)
			if p != os.DevNull {
				wantNoTemp(t, dir)
			}
		})
	}
}

// TestCheckInputs refuses an output that is one of the inputs, by whatever
// path, and accepts other files and inputs that are not files.
func TestCheckInputs(t *testing.T) {
	dir := t.TempDir()
	in := mkfile(t, dir, "r.csv", "user,item,rating\n")
	other := mkfile(t, dir, "other.csv", "x")
	hard := filepath.Join(dir, "hard.csv")
	if err := os.Link(in, hard); err != nil {
		t.Fatal(err)
	}
	sym := filepath.Join(dir, "sym.csv")
	if err := os.Symlink("r.csv", sym); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	cases := []struct {
		name       string
		out        string
		inputs     []string
		refused    bool
		wantInName string
	}{
		{"same path", in, []string{in}, true, in},
		{"relative path", "./r.csv", []string{in}, true, in},
		{"dot-dot path", dir + "/../" + filepath.Base(dir) + "/./r.csv", []string{in}, true, in},
		{"hard link", hard, []string{in}, true, in},
		{"symlink out", sym, []string{in}, true, in},
		{"symlink in", in, []string{"other.csv", sym}, true, sym},
		{"other file", other, []string{in}, false, ""},
		{"new file", filepath.Join(dir, "m.recnet"), []string{in}, false, ""},
		{"inputs that are no files", in, []string{"", "builtin", "https://example.com/r.csv"}, false, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Check(c.out, c.inputs...)
			if !c.refused {
				if err != nil {
					t.Errorf("Check(%s, %q) = %v, want nil", c.out, c.inputs, err)
				}
				return
			}
			if !errors.Is(err, ErrTarget) || !strings.Contains(err.Error(), c.wantInName) {
				t.Errorf("Check(%s, %q) = %v, want ErrTarget naming %s", c.out, c.inputs, err, c.wantInName)
			}
		})
	}
	wantContent(t, in, "user,item,rating\n")
}

// TestWriteRemovesLeftovers checks that a write removes the temporary files
// an earlier, killed write to the same target left, and nothing else.
func TestWriteRemovesLeftovers(t *testing.T) {
	dir := t.TempDir()
	p := mkfile(t, dir, "m.recnet", "old")
	old := time.Now().Add(-time.Hour)
	stale := []string{".m.recnet.tmp-123456", ".m.recnet.tmp-9"}
	keep := []string{
		".m.recnet.tmp-",        // no digits
		".m.recnet.tmp-12x",     // not only digits
		".other.tmp-123",        // another target's
		"m.recnet.tmp-123",      // not hidden
		".m.recnet.tmp-77.keep", // more after the digits
	}
	for _, n := range append(slicesConcat(stale, keep), ".m.recnet.tmp-555") {
		mkfile(t, dir, n, "leftover")
		if n != ".m.recnet.tmp-555" { // fresh: maybe a live writer's
			os.Chtimes(filepath.Join(dir, n), old, old)
		}
	}
	// A directory of the pattern is not a leftover of ours.
	os.Mkdir(filepath.Join(dir, ".m.recnet.tmp-42"), 0o755)
	os.Chtimes(filepath.Join(dir, ".m.recnet.tmp-42"), old, old)
	// An old file a live writer holds locked (where there are locks).
	live := mkfile(t, dir, ".m.recnet.tmp-777", "live")
	os.Chtimes(live, old, old)
	lf, err := os.OpenFile(live, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer lf.Close()
	locks := lockWriter(lf)
	if locks {
		keep = append(keep, filepath.Base(live))
	}
	// A fresh file nobody holds is a leftover where there are locks, and
	// maybe a live writer's elsewhere.
	fresh := ".m.recnet.tmp-555"
	if locks {
		stale = append(stale, fresh)
	} else {
		keep = append(keep, fresh)
	}
	if err := Write(p, writeString("new")); err != nil {
		t.Fatal(err)
	}
	wantContent(t, p, "new")
	for _, n := range stale {
		if _, err := os.Lstat(filepath.Join(dir, n)); err == nil {
			t.Errorf("leftover %s was not removed", n)
		}
	}
	for _, n := range append(keep, ".m.recnet.tmp-42") {
		if _, err := os.Lstat(filepath.Join(dir, n)); err != nil {
			t.Errorf("%s was removed: %v", n, err)
		}
	}
}

func slicesConcat(a, b []string) []string { return append(append([]string(nil), a...), b...) }

func mkfile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func wantContent(t *testing.T, p, want string) {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil || string(b) != want {
		t.Errorf("%s holds %q (%v), want %q", p, b, err, want)
	}
	if fi, err := os.Lstat(p); err == nil && !fi.Mode().IsRegular() {
		t.Errorf("%s is a %v, want a regular file", p, fi.Mode().Type())
	}
}

func wantMode(t *testing.T, p string, typ fs.FileMode) {
	t.Helper()
	fi, err := os.Lstat(p)
	if err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	if fi.Mode().Type() != typ {
		t.Errorf("%s is now %v, want %v", p, fi.Mode().Type(), typ)
	}
}

func wantNoTemp(t *testing.T, dir string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}

// TestSame checks which pairs of paths name the same output.
func TestSame(t *testing.T) {
	dir := t.TempDir()
	a := mkfile(t, dir, "a", "x")
	mkfile(t, dir, "b", "y")
	os.Link(a, filepath.Join(dir, "hard"))
	os.Symlink("a", filepath.Join(dir, "link"))
	os.Symlink(".", filepath.Join(dir, "here"))
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	p := func(s string) string { return filepath.Join(dir, s) }
	cases := []struct {
		a, b string
		want bool
	}{
		{p("a"), p("a"), true},
		{p("a"), p("hard"), true},
		{p("link"), p("a"), true},
		{p("here") + "/a", p("a"), true},
		{p("new"), p("new"), true},
		{p("new"), p("sub") + "/../new", true},
		{p("here") + "/new", p("new"), true},
		{p("a"), p("b"), false},
		{p("a"), p("new"), false},
		{p("new"), p("sub/new"), false},
		{p("sub"), p("sub"), false}, // refused by Check
	}
	for _, c := range cases {
		if got := Same(c.a, c.b); got != c.want {
			t.Errorf("Same(%s, %s) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

// TestWriteFile checks that WriteFile hands fill an empty temporary file
// beside the target, renames it over the target, and removes it when fill
// fails, leaving the target as it was.
func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	p := mkfile(t, dir, "db", "old")
	err := WriteFile(p, func(tmp string) error {
		if filepath.Dir(tmp) != dir || !isLeftover(filepath.Base(tmp), "db") {
			t.Errorf("temporary file %s", tmp)
		}
		os.WriteFile(tmp, []byte("half"), 0o600)
		return errors.New("boom")
	})
	if err == nil || err.Error() != "boom" {
		t.Errorf("err = %v, want boom", err)
	}
	wantContent(t, p, "old")
	wantNoTemp(t, dir)
	if err := WriteFile(p, func(tmp string) error { return os.WriteFile(tmp, []byte("new"), 0o600) }); err != nil {
		t.Fatal(err)
	}
	wantContent(t, p, "new")
	wantNoTemp(t, dir)
	if err := WriteFile(dir, func(string) error { t.Error("fill called for a directory"); return nil }); !errors.Is(err, ErrTarget) {
		t.Errorf("a directory: err = %v, want ErrTarget", err)
	}
}
