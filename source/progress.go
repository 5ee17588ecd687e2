package source

import (
	"context"
	"io"
	"sync"
)

// progressReader counts bytes for the BytesRead events and stops a read
// when the context is cancelled. base is added to what it counts (a
// directory's earlier blobs).
type progressReader struct {
	ctx         context.Context
	r           io.Reader
	base, total int64
	approximate bool
	read        int64
	reported    int64
	started     bool // the first bytes were reported: the stream's start
	observe     Observer
}

const progressEvery = 512 << 10

func newProgressReader(ctx context.Context, r io.Reader, total int64, observe Observer) *progressReader {
	return &progressReader{ctx: ctx, r: r, total: total, observe: observe}
}

func (p *progressReader) Read(b []byte) (int, error) {
	if err := p.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := p.r.Read(b)
	p.read += int64(n)
	if p.observe != nil && (p.read-p.reported >= progressEvery || err == io.EOF || !p.started && n > 0) {
		p.reported, p.started = p.read, true
		p.observe(BytesRead{Read: p.base + p.read, Total: p.total, Approximate: p.approximate})
	}
	return n, err
}

// sharedProgress adds up the bytes of every blob being read at once (a
// registry's fetches, a local image's blobs read on every core) into one
// BytesRead stream, its total the blobs' sizes.
type sharedProgress struct {
	observe Observer

	mu       sync.Mutex
	total    int64
	read     int64
	reported int64
	started  bool
}

func (p *sharedProgress) add(n int) {
	if p == nil || n == 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.read += int64(n)
	if p.read-p.reported >= progressEvery || p.read == p.total || !p.started {
		p.reported, p.started = p.read, true
		p.observe.send(BytesRead{Read: p.read, Total: p.total})
	}
}
