package reportfile

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"lx.dev/lx/internal/fixture"
	"lx.dev/lx/model"
	"lx.dev/lx/model/report"
)

func seed(t *testing.T) *model.Image {
	t.Helper()
	img, err := fixture.Seed()
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// Write gives the bytes Format.Encode gives, with the changes the format
// wants, and says how many it wrote.
func TestWriteEveryFormat(t *testing.T) {
	img := seed(t)
	dir := t.TempDir()
	for _, f := range report.AllFormats() {
		path := filepath.Join(dir, "r."+f.Extension())
		n, err := Write(path, img, f, Options{})
		if err != nil {
			t.Fatalf("%v: %v", f, err)
		}
		var want bytes.Buffer
		f.Encode(&want, report.Build(img, report.Options{Changes: f.WantsChanges()}))
		got, _ := os.ReadFile(path)
		if !bytes.Equal(got, want.Bytes()) || n != int64(len(got)) {
			t.Errorf("%v: wrote %d bytes (said %d), want the %d of Encode", f, len(got), n, want.Len())
		}
	}
}

// With Ask, an existing file is refused (ErrExists) and kept; without, it
// is replaced.
func TestAskBeforeReplacing(t *testing.T) {
	img := seed(t)
	path := filepath.Join(t.TempDir(), "r.json")
	os.WriteFile(path, []byte("mine"), 0o644)
	n, err := Write(path, img, report.JSON, Options{Ask: true})
	if !errors.Is(err, ErrExists) || n != 0 || !strings.Contains(err.Error(), path) {
		t.Fatalf("Ask over an existing file: %d, %v; want ErrExists naming it", n, err)
	}
	if b, _ := os.ReadFile(path); string(b) != "mine" {
		t.Fatalf("the file was touched: %q", b)
	}
	if _, err := Write(path, img, report.JSON, Options{}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); !bytes.HasPrefix(b, []byte("{")) {
		t.Errorf("not replaced: %q", b)
	}
	fresh := filepath.Join(filepath.Dir(path), "new.md")
	if n, err := Write(fresh, img, report.Markdown, Options{Ask: true}); err != nil || n == 0 {
		t.Errorf("Ask on a new file: %d, %v", n, err)
	}
}

// A file that cannot be written fails at Create, before any work; a
// failed write leaves nothing behind.
func TestNothingHalfWritten(t *testing.T) {
	if _, err := Create(filepath.Join(t.TempDir(), "no", "such", "dir", "r.md"), Options{}); err == nil {
		t.Error("Create in a missing directory succeeded")
	}
	dir := t.TempDir()
	f, err := Create(filepath.Join(dir, "r.md"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(report.Report{}, 0); err == nil {
		t.Error("writing with no format succeeded")
	}
	f.Abort()
	var none *File
	none.Abort()
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("%d files left, want none", len(entries))
	}
}

// WriteDiff gives the bytes EncodeDiff gives in every format, and keeps
// an existing file when asked to.
func TestWriteDiff(t *testing.T) {
	base, err := fixture.SeedBase()
	if err != nil {
		t.Fatal(err)
	}
	d := model.Compare(base, seed(t))
	dir := t.TempDir()
	for _, f := range report.AllFormats() {
		path := filepath.Join(dir, "d."+f.Extension())
		n, err := WriteDiff(path, d, f, Options{Ask: true})
		if err != nil {
			t.Fatalf("%v: %v", f, err)
		}
		var want bytes.Buffer
		f.EncodeDiff(&want, report.BuildDiff(d))
		got, _ := os.ReadFile(path)
		if !bytes.Equal(got, want.Bytes()) || n != int64(len(got)) {
			t.Errorf("%v: wrote %d bytes (said %d), want the %d of EncodeDiff", f, len(got), n, want.Len())
		}
		if _, err := WriteDiff(path, d, f, Options{Ask: true}); !errors.Is(err, ErrExists) {
			t.Errorf("%v: a second write with Ask: %v, want ErrExists", f, err)
		}
	}
}

// WriteFrom writes what it is given whole, or leaves the target as it
// was: an existing file with Ask, a write that fails half-way.
func TestWriteFrom(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "passwd")
	body := func(w io.Writer) error { _, err := io.WriteString(w, "root:x:0:0\n"); return err }
	if n, err := WriteFrom(path, Options{Ask: true}, body); err != nil || n != 11 {
		t.Fatalf("a new file: %d, %v", n, err)
	}
	if _, err := WriteFrom(path, Options{Ask: true}, body); !errors.Is(err, ErrExists) {
		t.Fatalf("Ask over it: %v, want ErrExists", err)
	}
	broken := func(w io.Writer) error {
		io.WriteString(w, "half")
		return errors.New("the stream broke")
	}
	if _, err := WriteFrom(path, Options{}, broken); err == nil || !strings.Contains(err.Error(), "the stream broke") {
		t.Fatalf("a failed write: %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "root:x:0:0\n" {
		t.Errorf("a failed write touched the file: %q", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("%d files in the directory, want only the one written", len(entries))
	}
}
