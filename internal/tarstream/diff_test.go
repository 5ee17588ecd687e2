package tarstream

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"strings"
	"testing"
	"testing/iotest"
)

// The Reader must read every stream as archive/tar does: the same
// headers, the same data, and an error where archive/tar errs, of the
// same kind. FuzzReader holds it to that on random bytes, seeded with
// tars of every format archive/tar writes, hand-made headers of the
// kinds it does not write (sparse files, star, V7, signed checksums),
// and lx's own fuzz corpora.

// mode says how a stream is read in a comparison: the low two bits how
// much of each member (all of it with io.Copy, all of it in small reads,
// none, or the first bytes), the next two how src hands out its bytes,
// the next two whether checksums are set right first, in which form.
type mode uint8

const modes = 64

func (m mode) String() string {
	reads := [...]string{"copy", "small reads", "skip", "partial"}
	srcs := [...]string{"plain", "one byte at a time", "half", "data with EOF"}
	sums := [...]string{"", ", checksums set", ", signed checksums set", ", checksums set in odd forms"}
	return reads[m&3] + ", " + srcs[m>>2&3] + sums[m>>4&3]
}

// sumBlocks sets the checksum of every whole block of data: a fuzzer
// rarely makes a header that holds otherwise. Data blocks change too,
// which does not matter: both readers read the same bytes.
func (m mode) sumBlocks(data []byte) []byte {
	if m>>4&3 == 0 {
		return data
	}
	data = bytes.Clone(data)
	forms := [...]string{"%06o\x00 ", "%07o\x00", " %06o ", "%o\x00"}
	for i := 0; i+blockSize <= len(data); i += blockSize {
		b := (*[blockSize]byte)(data[i:])
		if isZero(b) {
			continue
		}
		unsigned, signed := checksums(b)
		sum, form := unsigned, forms[0]
		switch m >> 4 & 3 {
		case 2:
			sum = signed
		case 3:
			form = forms[b[offChksum]%4]
		}
		copy(b[offChksum:offChksum+lenChksum], fmt.Sprintf(form+"        ", sum))
	}
	return data
}

func (m mode) src(data []byte) io.Reader {
	r := io.Reader(bytes.NewReader(data))
	switch m >> 2 & 3 {
	case 1:
		r = iotest.OneByteReader(r)
	case 2:
		r = iotest.HalfReader(r)
	case 3:
		r = iotest.DataErrReader(r)
	}
	return struct{ io.Reader }{r} // never a Seeker: both read what they skip
}

// readMember reads what mode m reads of the current member of r.
func (m mode) readMember(r io.Reader) ([]byte, error) {
	var out bytes.Buffer
	var err error
	switch m & 3 {
	case 0:
		_, err = io.Copy(&out, r)
	case 1:
		_, err = io.CopyBuffer(&out, struct{ io.Reader }{r}, make([]byte, 7))
	case 3:
		_, err = io.CopyN(&out, r, 1000)
		if err == io.EOF {
			err = nil
		}
	}
	return out.Bytes(), err
}

// errKind is an error's kind as lx tells them apart, and as the
// comparison holds the readers to.
func errKind(err error) string {
	switch {
	case err == nil:
		return "nil"
	case err == io.EOF:
		return "EOF"
	case err == io.ErrUnexpectedEOF:
		return "unexpected EOF"
	case errors.Is(err, tar.ErrHeader):
		return "header"
	case err == tar.ErrFieldTooLong:
		return "field too long"
	case err == ErrSparseMap, strings.Contains(err.Error(), "sparse map too long"):
		return "sparse map"
	case err == ErrSparseData, strings.Contains(err.Error(), "sparse file"):
		return "sparse data"
	}
	return "other: " + err.Error()
}

// compare reads data with archive/tar and with Reader as m says, and
// returns the first difference.
//
// A source that gives its end with its last bytes (iotest.DataErrReader)
// makes archive/tar answer "unexpected EOF" where a member's data is cut
// short, whatever else is wrong there, though on the same bytes from any
// other source it finds the other fault first (a sparse map that is not
// a number, in Next; a sparse map that does not match the data stored,
// in the member's read). Reader answers alike from every source, so such a difference
// is taken when the comparison holds on the same bytes from a plain source.
func compare(data []byte, m mode) error {
	data = m.sumBlocks(data)
	err := compareSummed(data, m)
	if err == nil || m>>2&3 != 3 || !errors.Is(err, errCutShort) {
		return err
	}
	if plain := compareSummed(data, m&^(3<<2)); plain != nil {
		return fmt.Errorf("%v; from a plain source: %v", err, plain)
	}
	return nil
}

// errCutShort marks a difference where archive/tar said "unexpected EOF".
var errCutShort = errors.New("archive/tar found the data cut short")

func compareSummed(data []byte, m mode) error {
	want := tar.NewReader(m.src(data))
	got := NewReader(m.src(data))
	for i := 0; ; i++ {
		wh, werr := want.Next()
		gh, gerr := got.Next()
		if errKind(werr) != errKind(gerr) {
			err := fmt.Errorf("member %d: Next: archive/tar %v, tarstream %v", i, werr, gerr)
			if werr == io.ErrUnexpectedEOF {
				err = fmt.Errorf("%w: %w", errCutShort, err)
			}
			return err
		}
		if werr != nil {
			return nil
		}
		if err := sameHeader(wh, gh); err != nil {
			return fmt.Errorf("member %d (%q): %v", i, wh.Name, err)
		}
		wb, werr := m.readMember(want)
		gb, gerr := m.readMember(got)
		if m&3 == 3 && errKind(werr) != errKind(gerr) {
			if err := laterEOF(want, werr, got, gerr); err != nil {
				return fmt.Errorf("member %d (%q): %v", i, wh.Name, err)
			}
			return nil
		}
		if errKind(werr) != errKind(gerr) {
			err := fmt.Errorf("member %d (%q): reading: archive/tar %v, tarstream %v", i, wh.Name, werr, gerr)
			if werr == io.ErrUnexpectedEOF {
				err = fmt.Errorf("%w: %w", errCutShort, err)
			}
			return err
		}
		if werr == nil && !bytes.Equal(wb, gb) {
			return fmt.Errorf("member %d (%q): archive/tar read %d bytes, tarstream %d, not the same", i, wh.Name, len(wb), len(gb))
		}
		if werr != nil {
			// Both stop here; the error sticks for both.
			_, werr = want.Next()
			_, gerr = got.Next()
			if errKind(werr) != errKind(gerr) {
				return fmt.Errorf("member %d: Next after a read error: archive/tar %v, tarstream %v", i, werr, gerr)
			}
			return nil
		}
	}
}

// laterEOF accepts one difference in a partial read: archive/tar fails
// with io.ErrUnexpectedEOF as soon as its source says it has ended, even
// when the bytes asked for were there (the source may say so with its
// last bytes or on the next read), where tarstream fails when the bytes
// run out. The reader that read on must then fail at the next header.
func laterEOF(want *tar.Reader, werr error, got *Reader, gerr error) error {
	var err error
	switch {
	case werr == io.ErrUnexpectedEOF && gerr == nil:
		_, err = got.Next()
	case gerr == io.ErrUnexpectedEOF && werr == nil:
		_, err = want.Next()
	default:
		return fmt.Errorf("reading: archive/tar %v, tarstream %v", werr, gerr)
	}
	if err != io.ErrUnexpectedEOF {
		return fmt.Errorf("reading: archive/tar %v, tarstream %v; then Next: %v", werr, gerr, err)
	}
	return nil
}

// sameHeader compares what Reader fills: all but Format and Xattrs. A
// global header's name is left out: archive/tar's depends on the order
// of a map's keys when one of its records is bad.
func sameHeader(w, g *tar.Header) error {
	type field struct {
		name      string
		want, got any
	}
	fs := []field{
		{"Typeflag", w.Typeflag, g.Typeflag},
		{"Linkname", w.Linkname, g.Linkname},
		{"Size", w.Size, g.Size},
		{"Mode", w.Mode, g.Mode},
		{"Uid", w.Uid, g.Uid},
		{"Gid", w.Gid, g.Gid},
		{"Uname", w.Uname, g.Uname},
		{"Gname", w.Gname, g.Gname},
		{"Devmajor", w.Devmajor, g.Devmajor},
		{"Devminor", w.Devminor, g.Devminor},
		{"ModTime", w.ModTime.UnixNano(), g.ModTime.UnixNano()},
		{"AccessTime", w.AccessTime.UnixNano(), g.AccessTime.UnixNano()},
		{"ChangeTime", w.ChangeTime.UnixNano(), g.ChangeTime.UnixNano()},
		{"ModTime zero", w.ModTime.IsZero(), g.ModTime.IsZero()},
		{"ModTime seconds", w.ModTime.Unix(), g.ModTime.Unix()},
	}
	if w.Typeflag != tar.TypeXGlobalHeader {
		fs = append(fs, field{"Name", w.Name, g.Name})
	}
	for _, f := range fs {
		if f.want != f.got {
			return fmt.Errorf("%s: archive/tar %#v, tarstream %#v", f.name, f.want, f.got)
		}
	}
	if !maps.Equal(w.PAXRecords, g.PAXRecords) {
		return fmt.Errorf("PAXRecords: archive/tar %q, tarstream %q", w.PAXRecords, g.PAXRecords)
	}
	return nil
}

func FuzzReader(f *testing.F) {
	for i, s := range seeds(f) {
		f.Add(s, uint8(i%modes))
	}
	f.Fuzz(func(t *testing.T, data []byte, m uint8) {
		if err := compare(data, mode(m%modes)); err != nil {
			t.Errorf("%v (%v)", err, mode(m%modes))
		}
	})
}

// TestSeedsMatch reads every seed in every mode, so that a plain go test
// holds the Reader to archive/tar on all of them.
func TestSeedsMatch(t *testing.T) {
	for i, s := range seeds(t) {
		for m := range mode(modes) {
			if err := compare(s, m); err != nil {
				t.Errorf("seed %d, %v: %v", i, m, err)
			}
		}
	}
}
