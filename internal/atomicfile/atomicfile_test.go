package atomicfile

import (
	"os"
	"path/filepath"
	"strings"
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
