package source

import (
	"context"
	"io"
)

// progressReader counts bytes for Options.Progress and stops a read when
// the context is cancelled.
type progressReader struct {
	ctx      context.Context
	r        io.Reader
	total    int64
	read     int64
	reported int64
	report   func(Progress)
}

const progressEvery = 512 << 10

func newProgressReader(ctx context.Context, r io.Reader, total int64, report func(Progress)) io.Reader {
	return &progressReader{ctx: ctx, r: r, total: total, report: report}
}

func (p *progressReader) Read(b []byte) (int, error) {
	if err := p.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := p.r.Read(b)
	p.read += int64(n)
	if p.report != nil && (p.read-p.reported >= progressEvery || err == io.EOF) {
		p.reported = p.read
		p.report(Progress{Read: p.read, Total: p.total})
	}
	return n, err
}
