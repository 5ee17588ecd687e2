package source

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// Compression is what a blob's first bytes say it is; names are never
// trusted.
type Compression uint8

const (
	Plain Compression = iota
	Gzip
	Zstd
)

func (c Compression) String() string {
	switch c {
	case Gzip:
		return "gzip"
	case Zstd:
		return "zstd"
	}
	return "plain"
}

var (
	gzipMagic = []byte{0x1f, 0x8b}
	zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}
)

// sniffCompression peeks at br without consuming anything.
func sniffCompression(br *bufio.Reader) Compression {
	head, _ := br.Peek(4)
	switch {
	case bytes.HasPrefix(head, zstdMagic):
		return Zstd
	case bytes.HasPrefix(head, gzipMagic):
		return Gzip
	}
	return Plain
}

// decompressor wraps r according to c. close releases the decoder; it does
// not close r.
func decompressor(r io.Reader, c Compression) (rd io.Reader, close func(), err error) {
	switch c {
	case Gzip:
		z, err := gzip.NewReader(r)
		if err != nil {
			return nil, nil, fmt.Errorf("corrupt gzip: %w", err)
		}
		return gzipErrors{z}, func() { z.Close() }, nil
	case Zstd:
		// One decoder goroutine keeps memory flat; the window is bounded so
		// a hostile frame cannot ask for gigabytes.
		z, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxWindow(1<<27))
		if err != nil {
			return nil, nil, fmt.Errorf("corrupt zstd: %w", err)
		}
		return zstdErrors{z}, z.Close, nil
	}
	return r, func() {}, nil
}

// gzipErrors and zstdErrors name the codec in decoding errors, so a corrupt
// blob reads "corrupt gzip: ..." rather than a bare "invalid header".
type gzipErrors struct{ r io.Reader }

func (g gzipErrors) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	return n, codecError("gzip", err)
}

type zstdErrors struct{ r io.Reader }

func (z zstdErrors) Read(p []byte) (int, error) {
	n, err := z.r.Read(p)
	return n, codecError("zstd", err)
}

func codecError(codec string, err error) error {
	if err == nil || err == io.EOF {
		return err
	}
	return &decodeError{codec: codec, err: err}
}

// decodeError is a failure of the compressed stream itself, kept apart from
// tar errors so a truncated gzip is not reported as a truncated tar.
type decodeError struct {
	codec string
	err   error
}

func (e *decodeError) Error() string {
	if errors.Is(e.err, io.ErrUnexpectedEOF) {
		return "truncated " + e.codec + " stream"
	}
	return "corrupt " + e.codec + ": " + e.err.Error()
}

func (e *decodeError) Unwrap() error { return e.err }
