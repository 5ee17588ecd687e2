// Package tarstream reads a tar stream one member at a time: what
// archive/tar's Reader does, for the headers an image's layers hold, at a
// fraction of its cost per header. A layer of a million small files is a
// million headers; archive/tar spends most of its time on each one
// labelling the header's format (a scan of the block for non-ASCII
// bytes), which tarstream never does, and reads headers in place from a
// large buffer rather than copying each out.
//
// What it reads, and how, is archive/tar's: POSIX ustar (with its name
// prefix) and the old Unix headers; GNU long names and link names ('L',
// 'K') and base-256 numbers; PAX records ('x', and 'g' returned as a
// member of its own) with the keys that override a header's fields and
// every record kept in PAXRecords; star headers; GNU sparse files, old
// style and PAX 0.0, 0.1 and 1.0, read back with their holes as zeros.
// It accepts what archive/tar accepts, refuses what it refuses (a header
// it cannot read is an error for which errors.Is(err, tar.ErrHeader)
// holds; data that ends early is io.ErrUnexpectedEOF) and gives the same
// headers and bytes; a differential fuzz target holds it to that.
//
// The differences: Next returns the same *tar.Header each time, valid
// until the following call; the header's Format and Xattrs are left
// zero (the xattrs are in PAXRecords, as SCHILY.xattr.* records); the
// Reader reads ahead of the member it serves; and it never seeks.
package tarstream

import (
	"archive/tar"
	"errors"
	"io"
	"strings"
)

const (
	blockSize = 512
	// maxSpecial is the most a PAX record set or a GNU long name may hold.
	maxSpecial = 1 << 20
	bufSize    = 128 << 10
)

// Reader reads a tar stream's members in order.
type Reader struct {
	src    io.Reader
	buf    []byte
	r, w   int   // buf[r:w] is read from src and not consumed yet
	srcErr error // what src answered after buf[:w]: io.EOF at its end

	hdr    tar.Header
	remain int64       // bytes of the member's stored data not read yet
	pad    int64       // the zeros after them, up to the next block
	sparse *sparseFile // the member's map, when it is a sparse file
	err    error       // sticky: what Next or Read failed with, io.EOF after the end

	uname, gname string // the last owner names, shared by the next headers
}

// NewReader reads the tar stream src.
func NewReader(src io.Reader) *Reader {
	return &Reader{src: src, buf: make([]byte, bufSize)}
}

// Next skips what is left of the current member and reads the next
// member's header. Meta members (PAX 'x' records, GNU long names) are
// folded into the header they describe; a PAX global header ('g') is
// returned as a member, with its records. At the end of the archive (two
// zero blocks, one zero block and the end of the stream, or the end of
// the stream where a header would start) it returns io.EOF. The header
// is the Reader's, overwritten by the next call.
func (r *Reader) Next() (*tar.Header, error) {
	if r.err != nil {
		return nil, r.err
	}
	h, err := r.next()
	if err != nil {
		r.err = err
		return nil, err
	}
	return h, nil
}

func (r *Reader) next() (*tar.Header, error) {
	var pax map[string]string
	var longName, longLink string
	for {
		if err := r.skipMember(); err != nil {
			return nil, err
		}
		b, err := r.block()
		if err != nil {
			return nil, err
		}
		f, err := r.parseBlock(b)
		if err != nil {
			return nil, err
		}
		h := &r.hdr
		if err := r.startData(h.Typeflag, h.Size); err != nil {
			return nil, err
		}
		switch h.Typeflag {
		case tar.TypeXHeader, tar.TypeXGlobalHeader:
			data, err := r.special()
			if err != nil {
				return nil, err
			}
			recs, err := parsePAX(data)
			if err != nil {
				return nil, err
			}
			if h.Typeflag == tar.TypeXGlobalHeader {
				return r.global(recs), nil
			}
			pax = recs // a second set replaces the first
		case tar.TypeGNULongName, tar.TypeGNULongLink:
			data, err := r.special()
			if err != nil {
				return nil, err
			}
			if h.Typeflag == tar.TypeGNULongName {
				longName = cstring(data)
			} else {
				longLink = cstring(data)
			}
		default:
			return r.member(b, f, pax, longName, longLink)
		}
	}
}

// member completes a file's header b, of format f, with the meta members
// before it: PAX records first, then GNU long names over them.
func (r *Reader) member(b *[blockSize]byte, f format, pax map[string]string, longName, longLink string) (*tar.Header, error) {
	h := &r.hdr
	if err := mergePAX(h, pax); err != nil {
		return nil, err
	}
	if longName != "" {
		h.Name = longName
	}
	if longLink != "" {
		h.Linkname = longLink
	}
	if h.Typeflag == 0 { // the old regular file type: a directory if its name ends in "/"
		h.Typeflag = tar.TypeReg
		if strings.HasSuffix(h.Name, "/") {
			h.Typeflag = tar.TypeDir
		}
	}
	// The records may have changed the size, the flag whether there is data.
	if err := r.startData(h.Typeflag, h.Size); err != nil {
		return nil, err
	}
	if err := r.sparseMember(b, f); err != nil {
		return nil, err
	}
	return h, nil
}

// global is a PAX global header as a member: its name, its type and its
// records, nothing else. The records are merged as a member's are: a
// path record replaces the name, and a record that cannot be merged
// leaves no records (archive/tar's name then depends on the order in
// which it met the records; here it is the header's own).
func (r *Reader) global(recs map[string]string) *tar.Header {
	g := tar.Header{Name: r.hdr.Name}
	if mergePAX(&g, recs) != nil {
		g = tar.Header{Name: r.hdr.Name}
	}
	r.hdr = tar.Header{Name: g.Name, Typeflag: tar.TypeXGlobalHeader, PAXRecords: g.PAXRecords}
	return &r.hdr
}

// startData sets up the reading of a member of type typ whose header
// gives size: header-only types have no data, and a negative size is
// refused.
func (r *Reader) startData(typ byte, size int64) error {
	if headerOnly(typ) {
		size = 0
	}
	if size < 0 {
		return headerError("a negative size")
	}
	r.remain, r.pad, r.sparse = size, -size&(blockSize-1), nil
	return nil
}

// special reads a meta member's data whole: at most maxSpecial bytes.
func (r *Reader) special() ([]byte, error) {
	data := make([]byte, min(r.remain, maxSpecial+1))
	if err := r.readFull(data); err != nil {
		return nil, err
	}
	if len(data) > maxSpecial {
		return nil, tar.ErrFieldTooLong
	}
	return data, nil
}

// Read reads the current member's data: for a sparse file, its holes
// read as zeros. It returns io.EOF at the member's end, and
// io.ErrUnexpectedEOF when the stream ends before it.
func (r *Reader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	var n int
	var err error
	if r.sparse != nil {
		n, err = r.readSparse(p)
	} else {
		n, err = r.readData(p)
	}
	if err != nil && err != io.EOF {
		r.err = err
	}
	return n, err
}

// WriteTo writes the rest of the current member's data to w, straight
// from the Reader's buffer (io.Copy uses it).
func (r *Reader) WriteTo(w io.Writer) (int64, error) {
	switch {
	case r.err == io.EOF:
		return 0, nil
	case r.err != nil:
		return 0, r.err
	case r.sparse != nil:
		return io.Copy(w, struct{ io.Reader }{r})
	}
	var total int64
	for r.remain > 0 {
		if r.r == r.w {
			if r.srcErr != nil {
				r.err = unexpected(r.srcErr)
				return total, r.err
			}
			r.fill(1)
			continue
		}
		chunk := r.buf[r.r : r.r+int(min(int64(r.w-r.r), r.remain))]
		n, err := w.Write(chunk)
		if n < 0 || n > len(chunk) {
			return total, errInvalidWrite
		}
		r.r += n
		r.remain -= int64(n)
		total += int64(n)
		if err != nil {
			return total, err
		}
		if n < len(chunk) {
			return total, io.ErrShortWrite
		}
	}
	return total, nil
}

var errInvalidWrite = errors.New("tarstream: a writer reported an impossible count")

// readData reads stored data of the current member.
func (r *Reader) readData(p []byte) (int, error) {
	if r.remain == 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > r.remain {
		p = p[:r.remain]
	}
	for r.r == r.w {
		if r.srcErr != nil {
			return 0, unexpected(r.srcErr)
		}
		r.fill(1)
	}
	n := copy(p, r.buf[r.r:r.w])
	r.r += n
	r.remain -= int64(n)
	return n, nil
}

// readFull fills p with stored data of the current member.
func (r *Reader) readFull(p []byte) error {
	for len(p) > 0 {
		n, err := r.readData(p)
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		if err != nil {
			return err
		}
		p = p[n:]
	}
	return nil
}

// skipMember passes over what is left of the current member's data,
// which must be there, then over its padding. A stream that ends in the
// padding ends the archive (archive/tar reads it so too).
func (r *Reader) skipMember() error {
	if err := r.discard(r.remain, true); err != nil {
		return err
	}
	if err := r.discard(r.pad, false); err != nil {
		return err
	}
	r.remain, r.pad, r.sparse = 0, 0, nil
	return nil
}

// discard consumes n bytes; when the stream ends first, the error is
// io.ErrUnexpectedEOF if must, else io.EOF.
func (r *Reader) discard(n int64, must bool) error {
	for {
		k := min(n, int64(r.w-r.r))
		r.r += int(k)
		n -= k
		if n == 0 {
			return nil
		}
		if r.srcErr != nil {
			if must {
				return unexpected(r.srcErr)
			}
			return r.srcErr
		}
		r.fill(1)
	}
}

// block reads the next header block. A zero block followed by another,
// or by the stream's end, is the archive's end: io.EOF.
func (r *Reader) block() (*[blockSize]byte, error) {
	b, err := r.take()
	if err != nil || b[0] != 0 || !isZero(b) {
		return b, err
	}
	if b, err = r.take(); err != nil {
		return nil, err
	}
	if isZero(b) {
		return nil, io.EOF
	}
	return nil, headerError("a zero block is followed by a header")
}

// take consumes the next block: io.EOF when the stream ends before it,
// io.ErrUnexpectedEOF when it ends inside it. The block is valid until
// the buffer is next filled.
func (r *Reader) take() (*[blockSize]byte, error) {
	for r.w-r.r < blockSize {
		if r.srcErr != nil {
			if r.srcErr == io.EOF && r.w > r.r {
				return nil, io.ErrUnexpectedEOF
			}
			return nil, r.srcErr
		}
		r.fill(blockSize)
	}
	b := (*[blockSize]byte)(r.buf[r.r : r.r+blockSize])
	r.r += blockSize
	return b, nil
}

// fill reads from src once, into the room after buf[r:w]; when fewer
// than want bytes fit from r on, the unread bytes move to the front
// first. It needs room after w.
func (r *Reader) fill(want int) {
	if r.r == r.w {
		r.r, r.w = 0, 0
	} else if len(r.buf)-r.r < want {
		r.w = copy(r.buf, r.buf[r.r:r.w])
		r.r = 0
	}
	for range 100 {
		n, err := r.src.Read(r.buf[r.w:])
		if n < 0 || n > len(r.buf)-r.w {
			r.srcErr = errInvalidRead
			return
		}
		r.w += n
		if err != nil {
			r.srcErr = err
			return
		}
		if n > 0 {
			return
		}
	}
	r.srcErr = io.ErrNoProgress
}

var errInvalidRead = errors.New("tarstream: a reader reported an impossible count")

// unexpected is the error for a stream that ended with err where more
// data had to be.
func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}
