package hostile

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/klauspost/compress/gzip"

	"lx.dev/lx/internal/testarchive"
)

// ZerosSize is the size of the file the gzip bomb inflates to.
const ZerosSize = 2 << 30

// big are the cases whose size is the attack. Their bounds follow the
// project's targets: at most 100 MB for a 78k-entry 1.2 GB image and 600
// MB for a million entries, so about 600 bytes an entry above a Go
// process's 20 MB, and time in proportion to the entries and bytes read.
func big() []Case {
	return []Case{
		{
			Name: "files/300000-in-one-directory", Big: true, Gen: manyFiles,
			Blobs: func() ([]testarchive.Blob, error) { return layerBlobs(testarchive.Gzip, manyFiles()) },
			// 303,000 entries: the target, 20 MB + 600 bytes an entry, is
			// 200 MB; lx takes 185-200 MB (every layer's entries are held
			// until the manifest, often last, says their order, and the
			// model's table beside them), so 20% above the target leaves
			// room for the garbage collector's timing. About a second of
			// work; 30 s on a loaded machine.
			Limit: Limit{Time: 30 * time.Second, RSS: 240 << 20},
		},
		{
			Name: "layers/1000", Big: true, Gen: thousandLayers,
			// 1,000 small layers, 3,500 entries: the per-layer costs
			// (config, history, blobs, figures) are what grows; the small
			// bound's memory, and 30 s.
			Limit: Limit{Time: 30 * time.Second, RSS: 100 << 20},
		},
		{
			Name: "gzip/2GB-of-zeros", Big: true,
			Gen:     func() [][]testarchive.Entry { return layers(entries(testarchive.Zeros("zeros", 0o644, ZerosSize))) },
			Blobs:   zerosBomb,
			Layouts: []Layout{OCI},
			// Streamed, never held: the small bound's memory. Its time is
			// checked against the SHA-256 floor (bench/floor -sha256) in
			// the same run; 120 s only stops a hang.
			Limit: Limit{Time: 120 * time.Second, RSS: 100 << 20},
		},
	}
}

// manyFiles is 300,000 files in one directory, every thousandth with a
// KB of bytes and the others empty; the layer above deletes one in a
// hundred and rewrites one in a thousand.
func manyFiles() [][]testarchive.Entry {
	const n = 300_000
	name := func(i int) string { return fmt.Sprintf("d/f%06d", i) }
	bottom := make([]testarchive.Entry, 0, n+1)
	bottom = append(bottom, testarchive.Dir("d/", 0o755))
	for i := range n {
		e := testarchive.File(name(i), 0o644, "")
		if i%1000 == 0 {
			e.Zeros = 1000
		}
		bottom = append(bottom, e)
	}
	var top []testarchive.Entry
	for i := 0; i < n; i += 100 {
		top = append(top, testarchive.Whiteout(name(i+1)))
	}
	for i := 0; i < n; i += 1000 {
		top = append(top, testarchive.File(name(i), 0o600, ""), testarchive.File(name(i+2), 0o644, "new"))
	}
	return layers(bottom, top)
}

// thousandLayers is 1,000 layers, each rewriting one file (equal bytes
// every other layer, so both recopies and overwrites), adding a file of
// its own to a directory, deleting the previous layer's file in every odd
// layer, and emptying the directory with an opaque marker every 100th.
func thousandLayers() [][]testarchive.Entry {
	var out [][]testarchive.Entry
	for i := range 1000 {
		l := entries(
			testarchive.File("f", 0o644+int64(i%2)*0o111, fmt.Sprintf("content %d", i/2)),
			testarchive.Dir("l/", 0o755),
			testarchive.File(fmt.Sprintf("l/%d", i), 0o644, "own"),
		)
		if i%2 == 1 {
			l = append(l, testarchive.Whiteout(fmt.Sprintf("l/%d", i-1)))
		}
		if i%100 == 99 {
			l = append(l, testarchive.Opaque("l"))
		}
		out = append(out, l)
	}
	return out
}

// zerosBomb is a gzip blob of a tar holding one file of ZerosSize zero
// bytes, made without compressing 2 GB: a gzip reader reads concatenated
// members as one stream, and after the file's header the tar is all
// zeros (the file, a multiple of 512, then the 1,024-byte end marker), so
// one chunk of zeros is compressed once and repeated. The diffID is taken
// on the way.
func zerosBomb() ([]testarchive.Blob, error) {
	const chunk = 64 << 20
	var header bytes.Buffer
	tw := tar.NewWriter(&header)
	if err := tw.WriteHeader(&tar.Header{Name: "zeros", Typeflag: tar.TypeReg, Mode: 0o644, Size: ZerosSize, ModTime: testarchive.Epoch, Format: tar.FormatUSTAR}); err != nil {
		return nil, err
	}
	zeros := make([]byte, chunk)
	diffID := sha256.New()
	var blob bytes.Buffer
	member := func(b []byte) ([]byte, error) {
		var buf bytes.Buffer
		z := gzip.NewWriter(&buf)
		_, err := z.Write(b)
		if err == nil {
			err = z.Close()
		}
		return buf.Bytes(), err
	}
	head, err := member(header.Bytes())
	if err != nil {
		return nil, err
	}
	zchunk, err := member(zeros)
	if err != nil {
		return nil, err
	}
	end, err := member(zeros[:1024])
	if err != nil {
		return nil, err
	}
	blob.Write(head)
	diffID.Write(header.Bytes())
	for range ZerosSize / chunk {
		blob.Write(zchunk)
		diffID.Write(zeros)
	}
	blob.Write(end)
	diffID.Write(zeros[:1024])
	return []testarchive.Blob{{Data: blob.Bytes(), Comp: testarchive.Gzip, DiffID: "sha256:" + hex.EncodeToString(diffID.Sum(nil))}}, nil
}
