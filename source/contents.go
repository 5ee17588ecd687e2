package source

// Reading one file again after the load, on demand: the load keeps no
// file's bytes (but the small text ones Kept takes), so a file the user
// opens is read from the source again, as little of it as the source
// allows.

import (
	"archive/tar"
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/cespare/xxhash/v2"

	"lx.dev/lx/model"
)

// ContentSource is a Source that reads one file's bytes again after its
// Load without reading the image again whole. Each source does it its own
// way: an archive file or a layout directory seeks to the layer's blob and
// reads it up to the file (archivecontent.go, dircontent.go); a stream (an
// engine's save, a wholly compressed archive) is read again up to that
// layer's blob, then stopped (engine_content.go). A registry source
// fetches that one blob.
type ContentSource interface {
	Source
	// ReadFile finds file f in layer f.Layer's blob and gives fn its
	// bytes, checked as they are read against f's size and hash: bytes
	// that are not those the load read are an error, never content.
	// observe gets the BytesRead events of what is read on the way. fn
	// must not keep r past its return.
	ReadFile(ctx context.Context, f model.FileRef, observe Observer, fn func(r io.Reader) error) error
}

// InPlacer is a ContentSource whose files may lie in place: in a plain
// (uncompressed) layer blob of an archive file or a layout directory, a
// file's bytes are one range of a file on disk, to be read at any offset
// without reading what comes before.
type InPlacer interface {
	// FileAt is the range of a file on disk that holds f's bytes, and
	// what closes it; ErrNotInPlace when f's layer blob is compressed.
	FileAt(ctx context.Context, f model.FileRef) (*io.SectionReader, io.Closer, error)
}

// ErrNotInPlace is FileAt's answer for a file whose bytes can only be
// streamed (its layer blob is compressed).
var ErrNotInPlace = errors.New("the file's bytes are not in place: its layer blob is compressed")

// errNoMember is the answer when a layer's blob lacks the file the load
// found there.
type errNoMember struct {
	f model.FileRef
}

func (e errNoMember) Error() string {
	return fmt.Sprintf("layer %d holds no file %s of %d bytes: the image changed since it was read; run lx again", e.f.Layer, model.DisplayPath(e.f.Path), e.f.Size)
}

// errChanged is the answer for bytes that are not those the load read.
func errChanged(f model.FileRef) error {
	return fmt.Errorf("the bytes of %s in layer %d are not those lx read before: the image changed since; run lx again", model.DisplayPath(f.Path), f.Layer)
}

// readMember walks a layer blob (plain, gzip or zstd) to file f and gives
// fn its bytes, checked against f.
func readMember(blob io.Reader, f model.FileRef, fn func(io.Reader) error) error {
	tr, done, err := untar(blob, 64<<10)
	if err != nil {
		return err
	}
	defer done()
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return errNoMember{f}
		}
		if err != nil {
			return fmt.Errorf("layer %d: %w", f.Layer, tarError(err))
		}
		if isMember(hdr, f) {
			return giveChecked(tr, f, fn)
		}
	}
}

// untar reads r as a tar, plain, gzip or zstd as its first bytes say,
// through a buffer of size bytes; done releases the decoder.
func untar(r io.Reader, size int) (tr *tar.Reader, done func(), err error) {
	br := bufio.NewReaderSize(r, size)
	plain, done, err := decompressor(br, sniffCompression(br))
	if err != nil {
		return nil, nil, err
	}
	return tar.NewReader(plain), done, nil
}

// isMember tells whether a layer tar's header is file f's: its name and
// its size (a path written twice in one layer is told apart by its size,
// and in the rare case of an equal one by its hash, after).
func isMember(hdr *tar.Header, f model.FileRef) bool {
	e, keep, _, err := entryOf(hdr)
	return err == nil && keep && e.Kind == model.KindRegular && e.Path == f.Path && hdr.Size == f.Size
}

// giveChecked gives fn the bytes of r, which must be f's: read to their
// end, their length and hash are checked, and a mismatch is fn's error.
func giveChecked(r io.Reader, f model.FileRef, fn func(io.Reader) error) error {
	c := &checkedReader{r: r, f: f, sum: xxhash.New()}
	if err := fn(c); err != nil {
		return err
	}
	if c.err == nil && c.n == f.Size && c.sum.Sum64() != f.Digest {
		c.err = errChanged(f) // read whole without reaching the end
	}
	// fn may stop early (it wanted the start): that part is not checked.
	return c.err
}

// checkedReader passes a file's bytes through and, at their end, checks
// them against what the load found: the read then ends with errChanged
// instead of io.EOF when they differ.
type checkedReader struct {
	r   io.Reader
	f   model.FileRef
	sum *xxhash.Digest
	n   int64
	err error
}

func (c *checkedReader) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.r.Read(p)
	c.sum.Write(p[:n])
	c.n += int64(n)
	switch {
	case c.n > c.f.Size:
		c.err = errChanged(c.f)
		return n, c.err
	case err == io.EOF && (c.n != c.f.Size || c.sum.Sum64() != c.f.Digest):
		c.err = errChanged(c.f)
		return n, c.err
	case err != nil && err != io.EOF:
		c.err = fmt.Errorf("%s in layer %d: %w", model.DisplayPath(c.f.Path), c.f.Layer, tarError(err))
		return n, c.err
	}
	return n, err
}

// streamMember reads an archive stream (a save, an archive file
// decompressed whole) to its member named member, then file f in it.
func streamMember(ctx context.Context, r io.Reader, member string, f model.FileRef, fn func(io.Reader) error) error {
	tr, done, err := untar(r, 1<<20)
	if err != nil {
		return err
	}
	defer done()
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		hdr, err := tr.Next()
		if err == io.EOF {
			return fmt.Errorf("layer %d's blob %s is not in the stream any more: the image changed since it was read; run lx again", f.Layer, member)
		}
		if err != nil {
			return outerError(err, 1, member)
		}
		if (hdr.Typeflag == tar.TypeReg || hdr.Typeflag == tar.TypeRegA) && memberName(hdr.Name) == member {
			return readMember(tr, f, fn)
		}
	}
}

// memberLog remembers which archive member each layer was read from, as
// a stream delivers its layers: a file is read from there again. Its zero
// value is ready.
type memberLog struct {
	mu sync.Mutex
	at map[int]string
}

// sink is s, noting the member of every layer delivered.
func (m *memberLog) sink(s Sink) Sink { return &loggingSink{Sink: s, log: m} }

// of is the member layer k was read from.
func (m *memberLog) of(k int) (string, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	name, ok := m.at[k]
	return name, ok && name != ""
}

type loggingSink struct {
	Sink
	log *memberLog
}

func (s *loggingSink) Layer(index int, l Layer) error {
	s.log.mu.Lock()
	if s.log.at == nil {
		s.log.at = map[int]string{}
	}
	s.log.at[index] = l.Member
	s.log.mu.Unlock()
	return s.Sink.Layer(index, l)
}

// errNotLogged is the answer for a layer whose member a stream never
// named (its load did not reach it).
func errNotLogged(k int) error {
	return fmt.Errorf("layer %d was not read from this source yet, so lx cannot find its files again", k)
}
