package tarstream

import (
	"archive/tar"
	"bytes"
	"encoding/binary"
	"math/bits"
	"time"
)

// A header block's fields, by offset and length. Bytes 0 to 345 are the
// same in every format (the first 257 are the original Unix ones); what
// follows differs between POSIX ustar, GNU and star.
const (
	offName, lenName         = 0, 100
	offMode, lenMode         = 100, 8
	offUID, lenUID           = 108, 8
	offGID, lenGID           = 116, 8
	offSize, lenSize         = 124, 12
	offMTime, lenMTime       = 136, 12
	offChksum, lenChksum     = 148, 8
	offType                  = 156
	offLink, lenLink         = 157, 100
	offMagic, lenMagic       = 257, 6
	offVersion, lenVersion   = 263, 2
	offUname, lenUname       = 265, 32
	offGname, lenGname       = 297, 32
	offDevMajor, lenDevMajor = 329, 8
	offDevMinor, lenDevMinor = 337, 8
	offPrefix, lenPrefix     = 345, 155 // ustar

	// GNU: access and change times where ustar has its prefix, then the
	// first four fragments of an old-style sparse map and the file's
	// real size.
	offGNUATime, lenGNUATime = 345, 12
	offGNUCTime, lenGNUCTime = 357, 12
	offGNUSparse             = 386
	offGNURealSize, lenReal  = 483, 12

	// star: a shorter prefix, then the times, then "tar\x00".
	lenSTARPrefix              = 131
	offSTARATime, lenSTARATime = 476, 12
	offSTARCTime, lenSTARCTime = 488, 12
	offSTARTrailer             = 508
)

// format is what a header block's magic says it is.
type format int

const (
	formatInvalid format = iota // the checksum does not hold
	formatV7                    // no magic: the original Unix fields only
	formatUSTAR                 // POSIX ustar (and PAX, which is ustar plus 'x' members)
	formatGNU
	formatSTAR
)

// detect checks a block's checksum and tells its format. The checksum is
// the sum of the block's bytes with the checksum field taken as eight
// spaces; writers have summed them as unsigned bytes or as signed ones,
// and either is accepted.
func detect(b *[blockSize]byte) format {
	want, ok := numeric(b[offChksum : offChksum+lenChksum])
	if !ok {
		return formatInvalid
	}
	unsigned, signed := checksums(b)
	if want != unsigned && want != signed {
		return formatInvalid
	}
	magic := b[offMagic : offMagic+lenMagic]
	switch {
	case string(magic) == "ustar\x00" && string(b[offSTARTrailer:]) == "tar\x00":
		return formatSTAR
	case string(magic) == "ustar\x00":
		return formatUSTAR
	case string(magic) == "ustar " && string(b[offVersion:offVersion+lenVersion]) == " \x00":
		return formatGNU
	}
	return formatV7
}

// checksums sums the block eight bytes at a time: the bytes at even and
// odd places go to four 16-bit lanes (64 words of at most 2×255 each stay
// below 2^16), and the signed sum is the unsigned one less 256 for every
// byte with its top bit set.
func checksums(b *[blockSize]byte) (unsigned, signed int64) {
	const low = 0x00ff00ff00ff00ff
	var lanes uint64
	high := 0
	for i := 0; i < blockSize; i += 8 {
		w := binary.LittleEndian.Uint64(b[i : i+8])
		lanes += w&low + (w>>8)&low
		high += bits.OnesCount64(w & 0x8080808080808080)
	}
	sum := int64(lanes&0xffff + (lanes>>16)&0xffff + (lanes>>32)&0xffff + lanes>>48)
	for _, c := range b[offChksum : offChksum+lenChksum] {
		sum -= int64(c)
		if c >= 0x80 {
			high--
		}
	}
	sum += lenChksum * ' '
	return sum, sum - 256*int64(high)
}

// numeric reads a number field: base-256 when its first byte has the top
// bit set (a GNU extension for what octal cannot hold), else octal text.
func numeric(f []byte) (int64, bool) {
	if len(f) > 0 && f[0]&0x80 != 0 {
		return base256(f)
	}
	return octal(f)
}

// base256 reads a big-endian two's complement number from the bits after
// the marker bit; bit 0x40 of the first byte is its sign. A negative
// number is read as the complement of its bits, complemented back at the
// end. Values that do not fit in an int64 are refused.
func base256(f []byte) (int64, bool) {
	var flip byte
	if f[0]&0x40 != 0 {
		flip = 0xff
	}
	var x uint64
	for i, c := range f {
		c ^= flip
		if i == 0 {
			c &= 0x7f
		}
		if x>>55 != 0 {
			return 0, false // one more byte makes it 2^63 or more
		}
		x = x<<8 | uint64(c)
	}
	if flip != 0 {
		return ^int64(x), true
	}
	return int64(x), true
}

// octal reads octal digits padded with spaces or NULs on either side; the
// digits end at a NUL. A field of padding only is 0.
func octal(f []byte) (int64, bool) {
	i, j := 0, len(f)
	for i < j && (f[i] == ' ' || f[i] == 0) {
		i++
	}
	for j > i && (f[j-1] == ' ' || f[j-1] == 0) {
		j--
	}
	var x uint64
	for _, c := range f[i:j] {
		if c == 0 {
			break
		}
		if c < '0' || c > '7' || x>>61 != 0 {
			return 0, false
		}
		x = x<<3 | uint64(c-'0')
	}
	return int64(x), true
}

// cstring is a text field up to its first NUL.
func cstring(f []byte) string {
	if i := bytes.IndexByte(f, 0); i >= 0 {
		f = f[:i]
	}
	if len(f) == 0 {
		return ""
	}
	return string(f)
}

// fields reads a block's number fields, remembering whether any was bad.
type fields struct {
	b   *[blockSize]byte
	bad bool
}

func (p *fields) num(off, n int) int64 {
	v, ok := numeric(p.b[off : off+n])
	p.bad = p.bad || !ok
	return v
}

// parseBlock reads a header block into r.hdr. What each format adds past
// the first 257 bytes: ustar, GNU and star give the owner's names and the
// device numbers; ustar and star a prefix that goes before the name; GNU
// and star access and change times.
func (r *Reader) parseBlock(b *[blockSize]byte) (format, error) {
	f := detect(b)
	if f == formatInvalid {
		return f, headerError("the checksum does not match")
	}
	h := &r.hdr
	*h = tar.Header{}
	p := fields{b: b}
	h.Typeflag = b[offType]
	h.Name = cstring(b[offName : offName+lenName])
	h.Linkname = cstring(b[offLink : offLink+lenLink])
	h.Size = p.num(offSize, lenSize)
	h.Mode = p.num(offMode, lenMode)
	h.Uid = int(p.num(offUID, lenUID))
	h.Gid = int(p.num(offGID, lenGID))
	h.ModTime = time.Unix(p.num(offMTime, lenMTime), 0)
	if f == formatV7 {
		return f, p.err()
	}
	h.Uname = share(&r.uname, b[offUname:offUname+lenUname])
	h.Gname = share(&r.gname, b[offGname:offGname+lenGname])
	h.Devmajor = p.num(offDevMajor, lenDevMajor)
	h.Devminor = p.num(offDevMinor, lenDevMinor)
	var prefix string
	switch f {
	case formatUSTAR:
		prefix = cstring(b[offPrefix : offPrefix+lenPrefix])
	case formatSTAR:
		prefix = cstring(b[offPrefix : offPrefix+lenSTARPrefix])
		h.AccessTime = time.Unix(p.num(offSTARATime, lenSTARATime), 0)
		h.ChangeTime = time.Unix(p.num(offSTARCTime, lenSTARCTime), 0)
	case formatGNU:
		prefix = r.gnuTimes(b)
	}
	if prefix != "" {
		h.Name = prefix + "/" + h.Name
	}
	return f, p.err()
}

// gnuTimes reads a GNU header's access and change times, each when its
// field is not empty. Old Go writers put a ustar prefix there in GNU
// headers; when the times do not read as numbers and the field is ASCII
// text, it is taken as that prefix, which gnuTimes returns.
func (r *Reader) gnuTimes(b *[blockSize]byte) (prefix string) {
	h := &r.hdr
	p := fields{b: b}
	if b[offGNUATime] != 0 {
		h.AccessTime = time.Unix(p.num(offGNUATime, lenGNUATime), 0)
	}
	if b[offGNUCTime] != 0 {
		h.ChangeTime = time.Unix(p.num(offGNUCTime, lenGNUCTime), 0)
	}
	if !p.bad {
		return ""
	}
	h.AccessTime, h.ChangeTime = time.Time{}, time.Time{}
	s := cstring(b[offPrefix : offPrefix+lenPrefix])
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return ""
		}
	}
	return s
}

func (p *fields) err() error {
	if p.bad {
		return headerError("a number field is not a number")
	}
	return nil
}

// share returns the text of field f, reusing *last when it is the same:
// owner names repeat from one header to the next.
func share(last *string, f []byte) string {
	if i := bytes.IndexByte(f, 0); i >= 0 {
		f = f[:i]
	}
	if string(f) != *last {
		*last = string(f)
	}
	return *last
}

// isZero tells the end-of-archive block, all zeros.
func isZero(b *[blockSize]byte) bool {
	var or uint64
	for i := 0; i < blockSize; i += 8 {
		or |= binary.LittleEndian.Uint64(b[i : i+8])
	}
	return or == 0
}

// headerOnly types have no data, whatever their size field says.
func headerOnly(typ byte) bool {
	switch typ {
	case tar.TypeLink, tar.TypeSymlink, tar.TypeChar, tar.TypeBlock, tar.TypeDir, tar.TypeFifo:
		return true
	}
	return false
}
