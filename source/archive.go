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
	"path"
	"strings"
)

// maxMeta bounds a JSON member (manifest, index, config) held in memory.
const maxMeta = 32 << 20

// Archive reads a docker save-like tar stream: the legacy layout, the OCI
// layout Docker 25+ and the containerd image store write, podman save and
// OCI archives, plain or wholly compressed. The stream is read once, front
// to back; each layer blob is decoded as it passes, and bound to its place
// by diffID when the manifest (often the last member) has been seen.
type Archive struct {
	Path string
	Opts Options
}

func (a *Archive) String() string { return a.Path }

// Load implements Source.
func (a *Archive) Load(ctx context.Context, sink Sink) error {
	f, err := os.Open(a.Path)
	if err != nil {
		return fmt.Errorf("%s: %w", a.Path, plainOSError(err))
	}
	defer f.Close()
	total := int64(-1)
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		total = st.Size()
	}
	if err := ReadArchive(ctx, newProgressReader(ctx, f, total, a.Opts.Progress), a.Opts, a.Path, sink); err != nil {
		return fmt.Errorf("%s: %w", a.Path, err)
	}
	return nil
}

// ReadArchive reads one archive stream and feeds the chosen image to sink.
// ref names the image when the archive does not (no tag inside).
func ReadArchive(ctx context.Context, r io.Reader, opts Options, ref string, sink Sink) error {
	scan, err := scanArchive(ctx, r)
	if err != nil {
		return err
	}
	cands, err := listCandidates(scan.meta)
	if err != nil {
		return err
	}
	c, err := choose(cands, opts)
	if err != nil {
		return err
	}
	cfg, err := imageFor(scan.meta, c, ref)
	if err != nil {
		return err
	}
	layers := make([]Layer, len(c.layers))
	for i, m := range c.layers {
		l, err := scan.layer(m)
		if err != nil {
			return err
		}
		if l.DiffID != cfg.DiffIDs[i] {
			return fmt.Errorf("%s: diffID mismatch: the bytes hash to %s, the image config says %s", m, l.DiffID, cfg.DiffIDs[i])
		}
		layers[i] = l
	}
	if err := sink.Config(cfg); err != nil {
		return err
	}
	for i := range layers {
		if err := sink.Layer(i, layers[i]); err != nil {
			return err
		}
		layers[i] = Layer{} // the model has it now
	}
	return nil
}

// archiveScan is what one pass over an archive keeps: the small JSON
// members, every layer blob decoded (entries only), and the links between
// members (docker save links a layer saved twice to its first copy).
type archiveScan struct {
	files      map[string][]byte
	layers     map[string]Layer
	links      map[string]string
	unreadable map[string]string // member → why it is not a layer
}

func scanArchive(ctx context.Context, r io.Reader) (*archiveScan, error) {
	br := bufio.NewReaderSize(r, 1<<20)
	comp := sniffCompression(br)
	outer, closeOuter, err := decompressor(br, comp)
	if err != nil {
		return nil, err
	}
	defer closeOuter()
	s := &archiveScan{
		files:      map[string][]byte{},
		layers:     map[string]Layer{},
		links:      map[string]string{},
		unreadable: map[string]string{},
	}
	tr := tar.NewReader(outer)
	last := ""
	for n := 0; ; n++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		hdr, err := tr.Next()
		if err == io.EOF {
			if n == 0 {
				return nil, fmt.Errorf("empty archive")
			}
			return s, nil
		}
		if err != nil {
			if n == 0 && comp == Plain && (errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, tar.ErrHeader)) {
				return nil, errNotTar // a file shorter than a tar header, or text
			}
			return nil, outerError(err, n, last)
		}
		name := memberName(hdr.Name)
		last = name
		switch hdr.Typeflag {
		case tar.TypeSymlink:
			s.links[name] = memberName(path.Join(path.Dir(name), hdr.Linkname))
		case tar.TypeLink:
			s.links[name] = memberName(hdr.Linkname)
		case tar.TypeReg, tar.TypeRegA:
			if err := s.member(name, hdr.Size, tr); err != nil {
				if errors.Is(err, io.ErrUnexpectedEOF) {
					return nil, outerError(err, n, last)
				}
				return nil, fmt.Errorf("%s: %w", name, err)
			}
		}
	}
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
	case looksLikeJSON(head):
		if size > maxMeta {
			s.unreadable[name] = fmt.Sprintf("a JSON document of %d bytes, more than lx reads", size)
			return nil
		}
		b, err := io.ReadAll(br)
		if err != nil {
			return err
		}
		s.files[name] = b
	case bytes.HasPrefix(head, gzipMagic), bytes.HasPrefix(head, zstdMagic), looksLikeTar(head):
		l, err := ReadLayer(br)
		if err != nil {
			return err
		}
		s.layers[name] = l
	default:
		s.unreadable[name] = "neither a tar nor gzip- or zstd-compressed"
	}
	return nil
}

// meta is the archive's metaReader.
func (s *archiveScan) meta(name string) ([]byte, error) {
	name = s.resolve(name)
	if b, ok := s.files[name]; ok {
		return b, nil
	}
	if why, ok := s.unreadable[name]; ok {
		return nil, errors.New(why)
	}
	if _, ok := s.layers[name]; ok {
		return nil, fmt.Errorf("%s is a layer, not a JSON document", name)
	}
	return nil, errMissing
}

func (s *archiveScan) layer(name string) (Layer, error) {
	real := s.resolve(name)
	if l, ok := s.layers[real]; ok {
		return l, nil
	}
	if why, ok := s.unreadable[real]; ok {
		return Layer{}, fmt.Errorf("%s: not a layer: %s", name, why)
	}
	if _, ok := s.files[real]; ok {
		return Layer{}, fmt.Errorf("%s: not a layer: a JSON document", name)
	}
	return Layer{}, fmt.Errorf("the manifest names layer %s, which is not in the archive", name)
}

// resolve follows member links (at most a few hops; loops end there).
func (s *archiveScan) resolve(name string) string {
	for range 8 {
		next, ok := s.links[name]
		if !ok {
			break
		}
		name = next
	}
	return name
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
