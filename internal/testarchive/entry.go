// Package testarchive writes the image archives lx's tests and benchmark
// tools read, from layers described in code: layer tars, the legacy
// `docker save` layout, the OCI layout as a tar (with or without Docker
// 25's manifest.json) or as a directory, with plain, gzip or zstd blobs.
// It also reads a tar's members, for tests that look inside an archive.
// Nothing here is a checked-in binary: every archive is made when asked.
package testarchive

import (
	"archive/tar"
	"io"
	"path"
	"strings"
	"time"
)

// Epoch is the time every member carries unless its entry says otherwise,
// so the same description always gives the same bytes.
var Epoch = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)

// Entry is one member of a layer tar, written as described: names are
// not cleaned, so hostile ones can be written too.
type Entry struct {
	Name    string
	Type    byte // tar.TypeReg, TypeDir, TypeSymlink, TypeLink...
	Mode    int64
	UID     int
	GID     int
	Body    string
	Zeros   int64  // this many zero bytes follow Body
	Link    string // symlink target or hardlink target
	Xattrs  map[string]string
	ModTime time.Time // zero: Epoch
}

// File is a regular file holding body.
func File(name string, mode int64, body string) Entry {
	return Entry{Name: name, Type: tar.TypeReg, Mode: mode, Body: body}
}

// Zeros is a regular file of n zero bytes.
func Zeros(name string, mode int64, n int64) Entry {
	return Entry{Name: name, Type: tar.TypeReg, Mode: mode, Zeros: n}
}

// Dir is a directory.
func Dir(name string, mode int64) Entry { return Entry{Name: name, Type: tar.TypeDir, Mode: mode} }

// Symlink is a symbolic link to target.
func Symlink(name, target string) Entry {
	return Entry{Name: name, Type: tar.TypeSymlink, Mode: 0o777, Link: target}
}

// Hardlink is a hard link to the member named target.
func Hardlink(name, target string) Entry {
	return Entry{Name: name, Type: tar.TypeLink, Mode: 0o644, Link: target}
}

// Whiteout deletes p, as Docker writes it: an empty file DIR/.wh.NAME.
func Whiteout(p string) Entry {
	dir, base := path.Split(p)
	return Entry{Name: dir + ".wh." + base, Type: tar.TypeReg}
}

// Opaque hides every lower-layer child of dir: DIR/.wh..wh..opq.
func Opaque(dir string) Entry {
	if dir != "" && !strings.HasSuffix(dir, "/") {
		dir += "/"
	}
	return Entry{Name: dir + ".wh..wh..opq", Type: tar.TypeReg}
}

// Size is the entry's content length in the tar.
func (e Entry) Size() int64 {
	if e.Type != tar.TypeReg && e.Type != tar.TypeRegA {
		return 0
	}
	return int64(len(e.Body)) + e.Zeros
}

// WriteEntry writes one member to tw.
func WriteEntry(tw *tar.Writer, e Entry) error {
	mtime := e.ModTime
	if mtime.IsZero() {
		mtime = Epoch
	}
	hdr := &tar.Header{
		Name: e.Name, Typeflag: e.Type, Mode: e.Mode, Uid: e.UID, Gid: e.GID,
		Linkname: e.Link, ModTime: mtime, Size: e.Size(), Format: tar.FormatPAX,
	}
	for k, v := range e.Xattrs {
		if hdr.PAXRecords == nil {
			hdr.PAXRecords = map[string]string{}
		}
		hdr.PAXRecords["SCHILY.xattr."+k] = v
	}
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	if _, err := io.WriteString(tw, e.Body); err != nil {
		return err
	}
	return WriteZeros(tw, e.Zeros)
}

var zeroBlock [64 << 10]byte

// WriteZeros writes n zero bytes to w.
func WriteZeros(w io.Writer, n int64) error {
	for n > 0 {
		k := min(n, int64(len(zeroBlock)))
		if _, err := w.Write(zeroBlock[:k]); err != nil {
			return err
		}
		n -= k
	}
	return nil
}

// WriteLayer writes a layer tar of the entries, end blocks included.
func WriteLayer(w io.Writer, entries ...Entry) error {
	tw := tar.NewWriter(w)
	for _, e := range entries {
		if err := WriteEntry(tw, e); err != nil {
			return err
		}
	}
	return tw.Close()
}
