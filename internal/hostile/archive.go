package hostile

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"lx.dev/lx/internal/testarchive"
)

// Layout is how a case is saved.
type Layout string

const (
	Legacy Layout = "legacy"   // docker save before Docker 25, plain layer.tar members
	OCI    Layout = "oci-gzip" // the layout Docker 25+ saves, gzip blobs
	OCIDir Layout = "oci-dir"  // an OCI layout directory, plain blobs
)

// Layouts are the layouts every case is written in.
var Layouts = []Layout{Legacy, OCI}

// Image is the case as an image of the archive.
func (c Case) Image() (testarchive.Image, error) {
	blobs, err := c.MakeBlobs()
	if err != nil {
		return testarchive.Image{}, fmt.Errorf("%s: %w", c.Name, err)
	}
	return testarchive.Image{Tag: "hostile/" + c.Name + ":latest", Layers: blobs}, nil
}

// Archive returns the case saved in layout l, as the bytes of a tar.
func (c Case) Archive(l Layout) ([]byte, error) {
	im, err := c.Image()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	switch l {
	case Legacy:
		err = testarchive.WriteLegacy(&buf, im)
	case OCI:
		err = testarchive.WriteOCI(&buf, testarchive.OCIOptions{Comp: testarchive.Gzip, Docker: true}, im)
	default:
		return nil, fmt.Errorf("layout %s is not a tar", l)
	}
	return buf.Bytes(), err
}

// Write saves the case in layout l below dir and returns the path lx is
// to open.
func (c Case) Write(dir string, l Layout) (string, error) {
	p := filepath.Join(dir, fmt.Sprintf("%s.%s", safeName(c.Name), l))
	if l == OCIDir {
		im, err := c.Image()
		if err != nil {
			return "", err
		}
		return p, testarchive.WriteOCIDir(p, testarchive.Plain, im)
	}
	b, err := c.Archive(l)
	if err != nil {
		return "", err
	}
	p += ".tar"
	return p, os.WriteFile(p, b, 0o644)
}

// safeName turns a case name into a file name.
func safeName(name string) string {
	b := []byte(name)
	for i, c := range b {
		if c == '/' || c == ' ' {
			b[i] = '_'
		}
	}
	return string(b)
}
