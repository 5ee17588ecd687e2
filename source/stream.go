package source

import (
	"context"
	"fmt"
	"io"

	"lx.dev/lx/model"
)

// Stream is an archive that can be produced again from its start, such
// as the demo image built into lx: Open gives its bytes each time. It
// loads as ReadArchive reads an archive stream, and reads a file again as
// an engine's save is read again: up to the layer's member, then the file.
type Stream struct {
	Name string // what String says
	Ref  string // names the image when the archive does not
	Opts Options
	Open func() (io.Reader, error)

	members memberLog
}

func (s *Stream) String() string { return s.Name }

// Load implements Source.
func (s *Stream) Load(ctx context.Context, sink Sink) error {
	r, err := s.Open()
	if err == nil {
		err = ReadArchive(ctx, newProgressReader(ctx, r, length(r), sink.Observe), s.Opts, s.Ref, nil, s.members.sink(sink))
	}
	if err != nil {
		return fmt.Errorf("%s: %w", s.Name, err)
	}
	return nil
}

// ReadFile implements ContentSource.
func (s *Stream) ReadFile(ctx context.Context, f model.FileRef, observe Observer, fn func(io.Reader) error) error {
	member, ok := s.members.of(f.Layer)
	if !ok {
		return fmt.Errorf("%s: %w", s.Name, errNotLogged(f.Layer))
	}
	r, err := s.Open()
	if err == nil {
		err = streamMember(ctx, newProgressReader(ctx, r, length(r), observe), member, f, fn)
	}
	if err != nil && ctx.Err() == nil {
		return fmt.Errorf("%s: %w", s.Name, err)
	}
	return err
}

// length is r's length when it knows it (bytes.Reader does), else -1.
func length(r io.Reader) int64 {
	if l, ok := r.(interface{ Len() int }); ok {
		return int64(l.Len())
	}
	return -1
}
