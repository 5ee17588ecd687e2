package tarstream

import (
	"archive/tar"
	"bytes"
	"io"
	"math"
	"strconv"
	"strings"
)

// GNU sparse files store only their data fragments, back to back; a map
// says where each goes in the file, the rest of which is holes (zeros).
// The map is in the header and extension blocks after it (the old GNU
// format, type 'S'), in PAX records (0.0 and 0.1), or at the start of the
// stored data (1.0).

// fragment is a run of a sparse file's data: length bytes at offset.
type fragment struct{ offset, length int64 }

// maxFragments bounds a map's length.
const maxFragments = 1 << 20

// sparseFile is a sparse member being read: its data fragments still to
// come, where it is in the file and the file's size.
type sparseFile struct {
	frags     []fragment
	pos, size int64
}

// sparseMember reads the current member's sparse map, if it has one, and
// sets up its reading. b is its header block, of format f.
func (r *Reader) sparseMember(b *[blockSize]byte, f format) error {
	h := &r.hdr
	var frags []fragment
	var err error
	switch {
	case h.Typeflag == tar.TypeGNUSparse:
		frags, err = r.oldGNUMap(*b, f)
	case h.PAXRecords != nil:
		frags, err = r.paxMap()
	}
	if err != nil || frags == nil {
		return err
	}
	if headerOnly(h.Typeflag) || !validMap(frags, h.Size) {
		return headerError("an invalid sparse map")
	}
	r.sparse = &sparseFile{frags: frags, size: h.Size}
	return nil
}

// oldGNUMap reads the map of a GNU 'S' member: up to four fragments in
// the header, then 21 in each extension block that follows while the
// last one's extension flag is set. The header gives the file's size.
func (r *Reader) oldGNUMap(b [blockSize]byte, f format) ([]fragment, error) {
	if f != formatGNU {
		return nil, headerError("a sparse file in a header that is not GNU's")
	}
	p := fields{b: &b}
	r.hdr.Size = p.num(offGNURealSize, lenReal)
	if p.bad {
		return nil, p.err()
	}
	frags := []fragment{}
	area := b[offGNUSparse : offGNUSparse+4*24+1]
	for read := len(area); read < maxSpecial; read += blockSize {
		n := len(area) / 24
		for i := 0; i < n && area[i*24] != 0; i++ {
			off, ok1 := numeric(area[i*24 : i*24+12])
			length, ok2 := numeric(area[i*24+12 : i*24+24])
			if !ok1 || !ok2 {
				return nil, headerError("a sparse map entry is not a number")
			}
			if len(frags) >= maxFragments {
				return nil, ErrSparseMap
			}
			frags = append(frags, fragment{off, length})
		}
		if area[n*24] == 0 {
			return frags, nil
		}
		ext, err := r.take()
		if err != nil {
			return nil, unexpected(err)
		}
		area = ext[:]
	}
	return nil, ErrSparseMap
}

// paxMap reads the map the PAX records give or point to, if any. The
// records name the version: 1.0 keeps the map in the data, 0.1 and 0.0
// (which sets no version) in the records. They may also give the file's
// real name and size.
func (r *Reader) paxMap() ([]fragment, error) {
	h := &r.hdr
	recs := h.PAXRecords
	major, minor := recs[sparseMajor], recs[sparseMinor]
	var inData bool
	switch {
	case major == "0" && (minor == "0" || minor == "1"):
	case major == "1" && minor == "0":
		inData = true
	case major != "" || minor != "":
		return nil, nil // a version nobody knows: read as a plain file
	case recs[sparseMap] == "":
		return nil, nil
	}
	if name := recs[sparseName]; name != "" {
		h.Name = name
	}
	size := recs[sparseSize]
	if size == "" {
		size = recs[sparseRealSize]
	}
	if size != "" {
		n, err := strconv.ParseInt(size, 10, 64)
		if err != nil {
			return nil, headerError("a sparse file's size is not a number")
		}
		h.Size = n
	}
	if inData {
		return r.dataMap()
	}
	return recordMap(recs)
}

// recordMap reads a 0.1 map: numblocks fragments, as a comma-separated
// list of offsets and lengths.
func recordMap(recs map[string]string) ([]fragment, error) {
	n, err := strconv.ParseInt(recs[sparseNumBlocks], 10, 0)
	if err != nil || n < 0 || n > math.MaxInt64/2 {
		return nil, headerError("a sparse map's length is not a number")
	}
	var nums []string
	if m := recs[sparseMap]; m != "" {
		nums = strings.Split(m, ",")
	}
	if int64(len(nums)) != 2*n {
		return nil, headerError("a sparse map of the wrong length")
	}
	frags := make([]fragment, 0, n)
	for i := 0; i < len(nums) && err == nil; i += 2 {
		frags, err = appendFragment(frags, nums[i], nums[i+1])
	}
	return frags, err
}

// appendFragment appends the fragment of decimal offset and length.
func appendFragment(frags []fragment, off, length string) ([]fragment, error) {
	o, err1 := strconv.ParseInt(off, 10, 64)
	l, err2 := strconv.ParseInt(length, 10, 64)
	if err1 != nil || err2 != nil {
		return nil, headerError("a sparse map entry is not a number")
	}
	if len(frags) >= maxFragments {
		return nil, ErrSparseMap
	}
	return append(frags, fragment{o, l}), nil
}

// dataMap reads a 1.0 map from the member's data, whole blocks of it:
// decimal numbers, one a line, the count of fragments first, then each
// one's offset and length. It reads no more blocks than it needs, and no
// more than maxSpecial bytes.
func (r *Reader) dataMap() ([]fragment, error) {
	var text []byte // read and not yet taken
	lines, read := 0, 0
	need := func(n int64) error {
		var blk [blockSize]byte
		for int64(lines) < n {
			if read += blockSize; read > maxSpecial {
				return ErrSparseMap
			}
			if err := r.readFull(blk[:]); err != nil {
				return err
			}
			text = append(text, blk[:]...)
			lines += bytes.Count(blk[:], []byte{'\n'})
		}
		return nil
	}
	line := func() string {
		i := bytes.IndexByte(text, '\n')
		s := string(text[:i])
		text = text[i+1:]
		lines--
		return s
	}
	if err := need(1); err != nil {
		return nil, err
	}
	n, err := strconv.ParseInt(line(), 10, 0)
	if err != nil || n < 0 || n > math.MaxInt64/2 {
		return nil, headerError("a sparse map's length is not a number")
	}
	if err := need(2 * n); err != nil {
		return nil, err
	}
	frags := make([]fragment, 0, n)
	for i := int64(0); i < n && err == nil; i++ {
		frags, err = appendFragment(frags, line(), line())
	}
	return frags, err
}

// validMap holds a map to what readers agree on: fragments in order,
// apart, of no negative offset or length, within the file's size.
func validMap(frags []fragment, size int64) bool {
	if size < 0 {
		return false
	}
	var end int64
	for _, f := range frags {
		if f.offset < 0 || f.length < 0 || f.offset > math.MaxInt64-f.length ||
			f.offset+f.length > size || f.offset < end {
			return false
		}
		end = f.offset + f.length
	}
	return true
}

// readSparse reads a sparse file: zeros up to the next fragment, then the
// fragment's bytes from the stored data. The stored data must hold every
// fragment and nothing more.
func (r *Reader) readSparse(p []byte) (int, error) {
	s := r.sparse
	n := 0
	for n < len(p) && s.pos < s.size {
		for len(s.frags) > 0 && s.pos >= s.frags[0].offset+s.frags[0].length {
			s.frags = s.frags[1:]
		}
		next := s.size // where the next data starts
		if len(s.frags) > 0 {
			next = s.frags[0].offset
		}
		if s.pos < next { // in a hole
			k := int(min(int64(len(p)-n), next-s.pos))
			clear(p[n : n+k])
			n += k
			s.pos += int64(k)
			continue
		}
		want := min(int64(len(p)-n), s.frags[0].offset+s.frags[0].length-s.pos)
		k, err := r.readData(p[n : int64(n)+want])
		n += k
		s.pos += int64(k)
		if err == io.EOF {
			return n, ErrSparseData // the map names more than is stored
		}
		if err != nil {
			return n, err
		}
	}
	if s.pos == s.size {
		if r.remain > 0 {
			return n, ErrSparseData // stored bytes the map does not name
		}
		return n, io.EOF
	}
	return n, nil
}
