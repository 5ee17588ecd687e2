package testarchive

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// The helpers below are for tests: they fail the test instead of returning
// an error.

// written is what write writes.
func written(t testing.TB, write func(w io.Writer) error) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Tar is a plain layer tar of the entries.
func Tar(t testing.TB, entries ...Entry) []byte {
	t.Helper()
	return written(t, func(w io.Writer) error { return WriteLayer(w, entries...) })
}

// Layer is a plain layer blob of the entries.
func Layer(t testing.TB, entries ...Entry) Blob {
	t.Helper()
	return PlainBlob(Tar(t, entries...))
}

// Compressed is b stored with c.
func Compressed(t testing.TB, b []byte, c Compression) []byte {
	t.Helper()
	out, err := Compress(b, c)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Legacy is a legacy docker save archive of the images.
func Legacy(t testing.TB, ims ...Image) []byte {
	t.Helper()
	return written(t, func(w io.Writer) error { return WriteLegacy(w, ims...) })
}

// V1 is a docker save archive from before Docker 1.10 (see WriteV1).
func V1(t testing.TB, ims ...Image) []byte {
	t.Helper()
	return written(t, func(w io.Writer) error { return WriteV1(w, ims...) })
}

// OCI is an OCI layout in a tar (see WriteOCI).
func OCI(t testing.TB, o OCIOptions, ims ...Image) []byte {
	t.Helper()
	return written(t, func(w io.Writer) error { return WriteOCI(w, o, ims...) })
}

// OCIDir writes an OCI layout into a new temporary directory and returns it.
func OCIDir(t testing.TB, c Compression, ims ...Image) string {
	t.Helper()
	dir := t.TempDir()
	if err := WriteOCIDir(dir, c, ims...); err != nil {
		t.Fatal(err)
	}
	return dir
}

// WriteFile writes b to a file named name in a new temporary directory and
// returns its path.
func WriteFile(t testing.TB, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// Rewritten is the archive passed through edit (see Rewrite).
func Rewritten(t testing.TB, archive []byte, edit func(Edit) Edit) []byte {
	t.Helper()
	b, err := Rewrite(archive, edit)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
