package source

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"path"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"lx.dev/lx/internal/testarchive"
	"lx.dev/lx/model"
)

func TestReadLayerKinds(t *testing.T) {
	raw := tarOf(t,
		dirM("./", 0o755),
		dirM("etc/", 0o755),
		fileM("etc/passwd", 0o644, "root:x:0:0"),
		testarchive.Entry{Name: "etc/shadow", Type: tar.TypeReg, Mode: 0o640, Body: "s", Xattrs: map[string]string{"security.selinux": "x"}},
		testarchive.Symlink("bin/sh", "/bin/busybox"),
		testarchive.Entry{Name: "bin/ash", Type: tar.TypeLink, Mode: 0o755, Link: "./bin/sh"},
		testarchive.Entry{Name: "dev/null", Type: tar.TypeChar, Mode: 0o666},
		testarchive.Entry{Name: "run/fifo", Type: tar.TypeFifo, Mode: 0o600},
		fileM("var/.wh.cache", 0, ""),
		fileM("opt/.wh..wh..opq", 0, ""),
		fileM(".wh..wh.plnk/1234", 0, ""),
	)
	l, err := ReadLayer(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		path string
		kind model.Kind
	}{
		{"etc", model.KindDir}, {"etc/passwd", model.KindRegular}, {"etc/shadow", model.KindRegular},
		{"bin/sh", model.KindSymlink}, {"bin/ash", model.KindHardlink}, {"dev/null", model.KindCharDev},
		{"run/fifo", model.KindFIFO}, {"var/cache", model.KindWhiteout}, {"opt", model.KindOpaque},
	}
	if len(l.Entries) != len(want) {
		t.Fatalf("got %d entries %+v, want %d", len(l.Entries), l.Entries, len(want))
	}
	for i, w := range want {
		if e := l.Entries[i]; e.Path != w.path || e.Kind != w.kind {
			t.Errorf("entry %d = %s %v, want %s %v", i, e.Path, e.Kind, w.path, w.kind)
		}
	}
	if e := l.Entries[1]; e.Size != 10 || e.Digest == 0 || e.Mode != 0o644 {
		t.Errorf("passwd = %+v", e)
	}
	if l.Entries[1].Xattrs != 0 || l.Entries[2].Xattrs == 0 {
		t.Errorf("xattrs: passwd %x shadow %x", l.Entries[1].Xattrs, l.Entries[2].Xattrs)
	}
	if l.Entries[3].Link != "/bin/busybox" || l.Entries[4].Link != "bin/sh" {
		t.Errorf("links: %q %q", l.Entries[3].Link, l.Entries[4].Link)
	}
	if l.DiffID != digestOf(raw) || l.TarSize != int64(len(raw)) {
		t.Errorf("diffID %s size %d, want %s %d", l.DiffID, l.TarSize, digestOf(raw), len(raw))
	}
}

// Kaniko writes the layer's root as a directory named "/" in every layer;
// "/", "./" and "." all name the root, which is no entry of its own.
func TestReadLayerRootNames(t *testing.T) {
	l, err := ReadLayer(bytes.NewReader(tarOf(t, dirM("/", 0o755), dirM("./", 0o755), dirM(".", 0o755), dirM("//", 0o755), fileM("app", 0o644, "x"))))
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Entries) != 1 || l.Entries[0].Path != "app" || len(l.Warnings) != 0 {
		t.Errorf("entries %+v, warnings %q; want only app, no warning", l.Entries, l.Warnings)
	}
	for _, name := range []string{"/app", "/./app", "/.."} {
		if _, err := ReadLayer(bytes.NewReader(tarOf(t, fileM(name, 0o644, "x")))); err == nil {
			t.Errorf("%q: no error; only the root may have an absolute name", name)
		}
	}
}

// An opaque marker at the root hides the root's lower children, as at any
// directory: it is an opaque entry for the root (path "").
func TestReadLayerRootOpaque(t *testing.T) {
	l, err := ReadLayer(bytes.NewReader(tarOf(t, fileM(".wh..wh..opq", 0, ""), fileM("./new", 0o644, "n"))))
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Entries) != 2 || l.Entries[0] != (model.Entry{Path: "", Kind: model.KindOpaque}) || len(l.Warnings) != 0 {
		t.Errorf("entries %+v, warnings %q; want the root's opaque marker and new", l.Entries, l.Warnings)
	}
}

func TestReadLayerSameDigestContentOnly(t *testing.T) {
	l, err := ReadLayer(bytes.NewReader(tarOf(t, fileM("a", 0o644, "same"), fileM("b", 0o755, "same"), fileM("c", 0o644, "other"))))
	if err != nil {
		t.Fatal(err)
	}
	if l.Entries[0].Digest != l.Entries[1].Digest || l.Entries[0].Digest == l.Entries[2].Digest {
		t.Errorf("digests %x %x %x: equal content must hash equal, other content not", l.Entries[0].Digest, l.Entries[1].Digest, l.Entries[2].Digest)
	}
}

// The diffID is the hash of the decompressed bytes whatever the blob's
// compression, and the compression is sniffed, not named.
func TestReadLayerCompressions(t *testing.T) {
	raw := tarOf(t, dirM("data/", 0o755), zerosM("data/one", 0o644, 3<<20), fileM("data/x", 0o600, "x"))
	for _, c := range []Compression{Plain, Gzip, Zstd} {
		l, err := ReadLayer(bytes.NewReader(compressed(t, raw, c)))
		if err != nil {
			t.Fatalf("%v: %v", c, err)
		}
		if l.DiffID != digestOf(raw) || l.TarSize != int64(len(raw)) || len(l.Entries) != 3 || l.Entries[1].Size != 3<<20 {
			t.Errorf("%v: diffID %s size %d entries %d", c, l.DiffID, l.TarSize, len(l.Entries))
		}
	}
}

func TestReadLayerEmptyTar(t *testing.T) {
	raw := make([]byte, 1024) // what Docker writes for a layer with no change
	l, err := ReadLayer(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Entries) != 0 || l.DiffID != "sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef" {
		t.Errorf("empty layer: %d entries, diffID %s", len(l.Entries), l.DiffID)
	}
}

func TestReadLayerOddNamesKeptWithWarnings(t *testing.T) {
	long := strings.Repeat("d/", 2100) + "f"
	l, err := ReadLayer(bytes.NewReader(tarOf(t, fileM("bad\xffname", 0o644, "x"), fileM(long, 0o644, "y"))))
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Entries) != 2 || l.Entries[0].Path != "bad\xffname" || l.Entries[1].Path != long {
		t.Fatalf("entries %+v", l.Entries)
	}
	if len(l.Warnings) != 2 || !strings.Contains(l.Warnings[0], `/bad\xffname`) || !strings.Contains(l.Warnings[1], "4201 bytes") {
		t.Errorf("warnings %q", l.Warnings)
	}
}

func TestReadLayerBadInput(t *testing.T) {
	good := tarOf(t, dirM("data/", 0o755), zerosM("data/one", 0o644, 1<<20))
	gz := compressed(t, good, Gzip)
	zs := compressed(t, good, Zstd)
	corruptGz := append([]byte{}, gz...)
	corruptGz[len(corruptGz)/2] ^= 0xff
	corruptGz[len(corruptGz)/2+1] ^= 0xff
	cases := []struct {
		name string
		blob []byte
		want string
	}{
		{"truncated tar", good[:len(good)/2], "truncated tar"},
		{"truncated gzip", gz[:len(gz)/2], "gzip"},
		{"corrupt gzip", corruptGz, "gzip"},
		{"truncated zstd", zs[:len(zs)/2], "zstd"},
		{"dotdot", tarOf(t, fileM("a/../../etc/passwd", 0o644, "x")), `".."`},
		{"inner dotdot", tarOf(t, fileM("a/../b", 0o644, "x")), `".."`},
		{"absolute", tarOf(t, fileM("/etc/passwd", 0o644, "x")), "absolute"},
		{"hardlink out", tarOf(t, testarchive.Hardlink("a", "../x")), "hardlink"},
		{"garbage", bytes.Repeat([]byte("not a tar "), 100), "corrupt tar"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadLayer(bytes.NewReader(c.blob))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want one containing %q", err, c.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans lines: %q", err)
			}
		})
	}
}

func TestHashingReaderMatchesAnyReadPattern(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789abcdef"), 100_000)
	for _, step := range []int{1, 511, 4096, 1 << 20} {
		h := newHashingReader(bytes.NewReader(data))
		buf := make([]byte, step)
		var got []byte
		for len(got) < len(data)/3 {
			n, err := h.Read(buf)
			got = append(got, buf[:n]...)
			if err != nil {
				t.Fatal(err)
			}
		}
		sum, n, err := h.Sum()
		if err != nil || sum != digestOf(data) || n != int64(len(data)) || !bytes.Equal(got, data[:len(got)]) {
			t.Errorf("step %d: sum %s n %d err %v", step, sum, n, err)
		}
	}
}

// failingReader serves data, then fails.
type failingReader struct {
	r   io.Reader
	err error
}

func (f *failingReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		return n, f.err
	}
	return n, err
}

// The reader's goroutines are gone once close returns, whether the stream
// was read to its end, abandoned half way, or failed: the caller then owns
// the stream beneath again.
func TestHashingReaderCloseJoins(t *testing.T) {
	data := bytes.Repeat([]byte("x"), 3*teeChunk+17)
	for range 20 {
		h := newHashingReader(bytes.NewReader(data))
		h.Read(make([]byte, 100)) // abandoned half way
		h.close()
		h.close() // twice is fine
		h = newHashingReader(&failingReader{r: bytes.NewReader(data), err: errors.New("disk on fire")})
		if _, _, err := h.Sum(); err == nil || err.Error() != "disk on fire" {
			t.Fatalf("Sum of a failing stream: %v", err)
		}
		h = newHashingReader(bytes.NewReader(nil))
		if sum, n, err := h.Sum(); err != nil || n != 0 || sum != digestOf(nil) {
			t.Fatalf("empty stream: %s %d %v", sum, n, err)
		}
	}
	// The reader's own goroutines, not a count of all: the package's other
	// tests run theirs meanwhile. One that has just called Done may still
	// be on its way out.
	deadline := time.Now().Add(5 * time.Second)
	for hashingGoroutines() > 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := hashingGoroutines(); n > 0 {
		t.Errorf("%d of the reader's goroutines still run after close: it leaks", n)
	}
}

// close waits for a read of the stream under way: once it returns, the
// stream is the caller's alone.
func TestHashingReaderCloseWaitsForRead(t *testing.T) {
	src := &blockingReader{entered: make(chan struct{}), release: make(chan struct{})}
	h := newHashingReader(src)
	<-src.entered
	closed := make(chan struct{})
	go func() {
		h.close()
		close(closed)
	}()
	select {
	case <-closed:
		t.Fatal("close returned while the reader was still reading the stream")
	case <-time.After(100 * time.Millisecond):
	}
	close(src.release)
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("close never returned")
	}
}

// blockingReader's first Read says it has begun, then waits for release.
type blockingReader struct {
	once             sync.Once
	entered, release chan struct{}
}

func (b *blockingReader) Read(p []byte) (int, error) {
	b.once.Do(func() { close(b.entered) })
	<-b.release
	return 0, io.EOF
}

// hashingGoroutines counts the goroutines running a hashingReader's
// read-ahead or hashing.
func hashingGoroutines() int {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	return bytes.Count(buf, []byte("(*hashingReader).readAhead")) + bytes.Count(buf, []byte("(*hashingReader).hashChunks"))
}

// FuzzCleanName holds cleanName's shortcut for names already clean to
// what cleaning them the long way gives.
func FuzzCleanName(f *testing.F) {
	for _, s := range []string{"", "/", ".", "./", "a", "a/", "a//b", "./a/b/", "a/./b", "a/../b", "..", "/a", "a/b/c.txt", "a\x00b", ".wh.x", "a/.", "a/..", "a/b/", "a//"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if !plainName(raw) {
			return
		}
		want := path.Clean("/" + raw)[1:]
		name, _, err := cleanName(raw)
		if err != nil || name != want || strings.IndexByte(raw, 0) >= 0 || hasDotDot(raw) || strings.HasPrefix(raw, "/") || raw == "" {
			t.Fatalf("cleanName(%q) = %q, %v; cleaning gives %q", raw, name, err, want)
		}
	})
}
