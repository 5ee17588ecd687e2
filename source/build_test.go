package source

import (
	"testing"

	"lx.dev/lx/internal/testarchive"
)

// The archives of these tests are written by internal/testarchive, from
// one description of an image, so the same image can be checked through
// every layout lx reads. These adapters keep the short names the tests use.

var epoch = testarchive.Epoch

func tarOf(t testing.TB, es ...testarchive.Entry) []byte { return testarchive.Tar(t, es...) }

func dirM(name string, mode int64) testarchive.Entry { return testarchive.Dir(name, mode) }

func fileM(name string, mode int64, body string) testarchive.Entry {
	return testarchive.File(name, mode, body)
}

func zerosM(name string, mode int64, n int64) testarchive.Entry {
	return testarchive.Zeros(name, mode, n)
}

func digestOf(b []byte) string { return testarchive.Digest(b) }

// stored is the testarchive name of a compression.
func stored(c Compression) testarchive.Compression {
	return map[Compression]testarchive.Compression{Plain: testarchive.Plain, Gzip: testarchive.Gzip, Zstd: testarchive.Zstd}[c]
}

func compressed(t testing.TB, b []byte, c Compression) []byte {
	return testarchive.Compressed(t, b, stored(c))
}

// step is one history entry; layer says whether it owns a layer.
type step struct {
	createdBy string
	layer     bool
}

type testImage struct {
	tag    string
	os     string
	arch   string
	layers [][]byte // plain tars, bottom first
	steps  []step
}

func (im testImage) archived() testarchive.Image {
	out := testarchive.Image{Tag: im.tag, OS: im.os, Arch: im.arch, History: []testarchive.Step{}}
	for _, l := range im.layers {
		out.Layers = append(out.Layers, testarchive.PlainBlob(l))
	}
	for _, s := range im.steps {
		out.History = append(out.History, testarchive.Step{CreatedBy: s.createdBy, Empty: !s.layer})
	}
	return out
}

func (im testImage) config() []byte { return im.archived().Config() }

func archived(ims []testImage) []testarchive.Image {
	var out []testarchive.Image
	for _, im := range ims {
		out = append(out, im.archived())
	}
	return out
}

func legacyArchive(t testing.TB, ims ...testImage) []byte {
	return testarchive.Legacy(t, archived(ims)...)
}

// ociArchive is an OCI layout in a tar, as Docker 25+ saves it when docker
// is set; layers compressed with comp.
func ociArchive(t testing.TB, comp Compression, docker bool, ims ...testImage) []byte {
	return testarchive.OCI(t, testarchive.OCIOptions{Comp: stored(comp), Docker: docker}, archived(ims)...)
}

func ociDir(t testing.TB, comp Compression, ims ...testImage) string {
	return testarchive.OCIDir(t, stored(comp), archived(ims)...)
}

// v1Archive is a docker save from before Docker 1.10 (testarchive.WriteV1).
func v1Archive(t testing.TB, ims ...testImage) []byte {
	return testarchive.V1(t, archived(ims)...)
}
