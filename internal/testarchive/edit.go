package testarchive

import (
	"archive/tar"
	"bytes"
	"io"
)

// Edit is what Rewrite does with one member: its name and bytes in the
// copy (Body is nil for a member that is not a regular file), or Drop.
type Edit struct {
	Name string
	Body []byte
	Drop bool
}

// Rewrite copies the tar archive, passing every member through edit:
// renamed, given other bytes, or left out. A test makes a hostile archive
// so from one that a writer made whole.
func Rewrite(archive []byte, edit func(Edit) Edit) ([]byte, error) {
	var out bytes.Buffer
	tw := tar.NewWriter(&out)
	err := Each(bytes.NewReader(archive), func(m Member) error {
		e := Edit{Name: m.Header.Name}
		if m.Header.Typeflag == tar.TypeReg {
			b, err := io.ReadAll(m.Body)
			if err != nil {
				return err
			}
			e.Body = b
		}
		e = edit(e)
		if e.Drop {
			return nil
		}
		hdr := *m.Header
		hdr.Name = e.Name
		if hdr.Typeflag == tar.TypeReg {
			hdr.Size = int64(len(e.Body))
		}
		if err := tw.WriteHeader(&hdr); err != nil {
			return err
		}
		_, err := tw.Write(e.Body)
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// Replace is an edit that gives the member named name the bytes body.
func Replace(name string, body []byte) func(Edit) Edit {
	return func(e Edit) Edit {
		if e.Name == name {
			e.Body = body
		}
		return e
	}
}
