package main

// The pre-issue-14 floor (-sha256): each layer's SHA-256 on one goroutine,
// its tar headers parsed on another, no xxhash. Kept to compare with the
// figures measured against it; the default floor is in main.go.

import (
	"archive/tar"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"sync/atomic"
)

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

// shaLayer reads r in chunks on this goroutine and hands each chunk to two
// others: one takes the SHA-256, one parses the tar it carries (and, with
// a file hasher, hashes its files as the defined floor does). It prints
// the digest and adds the bytes and members to st.
func shaLayer(r io.Reader, name string, st *stats, files *fileHasher) error {
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
		if files != nil {
			err := files.layer(cr, st) // st is the parser's until parsed is sent
			cr.drain()
			parsed <- parseResult{0, err}
			return
		}
		members, err := parseHeaders(cr)
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
	d := <-digest
	if err != nil {
		return err
	}
	st.members += p.members
	if files == nil {
		st.bytes += n
	}
	fmt.Fprintf(os.Stderr, "%s sha256:%s\n", name, d)
	return nil
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

// parseHeaders reads every tar header; file bytes are skipped by reading
// through them.
func parseHeaders(r io.Reader) (int, error) {
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
