package main

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestOutputsRefused checks that no writing flag replaces an input, a
// device, a FIFO, a directory or a dangling link: each is refused with exit
// 2 naming the flag, and the target is left as it was.
func TestOutputsRefused(t *testing.T) {
	dir := t.TempDir()
	data := smallData(t, dir)
	model := filepath.Join(dir, "m.recnet")
	if _, stderr, code := run(t, "train", "--data", data, "--quiet", "--epochs", "1", "--out", model); code != 0 {
		t.Fatalf("train: exit %d: %s", code, stderr)
	}
	link := filepath.Join(dir, "link.csv")
	if err := os.Symlink("ratings.csv", link); err != nil {
		t.Fatal(err)
	}
	hard := filepath.Join(dir, "hard.csv")
	if err := os.Link(data, hard); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	dev := filepath.Join(dir, "null")
	if err := syscall.Mknod(dev, syscall.S_IFCHR|0o666, 1<<8|3); err != nil {
		dev = os.DevNull // unprivileged: /dev/null itself cannot be harmed
	}
	sub := filepath.Join(dir, "sub")
	os.Mkdir(sub, 0o755)
	dangling := filepath.Join(dir, "dangling")
	os.Symlink("nowhere", dangling)
	// An export directory whose first file would be a FIFO, and one whose
	// first file is the model being exported.
	expFIFO := filepath.Join(dir, "expfifo")
	os.Mkdir(expFIFO, 0o755)
	syscall.Mkfifo(filepath.Join(expFIFO, "user_embeddings.csv"), 0o644)
	expSelf := filepath.Join(dir, "expself")
	os.Mkdir(expSelf, 0o755)
	selfModel := filepath.Join(expSelf, "user_embeddings.csv")
	if err := os.Link(model, selfModel); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "r.db")
	if _, stderr, code := run(t, "gen", "--rows", "100", "--format", "sqlite", "--out", db); code != 0 {
		t.Fatalf("gen sqlite: exit %d: %s", code, stderr)
	}
	testPart := filepath.Join(dir, "test.csv")
	if _, stderr, code := run(t, "gen", "--rows", "500", "--seed", "7", "--out", testPart); code != 0 {
		t.Fatalf("gen: exit %d: %s", code, stderr)
	}
	train := []string{"train", "--data", data, "--quiet", "--epochs", "1"}
	cases := []struct {
		name   string
		args   []string
		flag   string
		target string
	}{
		{"train --out the data", append(train, "--out", data), "--out", data},
		{"train --out the data by another path", append(train, "--out", dir+"/../"+filepath.Base(dir)+"/./ratings.csv"), "--out", data},
		{"train --out a hard link to the data", append(train, "--out", hard), "--out", data},
		{"train --out a symlink to the data", append(train, "--out", link), "--out", data},
		{"train --plot the data", append(train, "--plot", data), "--plot", data},
		{"train --out the --train file", []string{"train", "--train", data, "--test", testPart, "--quiet", "--epochs", "1", "--out", link}, "--out", data},
		{"train --out the database of a sqlite --data", []string{"train", "--data", "sqlite://" + db + "?table=ratings", "--quiet", "--epochs", "1", "--out", db}, "--out", db},
		{"train --out the database of a sqlite3: --data", []string{"train", "--data", "SQLite3:" + db, "--quiet", "--epochs", "1", "--out", db}, "--out", db},
		{"train --out a device", append(train, "--out", dev), "--out", dev},
		{"train --out a FIFO", append(train, "--out", fifo), "--out", fifo},
		{"train --plot a FIFO", append(train, "--plot", fifo), "--plot", fifo},
		{"train --out a directory", append(train, "--out", sub), "--out", sub},
		{"train --out a dangling symlink", append(train, "--out", dangling), "--out", dangling},
		{"gen --out a FIFO", []string{"gen", "--out", fifo}, "--out", fifo},
		{"gen --out a device", []string{"gen", "--out", dev}, "--out", dev},
		{"tune --out the data", []string{"tune", "--data", data, "--kind", "nmf", "--trials", "1", "--out", data}, "--out", data},
		{"export --dir with a FIFO", []string{"export", "--model", model, "--dir", expFIFO}, "--dir", filepath.Join(expFIFO, "user_embeddings.csv")},
		{"export --dir over the model", []string{"export", "--model", selfModel, "--dir", expSelf}, "--dir", selfModel},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { refusedOutput(t, c.args, c.target, c.flag) })
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
}

// snapshot describes the file at p: its type and, for a regular file, its
// content.
func snapshot(t *testing.T, p string) string {
	t.Helper()
	fi, err := os.Lstat(p)
	if err != nil {
		return err.Error()
	}
	if fi.Mode().Type() != 0 {
		return fi.Mode().Type().String()
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return fs.FileMode(0).String() + string(bytes.TrimSpace(b[:min(len(b), 64)])) + string(rune(len(b)))
}

// TestOutputSymlinkFollowed checks that --out through a symbolic link
// replaces the file it points to and keeps the link.
func TestOutputSymlinkFollowed(t *testing.T) {
	dir := t.TempDir()
	data := smallData(t, dir)
	os.Mkdir(filepath.Join(dir, "models"), 0o755)
	real := filepath.Join(dir, "models", "m.recnet")
	os.WriteFile(real, []byte("old"), 0o600)
	link := filepath.Join(dir, "current.recnet")
	if err := os.Symlink(filepath.Join("models", "m.recnet"), link); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := run(t, "train", "--data", data, "--quiet", "--epochs", "1", "--out", link); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Fatalf("--out replaced the link: %v", err)
	}
	b, _ := os.ReadFile(real)
	if !bytes.HasPrefix(b, []byte("RECNET")) {
		t.Errorf("the link's target holds %q, want a model", b[:min(len(b), 8)])
	}
	if fi, _ := os.Stat(real); fi.Mode().Perm() != 0o600 {
		t.Errorf("the target's mode became %v, want 0600 kept", fi.Mode().Perm())
	}
}

// TestOutputsDistinct checks that two outputs of one command naming the
// same file, by any path, are refused with exit 2 naming both flags, and
// that nothing is written.
func TestOutputsDistinct(t *testing.T) {
	dir := t.TempDir()
	data := smallData(t, dir)
	existing := write(t, dir, "old.recnet", "keep me")
	hard := filepath.Join(dir, "hard.recnet")
	if err := os.Link(existing, hard); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.recnet")
	if err := os.Symlink("old.recnet", link); err != nil {
		t.Fatal(err)
	}
	dirLink := filepath.Join(dir, "dirlink")
	if err := os.Symlink(".", dirLink); err != nil {
		t.Fatal(err)
	}
	fresh := filepath.Join(dir, "new.recnet")
	cases := []struct {
		name      string
		out, plot string
	}{
		{"same path, new file", fresh, fresh},
		{"another spelling, new file", fresh, filepath.Join(dir, ".", "sub", "..", "new.recnet")},
		{"relative and absolute, new file", fresh, "new.recnet"},
		{"through a linked directory, new file", fresh, filepath.Join(dirLink, "new.recnet")},
		{"same path, existing file", existing, existing},
		{"hard link", existing, hard},
		{"symbolic link", link, existing},
	}
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cmd := command("train", "--data", data, "--quiet", "--epochs", "1", "--out", c.out, "--plot", c.plot)
			cmd.Dir = dir
			var errb bytes.Buffer
			cmd.Stderr = &errb
			err := cmd.Run()
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			}
			if code != 2 || !strings.Contains(errb.String(), "--out") || !strings.Contains(errb.String(), "--plot") {
				t.Errorf("exit %d, want 2 naming --out and --plot: %s", code, errb.String())
			}
			if b, _ := os.ReadFile(existing); string(b) != "keep me" {
				t.Errorf("%s was changed", existing)
			}
			if _, err := os.Stat(fresh); err == nil {
				t.Errorf("%s was written", fresh)
				os.Remove(fresh)
			}
		})
	}
}

// TestDashOutputRefused checks that "-" names standard output only for gen:
// for every other writing flag it is refused with exit 2 naming the flag,
// before any work, whether "-" exists (here a link to the data) or not.
func TestDashOutputRefused(t *testing.T) {
	dir := t.TempDir()
	data := smallData(t, dir)
	linked := filepath.Join(dir, "linked")
	os.Mkdir(linked, 0o755)
	if err := os.Symlink(data, filepath.Join(linked, "-")); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty")
	os.Mkdir(empty, 0o755)
	train := []string{"train", "--data", data, "--epochs", "1"}
	cases := []struct {
		name string
		args []string
		flag string
	}{
		{"train --out -", append(train, "--out", "-"), "--out"},
		{"train --plot -", append(train, "--plot", "-"), "--plot"},
		{"tune --out -", []string{"tune", "--data", data, "--kind", "nmf", "--trials", "1", "--out", "-"}, "--out"},
	}
	for _, c := range cases {
		for _, wd := range []string{linked, empty} {
			t.Run(c.name+" in "+filepath.Base(wd), func(t *testing.T) {
				before := snapshot(t, data)
				cmd := command(c.args...)
				cmd.Dir = wd
				var out, errb bytes.Buffer
				cmd.Stdout, cmd.Stderr = &out, &errb
				err := cmd.Run()
				code := 0
				if ee, ok := err.(*exec.ExitError); ok {
					code = ee.ExitCode()
				}
				if code != 2 || !strings.Contains(errb.String(), c.flag) {
					t.Errorf("exit %d, want 2 naming %s: %s", code, c.flag, errb.String())
				}
				if strings.Contains(out.String()+errb.String(), "Epoch") || strings.Contains(out.String()+errb.String(), "trial") {
					t.Errorf("work done before the refusal: %s", out.String())
				}
				if after := snapshot(t, data); after != before {
					t.Errorf("the data changed: %s -> %s", before, after)
				}
				if _, err := os.Lstat(filepath.Join(empty, "-")); err == nil {
					t.Errorf("a file named - was created")
				}
			})
		}
	}
	// gen writes "-" to standard output.
	stdout, stderr, code := run(t, "gen", "--rows", "50", "--out", "-")
	if code != 0 || !strings.Contains(stdout, ",") {
		t.Errorf("gen --out -: exit %d, stdout %.40q: %s", code, stdout, stderr)
	}
}

// TestInputsDistinct checks that one file given twice among --train,
// --valid and --test, by any path, is refused with exit 2 naming both
// flags, before any work.
func TestInputsDistinct(t *testing.T) {
	dir := t.TempDir()
	data := smallData(t, dir)
	other := filepath.Join(dir, "other.csv")
	if _, stderr, code := run(t, "gen", "--rows", "500", "--seed", "7", "--out", other); code != 0 {
		t.Fatalf("gen: exit %d: %s", code, stderr)
	}
	hard := filepath.Join(dir, "hard.csv")
	if err := os.Link(data, hard); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.csv")
	if err := os.Symlink("ratings.csv", link); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name               string
		train, valid, test string
		flags              [2]string
	}{
		{"train and test the same path", data, "", data, [2]string{"--train", "--test"}},
		{"train and test by a hard link", data, "", hard, [2]string{"--train", "--test"}},
		{"train and valid by a symlink", data, link, other, [2]string{"--train", "--valid"}},
		{"valid and test by another spelling", other, data, dir + "/./ratings.csv", [2]string{"--valid", "--test"}},
		{"all three", data, data, data, [2]string{"--train", "--valid"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := []string{"train", "--train", c.train, "--test", c.test, "--epochs", "1"}
			if c.valid != "" {
				args = append(args, "--valid", c.valid)
			}
			stdout, stderr, code := run(t, args...)
			if code != 2 || !strings.Contains(stderr, c.flags[0]) || !strings.Contains(stderr, c.flags[1]) {
				t.Errorf("exit %d, want 2 naming %s and %s: %s", code, c.flags[0], c.flags[1], stderr)
			}
			if strings.Contains(stdout, "Epoch") {
				t.Errorf("trained before the refusal")
			}
		})
	}
}

// TestPretrainedInputNotOverwritten: --pretrained names its files with
// spaces allowed after the comma; the output check must see the same
// trimmed names that are loaded, so --out cannot replace one of them.
func TestPretrainedInputNotOverwritten(t *testing.T) {
	dir := t.TempDir()
	dot := write(t, dir, "dot.recnet", "a dot model\n")
	mlp := write(t, dir, "mlp.recnet", "an mlp model\n")
	_, stderr, code := run(t, "train", "--kind", "neumf", "--pretrained", dot+", "+mlp, "--out", mlp)
	if b, _ := os.ReadFile(mlp); code != 2 || string(b) != "an mlp model\n" || !strings.Contains(stderr, "--out") {
		t.Errorf("exit %d, mlp file %q, want exit 2 naming --out and the file kept; stderr %s", code, b, stderr)
	}
}

// TestOutputsNotInputs checks that no output replaces a file an input flag
// other than the data flags reads (--item-features, --pretrained, the
// --model of export), directly or through a symbolic link: each is refused
// with exit 2 naming both flags, and the input is left as it was.
func TestOutputsNotInputs(t *testing.T) {
	dir := t.TempDir()
	data, cat := featuresData(t, dir)
	link := filepath.Join(dir, "cat.recnet")
	if err := os.Symlink("catalog.csv", link); err != nil {
		t.Fatal(err)
	}
	dot := write(t, dir, "dot.recnet", "a dot model\n")
	mlp := write(t, dir, "mlp.recnet", "an mlp model\n")
	train := []string{"train", "--data", data, "--task", "implicit", "--item-features", cat, "--epochs", "1", "-q"}
	cases := []struct {
		name       string
		args       []string
		out, input string
		target     string
	}{
		{"train --out the features", append(train, "--out", cat), "--out", "--item-features", cat},
		{"train --out a link to the features", append(train, "--out", link), "--out", "--item-features", cat},
		{"train --plot the features", append(train, "--plot", cat), "--plot", "--item-features", cat},
		{"tune --out the features", []string{"tune", "--data", data, "--task", "implicit", "--kind", "dot", "--item-features", cat, "--trials", "1", "--out", cat}, "--out", "--item-features", cat},
		{"train --plot a pretrained model", []string{"train", "--kind", "neumf", "--pretrained", dot + "," + mlp, "--plot", dot}, "--plot", "--pretrained", dot},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { refusedOutput(t, c.args, c.target, c.out, c.input) })
	}
}

// refusedOutput runs args and checks that they exit 2 naming every flag
// of flags, leaving target as it was.
func refusedOutput(t *testing.T, args []string, target string, flags ...string) {
	t.Helper()
	before := snapshot(t, target)
	_, stderr, code := run(t, args...)
	if code != 2 {
		t.Errorf("exit %d, want 2; stderr: %s", code, stderr)
	}
	for _, flag := range flags {
		if !strings.Contains(stderr, flag) {
			t.Errorf("error does not name %s: %s", flag, stderr)
		}
	}
	if after := snapshot(t, target); after != before {
		t.Errorf("%s changed: %s -> %s", target, before, after)
	}
}
