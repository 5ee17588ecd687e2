package source

// Reading a file again from an archive file or a layout directory: seek to
// its layer's blob and read just that blob up to the file. A plain blob's
// headers are walked by seeking over the members' bytes, and the file's
// bytes are then read in place; a compressed blob is decompressed up to
// the file. A wholly compressed archive cannot seek: it is read again up
// to the layer's blob, named as its load found it.

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"lx.dev/lx/model"
)

// archiveContent is what an Archive remembers to find its files again:
// its chosen image's layer blobs once indexed (a plain archive file), or
// the member each layer was read from (a compressed one, as it streamed).
type archiveContent struct {
	mu      sync.Mutex
	blobs   []section
	members memberLog
}

// errWhole says an archive file is compressed whole: it cannot seek.
var errWhole = errors.New("the archive is compressed whole")

// blob opens the archive file and finds layer k's blob in it, indexing
// the archive the first time (its headers only: the blobs are skipped).
// For a compressed archive it returns the file and errWhole.
func (a *Archive) blob(ctx context.Context, k int) (*os.File, section, error) {
	f, err := os.Open(a.Path)
	if err != nil {
		return nil, section{}, fmt.Errorf("%s: %w", a.Path, plainOSError(err))
	}
	if !plainFile(f) {
		return f, section{}, errWhole
	}
	a.content.mu.Lock()
	defer a.content.mu.Unlock()
	if a.content.blobs == nil {
		blobs, err := a.index(ctx, f)
		if err != nil {
			f.Close()
			return nil, section{}, fmt.Errorf("%s: %w", a.Path, err)
		}
		a.content.blobs = blobs
	}
	if k < 0 || k >= len(a.content.blobs) {
		f.Close()
		return nil, section{}, fmt.Errorf("%s: the image has no layer %d", a.Path, k)
	}
	return f, a.content.blobs[k], nil
}

// index is where the chosen image's layer blobs are in the archive file.
func (a *Archive) index(ctx context.Context, f *os.File) ([]section, error) {
	idx, err := indexArchive(ctx, f)
	if err != nil {
		return nil, err
	}
	c, _, err := chooseImage(idx.meta, idx.v1IDs, a.Opts, a.Path)
	if err != nil {
		return nil, err
	}
	blobs := make([]section, len(c.layers))
	for i, m := range c.layers {
		if blobs[i], err = idx.blob(m); err != nil {
			return nil, err
		}
	}
	return blobs, nil
}

// FileAt implements InPlacer.
func (a *Archive) FileAt(ctx context.Context, f model.FileRef) (*io.SectionReader, io.Closer, error) {
	file, sec, err := a.blob(ctx, f.Layer)
	if errors.Is(err, errWhole) {
		file.Close()
		return nil, nil, ErrNotInPlace
	}
	if err != nil {
		return nil, nil, err
	}
	return fileAt(file, sec, f)
}

// ReadFile implements ContentSource.
func (a *Archive) ReadFile(ctx context.Context, f model.FileRef, observe Observer, fn func(io.Reader) error) error {
	file, sec, err := a.blob(ctx, f.Layer)
	if errors.Is(err, errWhole) {
		defer file.Close()
		member, ok := a.content.members.of(f.Layer)
		if !ok {
			return fmt.Errorf("%s: %w", a.Path, errNotLogged(f.Layer))
		}
		total := int64(-1)
		if st, err := file.Stat(); err == nil {
			total = st.Size()
		}
		err = streamMember(ctx, newProgressReader(ctx, file, total, observe), member, f, fn)
	} else if err == nil {
		defer file.Close()
		err = readBlob(ctx, file, sec, f, observe, fn)
	}
	if err != nil && ctx.Err() == nil {
		return fmt.Errorf("%s: %w", a.Path, err)
	}
	return err
}

// dirContent is where a layout directory's chosen image's layer blobs
// are, once listed.
type dirContent struct {
	mu    sync.Mutex
	files []string
}

// blob opens layer k's blob file.
func (d *Dir) blob(k int) (*os.File, section, error) {
	d.content.mu.Lock()
	if d.content.files == nil {
		c, _, err := chooseImage(d.meta, d.v1IDs, d.Opts, d.Path)
		if err != nil {
			d.content.mu.Unlock()
			return nil, section{}, fmt.Errorf("%s: %w", d.Path, err)
		}
		for _, m := range c.layers {
			d.content.files = append(d.content.files, d.file(m))
		}
	}
	files := d.content.files
	d.content.mu.Unlock()
	if k < 0 || k >= len(files) {
		return nil, section{}, fmt.Errorf("%s: the image has no layer %d", d.Path, k)
	}
	f, err := os.Open(files[k])
	if err != nil {
		return nil, section{}, fmt.Errorf("%s: %w", files[k], plainOSError(err))
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, section{}, fmt.Errorf("%s: %w", files[k], plainOSError(err))
	}
	return f, section{0, st.Size()}, nil
}

// FileAt implements InPlacer.
func (d *Dir) FileAt(_ context.Context, f model.FileRef) (*io.SectionReader, io.Closer, error) {
	file, sec, err := d.blob(f.Layer)
	if err != nil {
		return nil, nil, err
	}
	return fileAt(file, sec, f)
}

// ReadFile implements ContentSource.
func (d *Dir) ReadFile(ctx context.Context, f model.FileRef, observe Observer, fn func(io.Reader) error) error {
	file, sec, err := d.blob(f.Layer)
	if err != nil {
		return err
	}
	defer file.Close()
	err = readBlob(ctx, file, sec, f, observe, fn)
	if err != nil && ctx.Err() == nil {
		return fmt.Errorf("%s: %w", d.Path, err)
	}
	return err
}

// fileAt finds file f in place in the blob at sec of file, which it
// closes unless it returns the range (then the closer closes it).
func fileAt(file *os.File, sec section, f model.FileRef) (*io.SectionReader, io.Closer, error) {
	r, err := inPlace(file, sec, f)
	if err != nil {
		file.Close()
		return nil, nil, err
	}
	return r, file, nil
}

// readBlob reads file f from the blob at sec of file: in place when the
// blob is a plain tar, else decompressed up to it.
func readBlob(ctx context.Context, file *os.File, sec section, f model.FileRef, observe Observer, fn func(io.Reader) error) error {
	r, err := inPlace(file, sec, f)
	switch {
	case err == nil:
		return giveChecked(newProgressReader(ctx, r, f.Size, observe), f, fn)
	case errors.Is(err, ErrNotInPlace):
		return readMember(newProgressReader(ctx, io.NewSectionReader(file, sec.offset, sec.size), sec.size, observe), f, fn)
	}
	return err
}

// inPlace finds file f in the blob at sec of r, when the blob is a plain
// tar: its headers are read, the members' bytes skipped by seeking, and
// the range of f's bytes returned (the last of its name and size, as a
// layer's later entry wins). ErrNotInPlace for a compressed blob, or a
// sparse file, whose bytes are not one range.
func inPlace(r io.ReaderAt, sec section, f model.FileRef) (*io.SectionReader, error) {
	blob := io.NewSectionReader(r, sec.offset, sec.size)
	head := make([]byte, 4)
	n, _ := blob.ReadAt(head, 0)
	if bytes.HasPrefix(head[:n], gzipMagic) || bytes.HasPrefix(head[:n], zstdMagic) {
		return nil, ErrNotInPlace
	}
	pos := &seekCounter{f: blob}
	tr := tar.NewReader(pos)
	var found *io.SectionReader
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("layer %d: %w", f.Layer, tarError(err))
		}
		if !isMember(hdr, f) {
			continue
		}
		if hdr.Typeflag == tar.TypeGNUSparse || hdr.PAXRecords["GNU.sparse.major"] != "" {
			return nil, ErrNotInPlace
		}
		found = io.NewSectionReader(r, sec.offset+pos.at, hdr.Size)
	}
	if found == nil {
		return nil, errNoMember{f}
	}
	return found, nil
}
