package source

import (
	"archive/tar"
	"bufio"
	"context"
	"io"
	"os"
)

// archiveIndex is what the first step over a plain archive file keeps: the
// small JSON members, where every other member's bytes are, and the links
// between members. No blob is read.
type archiveIndex struct{ members[section] }

// section is where a member's bytes are in the archive file.
type section struct{ offset, size int64 }

// readSeekable reads a plain archive file: its index first, then the
// chosen image's layer blobs, each read once (a blob listed twice is
// decoded once and delivered for both), on every core (localblobs.go),
// each layer bound as it is read.
func readSeekable(ctx context.Context, f *os.File, opts Options, ref string, sink Sink) error {
	idx, err := indexArchive(ctx, f)
	if err != nil {
		return err
	}
	c, cfg, err := chooseImage(idx.meta, idx.v1IDs, opts, ref)
	if err != nil {
		return err
	}
	return readLocalImage(ctx, sink, c, cfg, opts.Keep, func(m string) (string, int64, func() (io.ReadCloser, error), error) {
		s, err := idx.blob(m)
		if err != nil {
			return "", 0, nil, err
		}
		return idx.resolve(m), s.size, func() (io.ReadCloser, error) {
			return io.NopCloser(io.NewSectionReader(f, s.offset, s.size)), nil
		}, nil
	})
}

// indexArchive walks the archive's headers, seeking over the members'
// bytes but for the JSON ones it keeps.
func indexArchive(ctx context.Context, f *os.File) (*archiveIndex, error) {
	idx := &archiveIndex{newMembers[section]()}
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	pos := &seekCounter{f: f}
	tr := tar.NewReader(pos)
	err = idx.walk(ctx, tr, true, func(name string, hdr *tar.Header) error {
		if pos.at+hdr.Size > st.Size() { // seeking past the end does not fail: say it here
			return io.ErrUnexpectedEOF
		}
		return idx.member(name, hdr.Size, pos.at, tr)
	})
	if err != nil {
		return nil, err
	}
	return idx, nil
}

// member looks at a member's first bytes: JSON is kept, anything else is
// noted by where it is (a layer blob, read later if the image needs it).
func (idx *archiveIndex) member(name string, size, offset int64, r io.Reader) error {
	br := bufio.NewReaderSize(r, 4096)
	head, err := br.Peek(min(512, int(size)))
	if err != nil && err != io.EOF {
		return err
	}
	if !isJSON(head, size) {
		idx.blobs[name] = section{offset, size}
		return nil
	}
	return idx.keepJSON(name, size, br)
}

// seekCounter is the archive file as tar reads its headers: it seeks over
// the members' bytes (tar skips them by seeking when it can) and knows
// where it is.
type seekCounter struct {
	f  io.ReadSeeker
	at int64
}

func (s *seekCounter) Read(p []byte) (int, error) {
	n, err := s.f.Read(p)
	s.at += int64(n)
	return n, err
}

func (s *seekCounter) Seek(offset int64, whence int) (int64, error) {
	at, err := s.f.Seek(offset, whence)
	if err == nil {
		s.at = at
	}
	return at, err
}
