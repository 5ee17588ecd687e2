package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"sync/atomic"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"lx.dev/lx/model"
	"lx.dev/lx/model/report"
)

// Contents reads the bytes of the image's files for the viewer, the
// extraction and the clipboard. main gives it, as Load gets an
// AnalyzeFunc: the contents kept while the image streamed, and the
// source's reads on demand. Its methods may block: screens call them in
// commands, never in Update.
type Contents interface {
	// Kept is f's bytes when they were kept as the image streamed.
	Kept(f model.FileRef) ([]byte, bool)
	// Section is f's bytes in place, to be read at any offset, and what
	// closes them; ok is false when the source cannot give them so (a
	// compressed layer blob, an engine's stream): Read them then.
	Section(ctx context.Context, f model.FileRef) (r io.ReaderAt, c io.Closer, ok bool, err error)
	// Read gives fn f's bytes, kept or read from the source again (an
	// engine saves the image again up to the layer), progress told how far
	// that read has come (total -1 when unknown). fn may stop early.
	Read(ctx context.Context, f model.FileRef, progress func(read, total int64), fn func(io.Reader) error) error
}

// What the viewer reads of a file, at most.
const (
	sniffBytes = 8 << 10  // a NUL byte in these makes a file binary
	hexBytes   = 64 << 10 // a binary file shows this much, in hex
	holdBytes  = 64 << 20 // a file read from a stream is held up to here
	diffBytes  = 4 << 20  // each side of a diff, at most
	maxLines   = 2 << 20  // the lines of a file the viewer indexes
	lineBytes  = 16 << 10 // the bytes of one line shown (and scrolled to)
	clipBytes  = 1 << 20  // Y copies a file up to this size
)

// doc is one file's bytes as the viewer shows them: the text's line
// starts, or the first bytes of a binary in hex. Only what the source
// cannot give in place is held: a kept file's bytes, or what a stream
// gave, up to holdBytes.
type doc struct {
	ref    model.FileRef
	r      io.ReaderAt
	n      int64 // the bytes r holds: ref.Size, or less when cut
	closer io.Closer
	binary bool
	hex    []byte  // a binary's first bytes
	starts []int64 // a text's line starts; the last line ends at n
	cut    string  // why not all of the file is shown, "" when it is
}

// lines is the text's number of lines.
func (d *doc) lines() int { return len(d.starts) }

// line is line i's bytes, without its newline, up to lineBytes.
func (d *doc) line(i int) []byte {
	if i < 0 || i >= len(d.starts) {
		return nil
	}
	end := d.n
	if i+1 < len(d.starts) {
		end = d.starts[i+1]
	}
	b := make([]byte, min(end-d.starts[i], lineBytes))
	n, _ := d.r.ReadAt(b, d.starts[i])
	b = bytes.TrimSuffix(b[:n], []byte{'\n'})
	return bytes.TrimSuffix(b, []byte{'\r'})
}

// text is the whole text, for a diff; errTooBig past diffBytes.
func (d *doc) text() (string, error) {
	if d.binary {
		return "", errBinary
	}
	if d.n > diffBytes || d.cut != "" {
		return "", errTooBig
	}
	b := make([]byte, d.n)
	if _, err := d.r.ReadAt(b, 0); err != nil && err != io.EOF {
		return "", err
	}
	return string(b), nil
}

var (
	errNoContents = errors.New("lx cannot read files from this source")
	errBinary     = errors.New("binary")
	errTooBig     = fmt.Errorf("over %s", size(diffBytes))
)

func (d *doc) close() {
	if d != nil && d.closer != nil {
		d.closer.Close()
		d.closer = nil
	}
}

// fileLoad is one file read for a screen, off the update loop: its
// progress (read by the screen at its ticks), its cancel, and the docs it
// opened, closed with it however it ends.
type fileLoad struct {
	ctx         context.Context
	cancel      context.CancelFunc
	read, total atomic.Int64

	mu     sync.Mutex
	closed bool
	docs   []*doc
}

func newFileLoad() *fileLoad {
	ctx, cancel := context.WithCancel(context.Background())
	l := &fileLoad{ctx: ctx, cancel: cancel}
	l.total.Store(-1)
	return l
}

func (l *fileLoad) progress(read, total int64) { l.read.Store(read); l.total.Store(total) }

// keep takes d to close with the load; a load already closed closes it.
func (l *fileLoad) keep(d *doc) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		d.close()
		return
	}
	l.docs = append(l.docs, d)
}

// close cancels the read and closes what it opened.
func (l *fileLoad) close() {
	if l == nil {
		return
	}
	l.cancel()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	for _, d := range l.docs {
		d.close()
	}
	l.docs = nil
}

// readProgress is a read under way as a screen shows it: a spinner, and
// the read's progress taken at each of its ticks.
type readProgress struct {
	spin        spinner.Model
	read, total int64
}

func newReadProgress() readProgress {
	return readProgress{spin: spinner.New(spinner.WithSpinner(spinner.MiniDot))}
}

// tick turns the spinner and takes l's progress; the next tick follows.
func (p *readProgress) tick(msg spinner.TickMsg, l *fileLoad) tea.Cmd {
	var cmd tea.Cmd
	p.spin, cmd = p.spin.Update(msg)
	p.read, p.total = l.read.Load(), l.total.Load()
	return cmd
}

// openDoc reads file f for the viewer: kept bytes at once; bytes in place
// read where they lie; others read from the source and held, up to
// holdBytes. It works out the text's lines, or takes a binary's first
// bytes.
func openDoc(l *fileLoad, contents Contents, f model.FileRef) (*doc, error) {
	if contents == nil {
		return nil, errNoContents
	}
	d := &doc{ref: f, n: f.Size}
	if b, ok := contents.Kept(f); ok {
		d.r = bytes.NewReader(b)
	} else if r, c, ok, err := contents.Section(l.ctx, f); err != nil {
		return nil, err
	} else if ok {
		d.r, d.closer = r, c
		l.keep(d)
	} else {
		var held []byte
		err := contents.Read(l.ctx, f, l.progress, func(r io.Reader) error {
			var err error
			held, err = io.ReadAll(io.LimitReader(r, holdBytes))
			return err
		})
		if err != nil {
			return nil, err
		}
		d.r, d.n = bytes.NewReader(held), int64(len(held))
		if d.n < f.Size {
			d.cut = fmt.Sprintf("the first %s of %s are shown", size(d.n), size(f.Size))
		}
	}
	return d, d.index(l.ctx)
}

// index sniffs the file and, for text, finds where its lines start.
func (d *doc) index(ctx context.Context) error {
	head := make([]byte, min(d.n, hexBytes))
	n, err := d.r.ReadAt(head, 0)
	if err != nil && err != io.EOF {
		return err
	}
	head = head[:n]
	if bytes.IndexByte(head[:min(len(head), sniffBytes)], 0) >= 0 {
		d.binary, d.hex = true, head
		return nil
	}
	d.starts = []int64{0}
	buf := make([]byte, 1<<20)
	for off := int64(0); off < d.n; {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, err := d.r.ReadAt(buf[:min(int64(len(buf)), d.n-off)], off)
		if n == 0 && err != nil {
			return err
		}
		if off == 0 && d.n > int64(n) {
			// Room for as many lines as the first chunk's say the file
			// has, so the index does not grow (and copy) a step at a time.
			est := int64(bytes.Count(buf[:n], []byte{'\n'})+1) * (d.n/int64(n) + 1)
			d.starts = slices.Grow(d.starts, int(min(est, maxLines)))
		}
		for i, b := 0, buf[:n]; ; {
			j := bytes.IndexByte(b[i:], '\n')
			if j < 0 {
				break
			}
			i += j + 1
			if at := off + int64(i); at < d.n {
				if len(d.starts) == maxLines {
					d.n = at
					d.cut = fmt.Sprintf("the first %s lines are shown", report.Commas(maxLines))
					return nil
				}
				d.starts = append(d.starts, at)
			}
		}
		off += int64(n)
	}
	if d.n == 0 {
		d.starts = nil // an empty file has no line
	}
	return nil
}
