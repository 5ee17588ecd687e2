package tarstream

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// seeds are the streams the comparison starts from: tars that
// archive/tar writes in each format, hand-made blocks of what it reads
// but does not write, each of them cut short at a few places, and the
// layers and archives of lx's own fuzz corpora.
func seeds(t testing.TB) [][]byte {
	var out [][]byte
	for _, s := range append(written(t), handMade()...) {
		out = append(out, s)
		for _, cut := range []int{1, 100, 511, 512, 513, 700, 1024, 1536, len(s) / 2, len(s) - 1024, len(s) - 1} {
			if cut > 0 && cut < len(s) {
				out = append(out, s[:cut])
			}
		}
	}
	return append(out, corpora(t)...)
}

// written are tars from archive/tar's Writer: every entry type, in
// ustar, PAX and GNU, with names that need a prefix, a PAX record or a
// GNU long name, numbers too big for octal, xattrs and PAX times.
func written(t testing.TB) [][]byte {
	mtime := time.Unix(1700000000, 0)
	long := strings.Repeat("long-directory-name/", 12) + "file"
	basic := []*tar.Header{
		{Name: "dir/", Typeflag: tar.TypeDir, Mode: 0o755, ModTime: mtime},
		{Name: "dir/file", Typeflag: tar.TypeReg, Mode: 0o644, Size: 5, Uid: 1000, Gid: 1000, Uname: "user", Gname: "group", ModTime: mtime},
		{Name: "dir/empty", Typeflag: tar.TypeReg, Mode: 0o600, ModTime: mtime},
		{Name: "dir/link", Typeflag: tar.TypeSymlink, Linkname: "file", Mode: 0o777, ModTime: mtime},
		{Name: "dir/hard", Typeflag: tar.TypeLink, Linkname: "dir/file", ModTime: mtime},
		{Name: "dev/null", Typeflag: tar.TypeChar, Devmajor: 1, Devminor: 3, Mode: 0o666, ModTime: mtime},
		{Name: "dev/sda", Typeflag: tar.TypeBlock, Devmajor: 8, Devminor: 0, Mode: 0o660, ModTime: mtime},
		{Name: "fifo", Typeflag: tar.TypeFifo, Mode: 0o644, ModTime: mtime},
		{Name: "dir/" + strings.Repeat("p", 90) + "/" + strings.Repeat("n", 90), Typeflag: tar.TypeReg, Size: 600, ModTime: mtime},
		{Name: "dir/.wh..wh..opq", Typeflag: tar.TypeReg, ModTime: mtime},
		{Name: "dir/.wh.gone", Typeflag: tar.TypeReg, ModTime: mtime},
	}
	wide := []*tar.Header{
		{Name: long, Typeflag: tar.TypeReg, Size: 1, ModTime: mtime},
		{Name: "sym", Typeflag: tar.TypeSymlink, Linkname: long + "/" + long, ModTime: mtime},
		{Name: "big-ids", Typeflag: tar.TypeReg, Uid: 1 << 30, Gid: 1<<21 + 5, Size: 3, ModTime: mtime},
		{Name: "old", Typeflag: tar.TypeReg, ModTime: time.Unix(-1e10, 0)},
	}
	pax := []*tar.Header{
		{Name: "xattr", Typeflag: tar.TypeReg, Size: 2, ModTime: mtime, PAXRecords: map[string]string{
			"SCHILY.xattr.security.capability": "\x01\x00\x00\x02", "SCHILY.xattr.user.a": "b"}},
		{Name: "nano", Typeflag: tar.TypeReg, ModTime: time.Unix(1700000000, 123456789), AccessTime: time.Unix(5, 6), ChangeTime: time.Unix(-7, 8)},
		{Name: "ünïcode/名前", Typeflag: tar.TypeReg, Uname: "ユーザー", ModTime: mtime},
		{Name: "", Typeflag: tar.TypeXGlobalHeader, PAXRecords: map[string]string{"comment": "global", "path": "g"}},
		{Name: "after-global", Typeflag: tar.TypeReg, Size: 1, ModTime: mtime},
	}
	gnu := []*tar.Header{
		{Name: "times", Typeflag: tar.TypeReg, Size: 1, ModTime: mtime, AccessTime: time.Unix(1600000000, 0), ChangeTime: time.Unix(1650000000, 0)},
		{Name: "negative", Typeflag: tar.TypeReg, Uid: -5, ModTime: time.Unix(-1e12, 0)},
		{Name: "big-dev", Typeflag: tar.TypeChar, Devmajor: 1 << 22, Devminor: 1 << 30, ModTime: mtime},
	}
	var out [][]byte
	for _, f := range []tar.Format{tar.FormatUnknown, tar.FormatUSTAR, tar.FormatPAX, tar.FormatGNU} {
		out = append(out, write(t, f, basic))
	}
	for _, f := range []tar.Format{tar.FormatUnknown, tar.FormatPAX, tar.FormatGNU} {
		out = append(out, write(t, f, wide))
	}
	out = append(out, write(t, tar.FormatPAX, pax), write(t, tar.FormatUnknown, pax), write(t, tar.FormatGNU, gnu))
	// A tar of tars, as docker save writes.
	return append(out, write(t, tar.FormatUnknown, []*tar.Header{
		{Name: "layer.tar", Typeflag: tar.TypeReg, Size: int64(len(out[0])), ModTime: mtime},
	}, out[0]))
}

// write writes hdrs in format f; a regular file's data is contents[0]
// when given and its size matches, else bytes of its size.
func write(t testing.TB, f tar.Format, hdrs []*tar.Header, contents ...[]byte) []byte {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for i, h := range hdrs {
		h := *h
		h.Format = f
		if err := tw.WriteHeader(&h); err != nil {
			t.Fatalf("%v: %s: %v", f, h.Name, err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		data := bytes.Repeat([]byte{byte('a' + i)}, int(h.Size))
		if len(contents) > 0 && int64(len(contents[0])) == h.Size {
			data = contents[0]
		}
		if _, err := tw.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// block is a header block made by hand, for what archive/tar's Writer
// does not write.
type block [blockSize]byte

func newBlock(name string, typ byte, size int64) *block {
	var b block
	copy(b[offName:], name)
	copy(b[offMode:], "0000644\x00")
	copy(b[offUID:], "0000000\x00")
	copy(b[offGID:], "0000000\x00")
	copy(b[offSize:], fmt.Sprintf("%011o\x00", size))
	copy(b[offMTime:], "14615473410\x00")
	b[offType] = typ
	copy(b[offMagic:], "ustar\x0000")
	return &b
}

func (b *block) set(off int, s string) *block { copy(b[off:], s); return b }

// sum writes the checksum, as unsigned bytes or signed ones.
func (b *block) sum(signed bool) []byte {
	copy(b[offChksum:], "        ")
	var s int64
	for _, c := range b {
		if signed {
			s += int64(int8(c))
		} else {
			s += int64(c)
		}
	}
	copy(b[offChksum:], fmt.Sprintf("%06o\x00 ", s))
	return b[:]
}

// member is a block and its data, padded to whole blocks.
func member(b []byte, data string) []byte {
	out := append(append([]byte{}, b...), data...)
	return append(out, make([]byte, -len(data)&(blockSize-1))...)
}

func pax(typ byte, recs ...string) []byte {
	var body string
	for _, kv := range recs {
		n := len(kv) + 2 // the space and the newline; then the length's own digits
		for len(strconv.Itoa(n))+len(kv)+2 != n {
			n = len(strconv.Itoa(n)) + len(kv) + 2
		}
		body += fmt.Sprintf("%d %s\n", n, kv)
	}
	return member(newBlock("PaxHeaders/x", typ, int64(len(body))).sum(false), body)
}

var end = make([]byte, 2*blockSize)

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// handMade are streams archive/tar reads but does not write: sparse
// files in each encoding, star and V7 headers, checksums summed as
// signed bytes, base-256 numbers, the old regular type, bad records.
func handMade() [][]byte {
	file := func(name, data string) []byte {
		return member(newBlock(name, tar.TypeReg, int64(len(data))).sum(false), data)
	}
	gnuSparse := newBlock("sparse", tar.TypeGNUSparse, 1024).
		set(offMagic, "ustar  \x00").
		set(offGNUSparse, "00000000000\x0000000001000\x00").
		set(offGNUSparse+24, "00000010000\x0000000001000\x00").
		set(offGNURealSize, "00000020000\x00")
	extended := newBlock("sparse-ext", tar.TypeGNUSparse, 512).
		set(offMagic, "ustar  \x00").
		set(offGNUSparse, "00000000000\x0000000000400\x00").
		set(offGNUSparse+96, "\x01").
		set(offGNURealSize, "00000004000\x00")
	var ext block
	copy(ext[0:], "00000002000\x0000000000400\x00")
	star := newBlock("star-name", tar.TypeReg, 3).set(offPrefix, "star-prefix").
		set(offSTARATime, "00000000001\x00").set(offSTARCTime, "00000000002\x00").set(offSTARTrailer, "tar\x00")
	v7 := newBlock("v7-name", tar.TypeReg, 3).set(offMagic, "\x00\x00\x00\x00\x00\x00\x00\x00").set(offPrefix, "not-a-prefix")
	high := newBlock("high-\xff\xfe-bytes", tar.TypeReg, 3).set(offUname, "\xc3\xa9")
	base256 := newBlock("base256", tar.TypeReg, 0).
		set(offSize, "\x80\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x05").
		set(offUID, "\xff\xff\xff\xff\xff\xff\xff\xfe").
		set(offGID, "\x80\x00\x00\x00\x00\x01\x00\x00")
	oldGo := newBlock("name", tar.TypeReg, 0).set(offMagic, "ustar  \x00").set(offPrefix, "prefix-in-atime")
	return [][]byte{
		cat(member(gnuSparse.sum(false), strings.Repeat("A", 512)+strings.Repeat("B", 512)), end),
		cat(extended.sum(false), ext[:], member(nil, strings.Repeat("C", 256)+strings.Repeat("D", 256)), end),
		cat(pax(tar.TypeXHeader, "GNU.sparse.major=0", "GNU.sparse.minor=1", "GNU.sparse.numblocks=2",
			"GNU.sparse.map=0,5,100,5", "GNU.sparse.size=200", "GNU.sparse.name=real-name"), file("GNUSparseFile.0/x", "helloworld"), end),
		cat(pax(tar.TypeXHeader, "GNU.sparse.offset=3", "GNU.sparse.numbytes=4", "GNU.sparse.offset=10",
			"GNU.sparse.numbytes=2", "GNU.sparse.numblocks=2", "GNU.sparse.size=20"), file("zero-zero", "abcdef"), end),
		cat(pax(tar.TypeXHeader, "GNU.sparse.major=1", "GNU.sparse.minor=0", "GNU.sparse.realsize=3000", "GNU.sparse.name=one-zero"),
			file("GNUSparseFile.0/y", "2\n0\n5\n2000\n3\n"+strings.Repeat("\x00", 512-14)+"hello123"), end),
		cat(member(star.sum(false), "abc"), end),
		cat(member(v7.set(offType, "\x00").sum(false), "abc"), member(newBlock("old-dir/", 0, 0).sum(false), ""), end),
		cat(member(high.sum(true), "abc"), member(newBlock("plain", 0, 3).sum(true), "xyz"), end),
		cat(member(base256.sum(false), "12345"), end),
		cat(member(oldGo.set(offGNUATime, "prefix-in-atime").sum(false), ""), end),
		cat(pax(tar.TypeXHeader, "path=from-pax", "linkpath=target", "uid=12", "gid=-3", "uname=u", "gname=",
			"mtime=-1.5", "atime=12.3456789012", "size=4", "SCHILY.xattr.user.k=v"),
			member(newBlock("short", tar.TypeSymlink, 0).sum(false), ""), file("file", "data"), end),
		cat(pax(tar.TypeXHeader, "path=p"), member(newBlock("././@LongLink", tar.TypeGNULongName, 5).sum(false), "long\x00"),
			file("short", "x"), end),
		cat(pax(tar.TypeXHeader, "mtime=1.x"), file("bad-time", ""), end),
		cat(pax(tar.TypeXHeader, "uid=abc"), file("bad-uid", ""), end),
		cat(pax(tar.TypeXGlobalHeader, "path=global", "uid=zz"), file("after", "1"), end),
		cat(pax(tar.TypeXHeader, "size=-1"), file("negative", ""), end),
		cat(file("a", "1"), make([]byte, blockSize), file("b", "2"), end),
		cat(file("a", "1"), make([]byte, blockSize)),
		cat(file("dir-with-data", "x")[:blockSize], member(newBlock("d", tar.TypeDir, 700).sum(false), ""), file("after-dir", "y"), end),
	}
}

// corpora are the seeds of lx's fuzz targets that read layers and
// archives: tars, most of them gzip-compressed in the corpus.
func corpora(t testing.TB) [][]byte {
	var out [][]byte
	paths, _ := filepath.Glob("../../source/testdata/fuzz/*/*")
	for _, p := range paths {
		text, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(text), "\n")
		if len(lines) < 2 || !strings.HasPrefix(lines[1], "[]byte(") {
			continue
		}
		s, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(lines[1], "[]byte("), ")"))
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		data := []byte(s)
		if z, err := gzip.NewReader(bytes.NewReader(data)); err == nil {
			if plain, err := io.ReadAll(z); err == nil {
				data = plain
			}
		}
		out = append(out, data)
	}
	if len(out) == 0 {
		t.Fatal("no seeds in ../../source/testdata/fuzz")
	}
	return out
}
