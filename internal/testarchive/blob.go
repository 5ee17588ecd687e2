package testarchive

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// Compression is how a blob or a whole archive is stored.
type Compression uint8

const (
	Plain Compression = iota
	Gzip
	Zstd
)

func (c Compression) String() string {
	return [...]string{"plain", "gzip", "zstd"}[c]
}

// MediaType is the OCI layer media type of a blob stored so.
func (c Compression) MediaType() string {
	return [...]string{
		"application/vnd.oci.image.layer.v1.tar",
		"application/vnd.oci.image.layer.v1.tar+gzip",
		"application/vnd.oci.image.layer.v1.tar+zstd",
	}[c]
}

// Compressor wraps w so what is written to it is stored with c; Close
// flushes the compressed stream (not w).
func Compressor(w io.Writer, c Compression) (io.WriteCloser, error) {
	switch c {
	case Gzip:
		return gzip.NewWriter(w), nil
	case Zstd:
		return zstd.NewWriter(w)
	}
	return nopCloser{w}, nil
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

// Compress returns b stored with c.
func Compress(b []byte, c Compression) ([]byte, error) {
	if c == Plain {
		return b, nil
	}
	var buf bytes.Buffer
	z, err := Compressor(&buf, c)
	if err != nil {
		return nil, err
	}
	if _, err := z.Write(b); err != nil {
		return nil, err
	}
	if err := z.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Digest is "sha256:" and the hex SHA-256 of b.
func Digest(b []byte) string {
	s := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(s[:])
}

// Blob is one layer as an archive stores it.
type Blob struct {
	Data   []byte      // the bytes stored: a tar, gzip or zstd as Comp says
	Comp   Compression // how Data is stored
	DiffID string      // what the image config lists: the uncompressed tar's SHA-256, unless a test lies
	// Missing leaves the blob out of the archive while the manifest still
	// names it.
	Missing bool
}

// PlainBlob is a blob stored as the tar it is.
func PlainBlob(tarBytes []byte) Blob {
	return Blob{Data: tarBytes, Comp: Plain, DiffID: Digest(tarBytes)}
}

// LayerBlob is a blob of a layer tar of the entries, stored with c.
func LayerBlob(c Compression, entries ...Entry) (Blob, error) {
	return StreamBlob(c, func(w io.Writer) error { return WriteLayer(w, entries...) })
}

// StreamBlob makes a blob from a writer of its uncompressed tar, which is
// compressed and hashed as it is written: only the stored bytes are held.
func StreamBlob(c Compression, write func(w io.Writer) error) (Blob, error) {
	var stored bytes.Buffer
	z, err := Compressor(&stored, c)
	if err != nil {
		return Blob{}, err
	}
	h := sha256.New()
	if err := write(io.MultiWriter(z, h)); err != nil {
		return Blob{}, err
	}
	if err := z.Close(); err != nil {
		return Blob{}, err
	}
	return Blob{Data: stored.Bytes(), Comp: c, DiffID: sum(h)}, nil
}

func sum(h hash.Hash) string { return "sha256:" + hex.EncodeToString(h.Sum(nil)) }

// stored is the blob as an archive with blobs compressed by c holds it: a
// plain blob is compressed then, one already compressed stays as it is.
func (b Blob) stored(c Compression) (Blob, error) {
	if b.Comp != Plain || c == Plain {
		return b, nil
	}
	data, err := Compress(b.Data, c)
	if err != nil {
		return Blob{}, fmt.Errorf("compressing a layer: %w", err)
	}
	b.Data, b.Comp = data, c
	return b, nil
}
