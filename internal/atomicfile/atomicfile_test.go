package atomicfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestCommitWritesWhole(t *testing.T) {
	target := filepath.Join(t.TempDir(), "r.md")
	f, err := Create(target)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("hello")
	if _, err := os.Stat(target); !os.IsNotExist(err) {
		t.Fatal("target exists before commit")
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(target); string(b) != "hello" {
		t.Fatalf("target holds %q", b)
	}
}

func TestAbortLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "r.md")
	os.WriteFile(target, []byte("old"), 0o644)
	f, err := Create(target)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("partial")
	f.Abort()
	entries, _ := os.ReadDir(dir)
	if b, _ := os.ReadFile(target); string(b) != "old" || len(entries) != 1 {
		t.Fatalf("target %q, %d files left", b, len(entries))
	}
}

func TestUnwritableFailsAtCreate(t *testing.T) {
	_, err := Create("/nonexistent-dir/x/r.md")
	if err == nil || !strings.Contains(err.Error(), "/nonexistent-dir/x/r.md") || strings.Contains(err.Error(), ".tmp") {
		t.Fatalf("err = %v, want one naming the target only", err)
	}
}

// A device or a pipe is written in place: renaming over /dev/null would
// replace the device with a regular file for every program on the machine.
func TestDeviceWrittenInPlace(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no named pipes here:", err)
	}
	got := make(chan string)
	go func() {
		b, _ := os.ReadFile(fifo)
		got <- string(b)
	}()
	f, err := Create(fifo)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("through the pipe")
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if s := <-got; s != "through the pipe" {
		t.Errorf("the reader got %q", s)
	}
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the pipe was replaced: %v %v", fi.Mode(), err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("%d files in the directory, want the pipe alone", len(entries))
	}
	f, err = Create(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("gone")
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(os.DevNull); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		t.Fatalf("%s is no longer a device: %v %v", os.DevNull, fi.Mode(), err)
	}
}

func TestSymlinkKept(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real.md")
	link := filepath.Join(dir, "link.md")
	os.WriteFile(real, []byte("old"), 0o644)
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	f, err := Create(link)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("new")
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Lstat(link); fi.Mode()&os.ModeSymlink == 0 {
		t.Error("the symlink was replaced by a file")
	}
	if b, _ := os.ReadFile(real); string(b) != "new" {
		t.Errorf("the linked file holds %q", b)
	}
}

func TestDirectoryRefused(t *testing.T) {
	if _, err := Create(t.TempDir()); err == nil || !strings.Contains(err.Error(), "directory") {
		t.Errorf("err = %v", err)
	}
}

func TestCreateNewRefusesAnExistingTarget(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "r.md")
	os.WriteFile(target, []byte("old"), 0o644)
	if _, err := CreateNew(target); !errors.Is(err, fs.ErrExist) || err.Error() != target+" already exists" {
		t.Fatalf("err = %v, want %s already exists (fs.ErrExist)", err, target)
	}
	dangling := filepath.Join(dir, "dangling.md")
	os.Symlink(filepath.Join(dir, "nowhere"), dangling)
	if _, err := CreateNew(dangling); !errors.Is(err, fs.ErrExist) {
		t.Errorf("a dangling symlink: err = %v, want fs.ErrExist", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("%d files in the directory, want the two targets alone", len(entries))
	}
}

// A target that appears between CreateNew and Commit is kept, not replaced.
func TestCreateNewRefusesATargetThatAppeared(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "r.md")
	f, err := CreateNew(target)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("new")
	os.WriteFile(target, []byte("theirs"), 0o644)
	if err := f.Commit(); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("err = %v, want fs.ErrExist", err)
	}
	if b, _ := os.ReadFile(target); string(b) != "theirs" {
		t.Errorf("target holds %q", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("%d files in the directory, want the target alone", len(entries))
	}
}

func TestCreateNewWritesWhole(t *testing.T) {
	target := filepath.Join(t.TempDir(), "r.md")
	f, err := CreateNew(target)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("hello")
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(target); string(b) != "hello" {
		t.Fatalf("target holds %q", b)
	}
	if entries, _ := os.ReadDir(filepath.Dir(target)); len(entries) != 1 {
		t.Errorf("%d files in the directory, want the target alone", len(entries))
	}
	if fi, _ := os.Stat(target); fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v", fi.Mode())
	}
}
