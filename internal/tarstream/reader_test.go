package tarstream

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"testing"
)

// A corrupt header is tar.ErrHeader to callers that know archive/tar's
// errors, and the error sticks.
func TestCorruptHeaderIsErrHeader(t *testing.T) {
	b := newBlock("file", tar.TypeReg, 0).sum(false)
	b[0] = 'F' // the checksum no longer holds
	r := NewReader(bytes.NewReader(cat(b, end)))
	for range 2 {
		if _, err := r.Next(); !errors.Is(err, tar.ErrHeader) {
			t.Fatalf("Next: %v, want tar.ErrHeader", err)
		}
	}
}

// The header is read in place and returned in one struct, overwritten
// by the next call; data is read with WriteTo straight from the buffer.
func TestMembers(t *testing.T) {
	data := write(t, tar.FormatPAX, []*tar.Header{
		{Name: "a", Typeflag: tar.TypeReg, Size: 3, PAXRecords: map[string]string{"SCHILY.xattr.user.x": "1"}},
		{Name: "b/", Typeflag: tar.TypeDir},
	})
	r := NewReader(bytes.NewReader(data))
	h, err := r.Next()
	if err != nil || h.Name != "a" || h.PAXRecords["SCHILY.xattr.user.x"] != "1" {
		t.Fatalf("Next: %+v, %v", h, err)
	}
	var out bytes.Buffer
	if n, err := r.WriteTo(&out); n != 3 || err != nil || out.String() != "aaa" {
		t.Fatalf("WriteTo: %d %v %q", n, err, out.String())
	}
	if h2, err := r.Next(); err != nil || h2 != h || h.Name != "b/" || h.PAXRecords != nil {
		t.Fatalf("second Next: %+v, %v", h2, err)
	}
	if _, err := r.Next(); err != io.EOF {
		t.Fatalf("at the end: %v", err)
	}
}

// BenchmarkSmallFiles reads a layer of 10,000 small files, hashing
// nothing: header parsing is most of the work.
func BenchmarkSmallFiles(b *testing.B) {
	hdrs := make([]*tar.Header, 10000)
	for i := range hdrs {
		hdrs[i] = &tar.Header{Name: "usr/share/some/dir/file-" + string(rune('a'+i%26)), Typeflag: tar.TypeReg, Size: int64(i % 700), Mode: 0o644, Uname: "root", Gname: "root"}
	}
	data := write(b, tar.FormatUnknown, hdrs)
	type tarReader interface {
		io.Reader
		Next() (*tar.Header, error)
	}
	for _, c := range []struct {
		name string
		open func(io.Reader) tarReader
	}{
		{"archive-tar", func(r io.Reader) tarReader { return tar.NewReader(r) }},
		{"tarstream", func(r io.Reader) tarReader { return NewReader(r) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				r := c.open(struct{ io.Reader }{bytes.NewReader(data)})
				for {
					if _, err := r.Next(); err == io.EOF {
						break
					} else if err != nil {
						b.Fatal(err)
					}
					if _, err := io.Copy(io.Discard, r); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
