package testarchive

import (
	"archive/tar"
	"errors"
	"io"
)

// Member is one member of a tar being read.
type Member struct {
	Header *tar.Header
	Offset int64     // where its data starts in the stream
	Body   io.Reader // its data; what fn leaves unread is skipped
}

// Each calls fn with every member of the tar r, in order, and stops at
// fn's first error.
func Each(r io.Reader, fn func(Member) error) error {
	cr := &countingReader{r: r}
	tr := tar.NewReader(cr)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		// tar.Reader has read exactly the member's header blocks by now.
		if err := fn(Member{Header: hdr, Offset: cr.n, Body: tr}); err != nil {
			return err
		}
	}
}

// Files reads every regular member of the tar r into memory, by name, and
// lists all members' names in order.
func Files(r io.Reader) (map[string][]byte, []string, error) {
	files := map[string][]byte{}
	var names []string
	err := Each(r, func(m Member) error {
		names = append(names, m.Header.Name)
		if m.Header.Typeflag != tar.TypeReg {
			return nil
		}
		b, err := io.ReadAll(m.Body)
		files[m.Header.Name] = b
		return err
	})
	return files, names, err
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
