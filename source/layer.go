package source

import (
	"archive/tar"
	"bufio"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/cespare/xxhash/v2"

	"lx.dev/lx/internal/tarstream"
	"lx.dev/lx/model"
)

// Whiteout names, as the OCI image spec and Docker write them.
const (
	whiteoutPrefix = ".wh."
	opaqueName     = ".wh..wh..opq"
	// whiteoutMeta prefixes aufs bookkeeping files (.wh..wh.plnk and the
	// like); they are not part of the image's filesystem.
	whiteoutMeta = ".wh..wh."
	// longName is where a name stops being plausible; such names are kept
	// and reported, never dropped.
	longName = 4096
)

// ReadLayer decodes one layer blob — plain tar, gzip or zstd, told apart by
// its first bytes — in one pass. File contents are hashed and dropped; the
// returned DiffID is the SHA-256 of the decompressed stream.
func ReadLayer(r io.Reader) (Layer, error) {
	l, err := readLayer(r, nil)
	l.Entries, l.pieces = slices.Concat(l.pieces...), nil
	if len(l.Entries) == 0 {
		l.Entries = nil
	}
	return l, err
}

// entryPieces is the layer's entries in one or more pieces.
func (l Layer) entryPieces() [][]model.Entry {
	if l.pieces != nil {
		return l.pieces
	}
	return [][]model.Entry{l.Entries}
}

// entryCount is how many entries the layer holds.
func (l Layer) entryCount() int64 {
	var n int64
	for _, p := range l.entryPieces() {
		n += int64(len(p))
	}
	return n
}

// readLayer is ReadLayer that also gives kept the bytes of the small
// files that look like text (see Kept).
func readLayer(r io.Reader, kept *Kept) (Layer, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	comp := sniffCompression(br)
	plain, closeDecoder, err := decompressor(br, comp)
	if err != nil {
		return Layer{}, err
	}
	defer closeDecoder()
	hr := newHashingReader(plain)
	defer hr.close()

	var l Layer
	if err := readEntries(hr, &l, kept); err != nil {
		return Layer{}, err
	}
	// The diffID covers every byte, the tar's end padding included.
	l.DiffID, l.TarSize, err = hr.Sum()
	if err != nil {
		return Layer{}, tarError(err)
	}
	return l, nil
}

func readEntries(r io.Reader, l *Layer, kept *Kept) error {
	tr := tarstream.NewReader(r)
	buf := make([]byte, 128<<10)
	var small []byte // a file read whole, to be kept
	digest := xxhash.New()
	var entries entryChunks
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			l.pieces = entries.done()
			return nil
		}
		if err != nil {
			return tarError(err)
		}
		e, keep, warn, err := entryOf(hdr)
		if err != nil {
			return err
		}
		if warn != "" {
			l.Warnings = append(l.Warnings, warn)
		}
		if !keep {
			continue
		}
		if e.Kind == model.KindRegular {
			digest.Reset()
			var head int64 // bytes read whole before the rest is hashed
			if kept.wants(hdr.Size) {
				small = slices.Grow(small[:0], int(hdr.Size))[:hdr.Size]
				if _, err := io.ReadFull(tr, small); err != nil {
					return fmt.Errorf("%s: %w", model.DisplayPath(e.Path), tarError(err))
				}
				digest.Write(small)
				head = hdr.Size
			}
			n, err := io.CopyBuffer(digest, tr, buf)
			if err != nil {
				return fmt.Errorf("%s: %w", model.DisplayPath(e.Path), tarError(err))
			}
			e.Size, e.Digest = head+n, digest.Sum64()
			if head > 0 && n == 0 {
				kept.put(e.Digest, small)
			}
		}
		entries.add(e)
	}
}

// entryChunks gathers a layer's entries in chunks, which the model takes
// as they are: append would copy a layer of half a million entries five
// times over as it grew by a quarter at a time, and any copy of them in
// one piece is slow under the GC (write barriers) and holds it up (a long
// copy cannot be preempted while the collector waits to scan the stack).
type entryChunks struct {
	full [][]model.Entry
	cur  []model.Entry
}

const entryChunk = 4096

func (c *entryChunks) add(e model.Entry) {
	if len(c.cur) == cap(c.cur) {
		if c.cur != nil {
			c.full = append(c.full, c.cur)
		}
		c.cur = make([]model.Entry, 0, entryChunk)
	}
	c.cur = append(c.cur, e)
}

// done is the chunks, nil for no entry. A last chunk less than half full
// is copied to its size: a small layer, waiting for the ones below it,
// holds no more than it needs.
func (c *entryChunks) done() [][]model.Entry {
	if c.cur == nil {
		return nil
	}
	if len(c.cur) < cap(c.cur)/2 {
		c.cur = slices.Clone(c.cur)
	}
	return append(c.full, c.cur)
}

// tarError turns archive/tar's terse failures into what a user can act on.
func tarError(err error) error {
	var de *decodeError
	switch {
	case errors.As(err, &de):
		return de
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("truncated tar: the data ends in the middle of an entry")
	case errors.Is(err, tar.ErrHeader):
		return fmt.Errorf("corrupt tar: invalid entry header")
	}
	return err
}

// entryOf reduces a tar header to an Entry. keep is false for members that
// are not part of the filesystem (the root itself, aufs bookkeeping, global
// headers).
func entryOf(hdr *tar.Header) (e model.Entry, keep bool, warn string, err error) {
	if hdr.Typeflag == tar.TypeXGlobalHeader {
		return e, false, "", nil
	}
	name, warn, err := cleanName(hdr.Name)
	if err != nil {
		return e, false, "", err
	}
	if name == "" {
		return e, false, warn, nil // the root directory itself
	}
	dir, base := path.Split(name)
	dir = strings.TrimSuffix(dir, "/")
	switch {
	case base == opaqueName:
		// At the root too: the root is a directory, and its lower children
		// hide like any directory's (Path "" is the root).
		return model.Entry{Path: dir, Kind: model.KindOpaque}, true, warn, nil
	case strings.HasPrefix(base, whiteoutMeta), strings.HasPrefix(name, whiteoutMeta):
		return e, false, warn, nil
	case strings.HasPrefix(base, whiteoutPrefix):
		gone := base[len(whiteoutPrefix):]
		if gone == "" || gone == "." || gone == ".." {
			return e, false, "", fmt.Errorf("invalid whiteout %q", model.DisplayPath(name))
		}
		return model.Entry{Path: path.Join(dir, gone), Kind: model.KindWhiteout}, true, warn, nil
	}

	e = model.Entry{
		Path:   name,
		Mode:   uint32(hdr.Mode) & 0o7777,
		UID:    uint32(hdr.Uid),
		GID:    uint32(hdr.Gid),
		Xattrs: xattrHash(hdr),
		MTime:  mtime(hdr),
	}
	switch hdr.Typeflag {
	case tar.TypeReg, tar.TypeRegA, tar.TypeGNUSparse:
		e.Kind = model.KindRegular
	case tar.TypeDir:
		e.Kind = model.KindDir
	case tar.TypeSymlink:
		e.Kind, e.Link = model.KindSymlink, hdr.Linkname
	case tar.TypeLink:
		target, _, err := cleanName(hdr.Linkname)
		if err != nil || target == "" {
			return e, false, "", fmt.Errorf("hardlink %s: invalid target %q", model.DisplayPath(name), model.EscapeName(hdr.Linkname))
		}
		e.Kind, e.Link = model.KindHardlink, target
	case tar.TypeChar:
		e.Kind, e.Dev = model.KindCharDev, device(hdr)
	case tar.TypeBlock:
		e.Kind, e.Dev = model.KindBlockDev, device(hdr)
	case tar.TypeFifo:
		e.Kind = model.KindFIFO
	default:
		// Kept as a file so its bytes still count; the user is told.
		e.Kind = model.KindRegular
		warn = joinWarn(warn, fmt.Sprintf("%s: unknown tar type %q, counted as a file", model.DisplayPath(name), hdr.Typeflag))
	}
	return e, true, warn, nil
}

// cleanName makes a member name relative and clean ("./a//b" is "a/b").
// "/", "./" and "." name the root (Kaniko writes "/" in every layer), which
// the caller ignores. docker save never writes other absolute names or ".."
// parts; a layer that has them is refused rather than guessed at. Odd but
// valid names come with a warning and are kept.
func cleanName(raw string) (name, warn string, err error) {
	switch {
	case plainName(raw):
		// Already clean (most names are): no allocation per member.
		name = strings.TrimSuffix(raw, "/")
	case raw == "":
		return "", "", fmt.Errorf("an entry has an empty name")
	case strings.IndexByte(raw, 0) >= 0:
		return "", "", fmt.Errorf("entry %q: the name contains a NUL byte", model.EscapeName(raw))
	case strings.HasPrefix(raw, "/") && path.Clean(raw) != "/":
		return "", "", fmt.Errorf("entry %q has an absolute name", model.EscapeName(raw))
	case hasDotDot(raw):
		return "", "", fmt.Errorf("entry %q has a \"..\" in its name", model.EscapeName(raw))
	default:
		name = path.Clean("/" + raw)[1:]
	}
	if len(name) > longName {
		warn = fmt.Sprintf("a name of %d bytes: %s…", len(name), model.DisplayPath(name[:120]))
	}
	if !utf8.ValidString(name) {
		warn = joinWarn(warn, fmt.Sprintf("a name that is not UTF-8: %s", model.DisplayPath(name)))
	}
	return name, warn, nil
}

// plainName tells whether raw is a name cleaning leaves as it is but for
// one trailing "/": relative, no NUL, no empty, "." or ".." part.
func plainName(raw string) bool {
	start := 0
	for i := 0; i <= len(raw); i++ {
		if i < len(raw) {
			switch raw[i] {
			case 0:
				return false
			case '/':
			default:
				continue
			}
		}
		switch part := raw[start:i]; part {
		case "":
			if i < len(raw) || start == 0 { // not the one trailing "/"
				return false
			}
		case ".", "..":
			return false
		}
		start = i + 1
	}
	return true
}

func hasDotDot(p string) bool {
	for _, part := range strings.Split(p, "/") {
		if part == ".." {
			return true
		}
	}
	return false
}

func joinWarn(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// mtime is a member's modification time in nanoseconds, 0 when the tar
// gives none (times past 2262 do not fit and are kept as 0 too).
func mtime(hdr *tar.Header) int64 {
	t := hdr.ModTime
	// Between 1685 and 2255 in any zone: no calendar arithmetic needed.
	if s := t.Unix(); s > -9e9 && s < 9e9 {
		return t.UnixNano()
	}
	if t.IsZero() || t.Year() < 1678 || t.Year() > 2261 {
		return 0
	}
	return t.UnixNano()
}

func device(hdr *tar.Header) uint64 {
	return uint64(uint32(hdr.Devmajor))<<32 | uint64(uint32(hdr.Devminor))
}

// xattrHash folds a member's extended attributes (PAX SCHILY.xattr.*) into
// one number; 0 means none. Order in the header does not matter.
func xattrHash(hdr *tar.Header) uint64 {
	var keys []string
	for k := range hdr.PAXRecords {
		if strings.HasPrefix(k, "SCHILY.xattr.") {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return 0
	}
	sort.Strings(keys)
	d := xxhash.New()
	for _, k := range keys {
		d.WriteString(k)
		d.Write([]byte{0})
		d.WriteString(hdr.PAXRecords[k])
		d.Write([]byte{0})
	}
	if s := d.Sum64(); s != 0 {
		return s
	}
	return 1
}
