// Command floor is the floor lx report is measured against: it streams an
// image archive through the work no reader of it can skip, and nothing else.
//
//	go run ./bench/floor ARCHIVE
//
// That work is: parse the outer tar; for every member that is a layer blob,
// decompress it when it is gzip or zstd, take the SHA-256 of the
// uncompressed bytes (the diffID every layer must be checked against) and
// parse the layer's own tar headers. The hash runs on a second goroutine, as
// lx's does, and the tar parsing on a third, so on two cores the floor is
// about the time of the SHA-256 alone when blobs are plain.
// lx does all this too, plus an xxhash of every file's bytes, the path
// table, the waste accounting and the report.
package main

import (
	"archive/tar"
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

func main() {
	if len(os.Args) != 2 || os.Args[1] == "" || os.Args[1][0] == '-' {
		fmt.Fprintln(os.Stderr, "usage: floor ARCHIVE")
		os.Exit(2)
	}
	start := time.Now()
	st, err := run(os.Args[1])
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		fmt.Fprintf(os.Stderr, "floor: %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
	fmt.Printf("%d layers, %d layer members, %d MB uncompressed, %.2fs\n",
		st.layers, st.members, st.bytes/1e6, time.Since(start).Seconds())
}

type stats struct {
	layers, members int
	bytes           int64
}

var (
	gzipMagic = []byte{0x1f, 0x8b}
	zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}
)

func run(name string) (stats, error) {
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
	tr := tar.NewReader(outer)
	for {
		hdr, err := tr.Next()
		if err == io.EOF && st.layers == 0 {
			return st, errors.New("no layer blob in the archive")
		}
		if err == io.EOF {
			return st, nil
		}
		if err != nil {
			return st, err
		}
		if hdr.Typeflag != tar.TypeReg {
			continue
		}
		br := bufio.NewReaderSize(tr, 64<<10)
		head, _ := br.Peek(512)
		if !isBlob(head) {
			continue // JSON and the like: skipped by the outer reader
		}
		plain, closePlain, err := decompress(br)
		if err != nil {
			return st, fmt.Errorf("%s: %w", hdr.Name, err)
		}
		n, members, digest, err := layer(plain)
		closePlain()
		if err != nil {
			return st, fmt.Errorf("%s: %w", hdr.Name, err)
		}
		st.layers++
		st.members += members
		st.bytes += n
		fmt.Fprintf(os.Stderr, "%s sha256:%s\n", hdr.Name, digest)
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

// Chunks of a layer stream: the reader fills them, and both the hasher and
// the parser see each one before it is reused.
const (
	chunkSize = 1 << 20
	chunks    = 8
)

type chunk struct {
	b    []byte
	refs atomic.Int32
}

// layer reads r in chunks on this goroutine and hands each chunk to two
// others: one takes the SHA-256, one parses the tar it carries. It returns
// the byte count, the number of tar members and the hex digest.
func layer(r io.Reader) (int64, int, string, error) {
	free := make(chan *chunk, chunks)
	for range chunks {
		free <- &chunk{b: make([]byte, chunkSize)}
	}
	release := func(c *chunk) {
		if c.refs.Add(-1) == 0 {
			free <- c
		}
	}
	toHash, toParse := make(chan *chunk, chunks), make(chan *chunk, chunks)
	digest := make(chan string, 1)
	go func() {
		sum := sha256.New()
		for c := range toHash {
			sum.Write(c.b)
			release(c)
		}
		digest <- hex.EncodeToString(sum.Sum(nil))
	}()
	parsed := make(chan parseResult, 1)
	go func() {
		cr := &chunkReader{in: toParse, release: release}
		members, err := parse(cr)
		cr.drain()
		parsed <- parseResult{members, err}
	}()

	var n int64
	var err error
	for err == nil {
		c := <-free
		var k int
		k, err = io.ReadFull(r, c.b[:cap(c.b)])
		if k == 0 {
			free <- c
			continue
		}
		c.b = c.b[:k]
		n += int64(k)
		c.refs.Store(2)
		toHash <- c
		toParse <- c
	}
	close(toHash)
	close(toParse)
	p := <-parsed
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		err = p.err
	}
	return n, p.members, <-digest, err
}

type parseResult struct {
	members int
	err     error
}

// chunkReader serves the chunks of a channel as one stream.
type chunkReader struct {
	in      <-chan *chunk
	release func(*chunk)
	cur     *chunk
	off     int
}

func (r *chunkReader) Read(p []byte) (int, error) {
	for r.cur == nil || r.off == len(r.cur.b) {
		if r.cur != nil {
			r.release(r.cur)
			r.cur = nil
		}
		c, ok := <-r.in
		if !ok {
			return 0, io.EOF
		}
		r.cur, r.off = c, 0
	}
	n := copy(p, r.cur.b[r.off:])
	r.off += n
	return n, nil
}

// drain releases every chunk the parser did not need (the tar's end
// padding, or all that follows a parse error).
func (r *chunkReader) drain() {
	if r.cur != nil {
		r.release(r.cur)
		r.cur = nil
	}
	for c := range r.in {
		r.release(c)
	}
}

// parse reads every tar header; file bytes are skipped by reading through
// them.
func parse(r io.Reader) (int, error) {
	tr := tar.NewReader(r)
	members := 0
	for {
		_, err := tr.Next()
		if err == io.EOF {
			return members, nil
		}
		if err != nil {
			return members, errors.Join(errors.New("layer tar"), err)
		}
		members++
	}
}
