package source

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"lx.dev/lx/model"
)

// Files is an image's file contents as the explorer and lx extract read
// them: the ones kept while the image streamed (Kept), the others read
// again from its source when asked, as little of it as the source allows.
type Files struct {
	kept *Kept

	mu  sync.Mutex
	src Source
}

// NewFiles gives the contents kept and, once SetSource names it, the
// source's.
func NewFiles(kept *Kept) *Files { return &Files{kept: kept} }

// SetSource names the source files are read from again.
func (f *Files) SetSource(src Source) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.src = src
}

// ErrNoContent is the answer of a source that cannot read files again.
var ErrNoContent = errors.New("this source cannot read a file's bytes again")

// source is the source's ContentSource, looking through wrappers (--base).
func (f *Files) source() (ContentSource, error) {
	f.mu.Lock()
	src := f.src
	f.mu.Unlock()
	for src != nil {
		if cs, ok := src.(ContentSource); ok {
			return cs, nil
		}
		u, ok := src.(interface{ Unwrap() Source })
		if !ok {
			return nil, fmt.Errorf("%s: %w", src, ErrNoContent)
		}
		src = u.Unwrap()
	}
	return nil, errors.New("the image is not open yet")
}

// Kept is file ref's bytes, when they were kept as the image streamed.
func (f *Files) Kept(ref model.FileRef) ([]byte, bool) {
	if ref.Size == 0 {
		return []byte{}, true
	}
	return f.kept.Get(ref.Digest, ref.Size)
}

// Section is file ref's bytes in place, to be read at any offset, and
// what closes them; ok is false when the source cannot give them so (a
// compressed blob, a stream): Read them then.
func (f *Files) Section(ctx context.Context, ref model.FileRef) (r io.ReaderAt, c io.Closer, ok bool, err error) {
	cs, err := f.source()
	if err != nil {
		return nil, nil, false, err
	}
	ip, is := cs.(InPlacer)
	if !is {
		return nil, nil, false, nil
	}
	sr, closer, err := ip.FileAt(ctx, ref)
	switch {
	case errors.Is(err, ErrNotInPlace):
		return nil, nil, false, nil
	case err != nil:
		return nil, nil, false, err
	}
	return sr, closer, true, nil
}

// Read gives fn file ref's bytes: the kept ones, else read again from
// the source, progress told how far that read has come (total -1 when
// unknown). fn may stop reading early.
func (f *Files) Read(ctx context.Context, ref model.FileRef, progress func(read, total int64), fn func(io.Reader) error) error {
	if b, ok := f.Kept(ref); ok {
		return fn(bytes.NewReader(b))
	}
	cs, err := f.source()
	if err != nil {
		return err
	}
	var observe Observer
	if progress != nil {
		observe = func(ev Event) {
			if br, ok := ev.(BytesRead); ok {
				progress(br.Read, br.Total)
			}
		}
	}
	return cs.ReadFile(ctx, ref, observe, fn)
}
