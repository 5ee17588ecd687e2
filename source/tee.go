package source

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"
	"sync"
	"sync/atomic"
)

// hashingReader passes a stream through while two other goroutines do the
// work that need not sit on the parsing core: one reads (and decompresses)
// the stream ahead in large chunks, one computes its SHA-256 (the diffID).
// Chunks come from a small fixed pool and go back to it once both the
// hasher and the reader's consumer are done with them, so memory stays at
// pool size however long the stream.
type hashingReader struct {
	free  chan *chunk // chunks nobody holds
	ready chan *chunk // chunks read ahead, in stream order, for Read
	done  chan string // the hex digest, once the hasher has seen the end
	stop  chan struct{}
	wg    sync.WaitGroup

	cur   *chunk // the chunk being served to Read
	off   int
	n     int64 // bytes served
	err   error // the stream's end or failure, once reached
	ended bool
}

// chunk is one piece of the stream; refs counts who still reads it.
type chunk struct {
	b    []byte
	err  error // set on the last chunk: io.EOF or the read failure
	refs atomic.Int32
}

const (
	teeChunk  = 256 << 10
	teeChunks = 4
)

func newHashingReader(src io.Reader) *hashingReader {
	h := &hashingReader{
		free:  make(chan *chunk, teeChunks),
		ready: make(chan *chunk, teeChunks),
		done:  make(chan string, 1),
		stop:  make(chan struct{}),
	}
	for range teeChunks {
		h.free <- &chunk{b: make([]byte, teeChunk)}
	}
	toHash := make(chan *chunk, teeChunks)
	h.wg.Add(2)
	go h.readAhead(src, toHash)
	go h.hashChunks(sha256.New(), toHash)
	return h
}

// readAhead fills chunks from src, at least half full unless the stream
// ends so the hasher is not fed crumbs, and hands each to the hasher and
// to Read. It stops at the stream's end or when close says so.
func (h *hashingReader) readAhead(src io.Reader, toHash chan<- *chunk) {
	defer h.wg.Done()
	defer close(toHash)
	for {
		var c *chunk
		select {
		case c = <-h.free:
		case <-h.stop:
			return
		}
		n := 0
		var err error
		c.b = c.b[:cap(c.b)]
		for n < teeChunk/2 && err == nil {
			var m int
			m, err = src.Read(c.b[n:])
			n += m
		}
		c.b, c.err = c.b[:n], err
		c.refs.Store(2)
		toHash <- c // buffered as deep as the pool: never blocks
		select {
		case h.ready <- c:
		case <-h.stop:
			return
		}
		if err != nil {
			return
		}
	}
}

func (h *hashingReader) hashChunks(sum hash.Hash, toHash <-chan *chunk) {
	defer h.wg.Done()
	ok := false
	for c := range toHash {
		sum.Write(c.b)
		ok = c.err == io.EOF
		h.release(c)
	}
	if ok {
		h.done <- hex.EncodeToString(sum.Sum(nil))
	}
	close(h.done)
}

// release hands a chunk back to the pool once its last holder is done.
func (h *hashingReader) release(c *chunk) {
	if c.refs.Add(-1) == 0 {
		h.free <- c // the pool channel holds every chunk: never blocks
	}
}

func (h *hashingReader) Read(p []byte) (int, error) {
	for h.cur == nil || h.off == len(h.cur.b) {
		if h.err != nil {
			return 0, h.err
		}
		h.next()
	}
	n := copy(p, h.cur.b[h.off:])
	h.off += n
	h.n += int64(n)
	return n, nil
}

// next moves to the following chunk, giving back the one read out.
func (h *hashingReader) next() {
	if h.cur != nil {
		h.release(h.cur)
	}
	h.cur = <-h.ready
	h.off = 0
	h.err = h.cur.err
}

// Sum reads the stream to its end, then returns its SHA-256 as
// "sha256:<hex>" and its length. It must be called exactly once, and Read
// not after it.
func (h *hashingReader) Sum() (string, int64, error) {
	for {
		if h.cur != nil {
			h.n += int64(len(h.cur.b) - h.off)
			h.off = len(h.cur.b)
		}
		if h.err != nil {
			break
		}
		h.next()
	}
	err := h.err
	h.close()
	if err != io.EOF {
		return "", h.n, err
	}
	return "sha256:" + <-h.done, h.n, nil
}

// close stops the reader and the hasher and waits for both, so the stream
// beneath is the caller's alone again; safe to call more than once.
func (h *hashingReader) close() {
	if h.ended {
		return
	}
	h.ended = true
	close(h.stop)
	h.wg.Wait()
}
