package source

import (
	"archive/tar"
	"bytes"
	"io"
	"math/rand"
	"strconv"
	"testing"

	"github.com/cespare/xxhash/v2"

	"lx.dev/lx/internal/testarchive"
)

// benchLayer is a 20,000-file layer of about 160 MB: sizes spread like a
// distribution's, contents incompressible.
func benchLayer(b *testing.B) []byte {
	b.Helper()
	rng := rand.New(rand.NewSource(7))
	noise := make([]byte, 4<<20)
	rng.Read(noise)
	entries := make([]testarchive.Entry, 0, 20_000)
	for i := range 20_000 {
		size := int64(rng.ExpFloat64() * 8000)
		if size > int64(len(noise)) {
			size = int64(len(noise))
		}
		name := "usr/share/d" + strconv.Itoa(i%300) + "/f" + strconv.Itoa(i)
		off := rng.Intn(len(noise) - int(size) + 1)
		entries = append(entries, testarchive.File(name, 0o644, string(noise[off:off+int(size)])))
	}
	return testarchive.Tar(b, entries...)
}

// BenchmarkReadLayer is the reader's whole cost on one layer: tar, xxhash
// of every file, the diffID's SHA-256 and the entries.
func BenchmarkReadLayer(b *testing.B) {
	data := benchLayer(b)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := ReadLayer(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFloorLayer is the floor for the same bytes: tar parsing and an
// xxhash of every regular file, nothing else.
func BenchmarkFloorLayer(b *testing.B) {
	data := benchLayer(b)
	b.SetBytes(int64(len(data)))
	buf := make([]byte, 128<<10)
	for b.Loop() {
		tr := tar.NewReader(bytes.NewReader(data))
		for {
			_, err := tr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			d := xxhash.New()
			io.CopyBuffer(d, tr, buf)
		}
	}
}
