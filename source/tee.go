package source

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"
)

// hashingReader passes a stream through while a second goroutine computes
// its SHA-256, so the diffID costs no time on the parsing core. Bytes are
// read in large chunks from a small fixed pool; the hasher hands each chunk
// back when done, so memory stays at pool size however long the stream.
type hashingReader struct {
	src   io.Reader
	free  chan []byte // chunks the hasher has finished with
	full  chan []byte // chunks waiting to be hashed
	done  chan string // the hex digest, once full is closed
	cur   []byte      // the chunk being served to Read
	off   int
	n     int64 // bytes served
	err   error
	ended bool
}

const (
	teeChunk  = 256 << 10
	teeChunks = 4
)

func newHashingReader(src io.Reader) *hashingReader {
	h := &hashingReader{
		src:  src,
		free: make(chan []byte, teeChunks),
		full: make(chan []byte, teeChunks),
		done: make(chan string, 1),
	}
	for range teeChunks {
		h.free <- make([]byte, teeChunk)
	}
	go hashChunks(sha256.New(), h.full, h.free, h.done)
	return h
}

func hashChunks(sum hash.Hash, full <-chan []byte, free chan<- []byte, done chan<- string) {
	for c := range full {
		sum.Write(c)
		free <- c[:cap(c)]
	}
	done <- hex.EncodeToString(sum.Sum(nil))
}

func (h *hashingReader) Read(p []byte) (int, error) {
	for h.off == len(h.cur) {
		if h.err != nil {
			return 0, h.err
		}
		h.fill()
	}
	n := copy(p, h.cur[h.off:])
	h.off += n
	h.n += int64(n)
	return n, nil
}

// fill reads the next chunk, at least half full unless the stream ends, so
// the hasher is not fed crumbs.
func (h *hashingReader) fill() {
	c := <-h.free
	n := 0
	var err error
	for n < teeChunk/2 && err == nil {
		var m int
		m, err = h.src.Read(c[n:])
		n += m
	}
	h.cur, h.off, h.err = c[:n], 0, err
	if n > 0 {
		h.full <- h.cur
	}
}

// Sum reads src to its end, then returns the stream's SHA-256 as
// "sha256:<hex>" and its length. It must be called exactly once, and Read
// not after it.
func (h *hashingReader) Sum() (string, int64, error) {
	for h.err == nil {
		h.n += int64(len(h.cur) - h.off)
		h.off = len(h.cur)
		h.fill()
	}
	h.n += int64(len(h.cur) - h.off)
	h.off = len(h.cur)
	h.close()
	if h.err != io.EOF {
		return "", h.n, h.err
	}
	return "sha256:" + <-h.done, h.n, nil
}

// close stops the hasher; safe to call more than once.
func (h *hashingReader) close() {
	if !h.ended {
		h.ended = true
		close(h.full)
	}
}
