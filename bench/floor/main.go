// Command floor is the floor lx report is measured against: it streams an
// image archive through the work the engine issue defined as the least any
// reader of it must do, and nothing else.
//
//	go run ./bench/floor [-verify|-sha256] ARCHIVE
//
// The defined floor, the default, is one pass on one goroutine: parse the
// outer tar; for every member that is a layer blob, decompress it when it is
// gzip or zstd, parse the layer's own tar and take an xxhash of every
// regular file's bytes. lx does all that, plus the diffID's SHA-256 (on a
// core of its own), the path table, the waste accounting and the report.
//
// -verify is the floor of a reader that also checks each layer's diffID,
// as lx does: the defined floor's work on one goroutine and the layer's
// SHA-256 on another, both fed from one read of the stream.
//
// -sha256 is the floor as it was before issue 14: the diffID's SHA-256 of
// every layer (on a second goroutine) and the layer's tar headers, but no
// xxhash. It is kept to compare with old figures, not to measure against.
package main

import (
	"archive/tar"
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/cespare/xxhash/v2"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"lx.dev/lx/internal/tarstream"
)

func main() {
	withSHA := flag.Bool("sha256", false, "the pre-issue-14 floor: SHA-256 of each layer and its tar headers, no xxhash")
	verify := flag.Bool("verify", false, "the floor plus each layer's SHA-256 on a second goroutine")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: floor [-verify|-sha256] ARCHIVE")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 || flag.Arg(0) == "" {
		flag.Usage()
		os.Exit(2)
	}
	name := flag.Arg(0)
	start := time.Now()
	mode := xxhashOnly
	switch {
	case *withSHA && *verify:
		flag.Usage()
		os.Exit(2)
	case *withSHA:
		mode = headersAndSHA
	case *verify:
		mode = xxhashAndSHA
	}
	st, err := run(name, mode)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		fmt.Fprintf(os.Stderr, "floor: %s: %v\n", name, err)
		os.Exit(1)
	}
	what := fmt.Sprintf("%d files, %d MB of file bytes hashed with xxhash", st.files, st.bytes/1e6)
	if mode == xxhashAndSHA {
		what += ", each layer's SHA-256 beside"
	}
	if mode == headersAndSHA {
		what = fmt.Sprintf("%d MB of layer tars hashed with SHA-256, no xxhash", st.bytes/1e6)
	}
	fmt.Printf("%d layers, %d layer members, %s, %.2fs\n", st.layers, st.members, what, time.Since(start).Seconds())
}

type stats struct {
	layers, members, files int
	bytes                  int64 // file bytes; with -sha256, layer tar bytes
	// sums folds every file's xxhash, printed so the work shows.
	sums uint64
}

var (
	gzipMagic = []byte{0x1f, 0x8b}
	zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}
)

// floorMode is what run does with each layer.
type floorMode int

const (
	xxhashOnly    floorMode = iota // the defined floor
	xxhashAndSHA                   // -verify
	headersAndSHA                  // -sha256, the old floor
)

func run(name string, mode floorMode) (stats, error) {
	var st stats
	f, err := os.Open(name)
	if err != nil {
		return st, err
	}
	defer f.Close()
	outer, closeOuter, err := decompress(bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		return st, err
	}
	defer closeOuter()
	h := newFileHasher()
	// One buffered reader serves every member in turn.
	br := bufio.NewReaderSize(nil, 1<<20)
	tr := tar.NewReader(outer)
	for {
		hdr, err := tr.Next()
		if err == io.EOF && st.layers == 0 {
			return st, errors.New("no layer blob in the archive")
		}
		if err == io.EOF {
			if mode != headersAndSHA {
				fmt.Fprintf(os.Stderr, "xxhash sum of sums %016x\n", st.sums)
			}
			return st, nil
		}
		if err != nil {
			return st, err
		}
		if hdr.Typeflag != tar.TypeReg {
			continue
		}
		br.Reset(tr)
		head, _ := br.Peek(512)
		if !isBlob(head) {
			continue // JSON and the like: skipped by the outer reader
		}
		plain, closePlain, err := decompress(br)
		if err != nil {
			return st, fmt.Errorf("%s: %w", hdr.Name, err)
		}
		switch mode {
		case headersAndSHA:
			err = shaLayer(plain, hdr.Name, &st, nil)
		case xxhashAndSHA:
			err = shaLayer(plain, hdr.Name, &st, h)
		default:
			err = h.layer(plain, &st)
		}
		closePlain()
		if err != nil {
			return st, fmt.Errorf("%s: %w", hdr.Name, err)
		}
		st.layers++
	}
}

// fileHasher is the defined floor's work on one layer. Its buffer and
// digest serve every file of every layer: the loop allocates nothing per
// file but what the tar reader does.
type fileHasher struct {
	buf    []byte
	digest *xxhash.Digest
}

func newFileHasher() *fileHasher {
	return &fileHasher{buf: make([]byte, 256<<10), digest: xxhash.New()}
}

// layer parses the layer's tar and hashes each regular file's bytes.
func (h *fileHasher) layer(r io.Reader, st *stats) error {
	tr := tarstream.NewReader(r) // the fastest tar reader lx has, the one it reads layers with
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return errors.Join(errors.New("layer tar"), err)
		}
		st.members++
		if hdr.Typeflag != tar.TypeReg {
			continue
		}
		h.digest.Reset()
		n, err := io.CopyBuffer(h.digest, tr, h.buf)
		if err != nil {
			return errors.Join(errors.New("layer tar"), err)
		}
		st.files++
		st.bytes += n
		st.sums ^= h.digest.Sum64()
	}
}

// isBlob tells a layer blob from metadata by its first bytes, as lx does:
// a compressed stream, a ustar header (GNU and POSIX tars both carry the
// magic), or the zero block an empty tar starts with.
func isBlob(head []byte) bool {
	switch {
	case bytes.HasPrefix(head, gzipMagic), bytes.HasPrefix(head, zstdMagic):
		return true
	case len(head) < 512:
		return false
	}
	return bytes.HasPrefix(head[257:], []byte("ustar")) || bytes.Count(head, []byte{0}) == 512
}

// decompress sniffs br's first bytes; the returned func releases the
// decoder.
func decompress(br *bufio.Reader) (io.Reader, func(), error) {
	head, _ := br.Peek(4)
	switch {
	case bytes.HasPrefix(head, gzipMagic):
		z, err := gzip.NewReader(br)
		if err != nil {
			return nil, nil, err
		}
		return z, func() { z.Close() }, nil
	case bytes.HasPrefix(head, zstdMagic):
		z, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1))
		if err != nil {
			return nil, nil, err
		}
		return z, z.Close, nil
	}
	return br, func() {}, nil
}
