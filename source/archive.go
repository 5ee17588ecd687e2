package source

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"lx.dev/lx/model"
)

// maxMeta bounds a JSON member (manifest, index, config) held in memory.
const maxMeta = 32 << 20

// Archive reads a docker save-like tar: the legacy layout, the OCI layout
// Docker 25+ and the containerd image store write, podman save and OCI
// archives, plain or wholly compressed. A plain archive file is read in
// two steps: its headers and small JSON members first (seeking over the
// blobs), then the chosen image's layer blobs, each once, in layer order,
// so every layer is bound as soon as it is read. A compressed archive
// cannot seek: it is read once front to back, each blob decoded as it
// passes and bound when the manifest (often the last member) says where.
type Archive struct {
	Path string
	Opts Options

	content archiveContent // where its files are, to read them again (archivecontent.go)
}

func (a *Archive) String() string { return a.Path }

// Load implements Source.
func (a *Archive) Load(ctx context.Context, sink Sink) error {
	f, err := os.Open(a.Path)
	if err != nil {
		return fmt.Errorf("%s: %w", a.Path, plainOSError(err))
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("%s: %w", a.Path, plainOSError(err))
	}
	if st.Mode().IsRegular() && plainFile(f) {
		err = readSeekable(ctx, f, a.Opts, a.Path, sink)
	} else {
		total, why := int64(-1), "a stream cannot seek ahead to its manifest"
		if st.Mode().IsRegular() {
			total, why = st.Size(), "a compressed archive cannot seek ahead to its manifest"
		}
		sink.Observe(Deferred{Why: why})
		err = ReadArchive(ctx, newProgressReader(ctx, f, total, sink.Observe), a.Opts, a.Path, nil, a.content.members.sink(sink))
	}
	if err != nil {
		return fmt.Errorf("%s: %w", a.Path, err)
	}
	return nil
}

// plainFile tells whether an archive file is a plain tar (not wholly
// compressed), leaving it at its start.
func plainFile(f *os.File) bool {
	head := make([]byte, 4)
	n, _ := io.ReadFull(f, head)
	f.Seek(0, io.SeekStart)
	return !bytes.HasPrefix(head[:n], gzipMagic) && !bytes.HasPrefix(head[:n], zstdMagic)
}

// ReadArchive reads one archive stream, front to back, and feeds the
// chosen image to sink. ref names the image when the archive does not (no
// tag inside). expect, when known before the stream (an engine's inspect),
// is the image's diffIDs: a layer blob is then bound as soon as its own
// diffID is computed, at its end; the others are bound once the manifest
// is read.
func ReadArchive(ctx context.Context, r io.Reader, opts Options, ref string, expect []string, sink Sink) error {
	var bind func(Layer) (bool, error)
	delivered := make([]bool, len(expect))
	if len(expect) > 0 {
		bind = func(l Layer) (bool, error) {
			bound := false
			for i, d := range expect {
				if d == l.DiffID && !delivered[i] {
					delivered[i], bound = true, true
					if err := sink.Layer(i, l); err != nil {
						return true, err
					}
				}
			}
			return bound, nil
		}
	}
	scan, err := scanArchive(ctx, r, bind, opts.Keep)
	if err != nil {
		return err
	}
	c, cfg, err := chooseImage(scan.meta, scan.v1IDs, opts, ref)
	if err != nil {
		return err
	}
	if len(expect) > 0 && !slices.Equal(expect, cfg.DiffIDs) {
		return fmt.Errorf("the image changed while it was read (its layers were %d, the saved config lists %d, not the same); run lx again", len(expect), len(cfg.DiffIDs))
	}
	return deliver(sink, c, cfg, delivered, func(i int) (Layer, error) { return scan.blob(c.layers[i]) })
}

// deliver hands the chosen image to sink: its config, then each layer
// that done does not mark as delivered already, as read gives it, in
// layer order, its diffID checked against the config's. A pre-1.10 docker
// save lists no diffIDs: its layers are read first, each once, and held
// (entries only) until the last is read, then given with the config their
// diffIDs complete.
func deliver(sink Sink, c candidate, cfg model.Config, done []bool, read func(i int) (Layer, error)) error {
	if !c.v1 {
		if err := sink.Config(cfg); err != nil {
			return err
		}
	}
	var held []Layer
	for i, m := range c.layers {
		if i < len(done) && done[i] {
			continue
		}
		l, err := read(i)
		switch {
		case err != nil:
			return err
		case c.v1:
			cfg.DiffIDs[i] = l.DiffID
			held = append(held, l)
			continue
		case l.DiffID != cfg.DiffIDs[i]:
			return diffIDMismatch(m, l.DiffID, cfg.DiffIDs[i])
		}
		if err := sink.Layer(i, l); err != nil {
			return err
		}
	}
	if !c.v1 {
		return nil
	}
	if err := sink.Config(cfg); err != nil {
		return err
	}
	for i, l := range held {
		if err := sink.Layer(i, l); err != nil {
			return err
		}
	}
	return nil
}

// diffIDMismatch is the error for a blob whose bytes are not the layer
// the config lists.
func diffIDMismatch(member, got, want string) error {
	return fmt.Errorf("%s: diffID mismatch: the bytes hash to %s, the image config says %s", member, got, want)
}

// archiveScan is what one pass over an archive keeps: the small JSON
// members, every layer blob decoded (entries only) that was not bound on
// the way, and the links between members (docker save links a layer saved
// twice to its first copy).
type archiveScan struct {
	members[Layer]
	bind func(Layer) (bool, error)
	kept *Kept
}

// scanArchive reads an archive stream once. bind, when set, takes each
// layer blob as it is decoded; the ones it does not bind are kept for the
// manifest. kept takes the small files that look like text.
func scanArchive(ctx context.Context, r io.Reader, bind func(Layer) (bool, error), kept *Kept) (*archiveScan, error) {
	br := bufio.NewReaderSize(r, 1<<20)
	comp := sniffCompression(br)
	outer, closeOuter, err := decompressor(br, comp)
	if err != nil {
		return nil, err
	}
	defer closeOuter()
	s := &archiveScan{members: newMembers[Layer](), bind: bind, kept: kept}
	tr := tar.NewReader(outer)
	err = s.walk(ctx, tr, comp == Plain, func(name string, hdr *tar.Header) error {
		return s.member(name, hdr.Size, tr)
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// member sorts one archive member by its bytes: JSON is kept, a tar
// (plain, gzip or zstd) is decoded as a layer, anything else is noted.
func (s *archiveScan) member(name string, size int64, r io.Reader) error {
	br := bufio.NewReaderSize(r, 64<<10)
	head, err := br.Peek(512)
	if err != nil && err != io.EOF {
		return err
	}
	switch {
	case isJSON(head, size):
		return s.keepJSON(name, size, br)
	case bytes.HasPrefix(head, gzipMagic), bytes.HasPrefix(head, zstdMagic), looksLikeTar(head):
		l, err := readLayer(br, s.kept)
		if err != nil {
			return err
		}
		l.Member = name
		if s.bind != nil {
			bound, err := s.bind(l)
			if err != nil || bound {
				s.blobs[name] = Layer{DiffID: l.DiffID} // bound: its entries are the model's now
				return err
			}
		}
		s.blobs[name] = l
	default:
		s.unreadable[name] = "neither a tar nor gzip- or zstd-compressed"
	}
	return nil
}

func looksLikeJSON(head []byte) bool {
	t := bytes.TrimLeft(head, " \t\r\n")
	return len(t) > 0 && (t[0] == '{' || t[0] == '[')
}

// looksLikeTar checks the first header block: a valid checksum, or the
// all-zero block an empty tar starts with.
func looksLikeTar(head []byte) bool {
	if len(head) < 512 {
		return false
	}
	zero := true
	for _, b := range head[:512] {
		if b != 0 {
			zero = false
			break
		}
	}
	if zero {
		return true
	}
	field := strings.TrimRight(strings.TrimLeft(string(head[148:156]), " "), " \x00")
	var want int64
	for _, c := range field {
		if c < '0' || c > '7' {
			return false
		}
		want = want*8 + int64(c-'0')
	}
	var sum int64
	for i, b := range head[:512] {
		if i >= 148 && i < 156 {
			b = ' '
		}
		sum += int64(b)
	}
	return field != "" && sum == want
}

// errNotTar is the answer for a file that is not a tar at all.
var errNotTar = errors.New("not a tar file, so not an image archive (docker save, podman save or OCI archive)")

// outerError explains a failure of the archive's own tar structure.
func outerError(err error, n int, last string) error {
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		if last == "" {
			return fmt.Errorf("truncated archive")
		}
		return fmt.Errorf("truncated archive: the data ends inside member %s", last)
	case errors.Is(err, tar.ErrHeader) && n == 0:
		return fmt.Errorf("not a tar archive")
	case errors.Is(err, tar.ErrHeader):
		return fmt.Errorf("corrupt archive: invalid header after member %s", last)
	}
	return err
}

// plainOSError drops the "open PATH:" prefix os errors carry, since the
// caller names the path already.
func plainOSError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
