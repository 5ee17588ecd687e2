package source

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"lx.dev/lx/internal/testarchive"
	"lx.dev/lx/internal/testengine"
	"lx.dev/lx/model"
)

// The contents image: a passwd a layer appends to, a config a layer edits,
// a binary with a hardlink to it, two paths with the same text, a symlink
// pointing far above the root, and a big binary.
const (
	passwd0 = "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"
	passwd1 = passwd0 + "app:x:1000:1000:app:/home/app:/bin/sh\n"
	conf0   = "listen = 80\nworkers = 2\nlog = info\n"
	conf2   = "listen = 80\nworkers = 8\nlog = info\n"
	same    = "the same text twice\n"
)

// binary is n bytes that are no text: a NUL in the first ones.
func binary(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7) ^ seed
	}
	b[1] = 0
	return b
}

func contentsImage(t testing.TB) (testImage, map[string][]byte) {
	tool, big := binary(300<<10, 1), binary(5<<20, 2)
	want := map[string][]byte{
		"etc/passwd": []byte(passwd1), "etc/app.conf": []byte(conf2), "bin/tool": tool, "bin/alias": tool,
		"srv/a.txt": []byte(same), "srv/b.txt": []byte(same), "opt/blob.bin": big,
	}
	return testImage{
		tag: "contents:latest",
		layers: [][]byte{
			tarOf(t, dirM("etc/", 0o755), fileM("etc/passwd", 0o644, passwd0), fileM("etc/app.conf", 0o644, conf0),
				dirM("bin/", 0o755), fileM("bin/tool", 0o755, string(tool)), testarchive.Hardlink("bin/alias", "bin/tool"),
				dirM("srv/", 0o755), fileM("srv/a.txt", 0o644, same), fileM("srv/b.txt", 0o644, same),
				dirM("opt/", 0o755), dirM("opt/app/", 0o755), testarchive.Symlink("opt/app/out", "../../../../tmp/x")),
			tarOf(t, dirM("etc/", 0o755), fileM("etc/passwd", 0o644, passwd1)),
			tarOf(t, dirM("etc/", 0o755), fileM("etc/app.conf", 0o644, conf2)),
			tarOf(t, dirM("opt/", 0o755), fileM("opt/blob.bin", 0o644, string(big))),
		},
		steps: []step{{"echo >> /etc/passwd", true}, {"sed", true}, {"big", true}, {"more", true}},
	}, want
}

// loadWithFiles reads ref keeping contents in a budget, and returns the
// image and its files.
func loadWithFiles(t *testing.T, ref string, budget int64) (*model.Image, *Files, *Kept) {
	t.Helper()
	kept := NewKept(budget)
	src, err := Open(ref, Options{Keep: kept})
	if err != nil {
		t.Fatal(err)
	}
	img, err := Analyze(context.Background(), src, nil)
	if err != nil {
		t.Fatal(err)
	}
	files := NewFiles(kept)
	files.SetSource(src)
	return img, files, kept
}

func fileRef(t *testing.T, img *model.Image, p string, k int) model.FileRef {
	t.Helper()
	n, ok := img.Lookup(p)
	if !ok {
		t.Fatalf("%s is not in the image", p)
	}
	ref, ok := img.FileRef(n, k)
	if !ok {
		t.Fatalf("%s holds no file at layer %d", p, k)
	}
	return ref
}

func readAll(t *testing.T, files *Files, ref model.FileRef) []byte {
	t.Helper()
	var got []byte
	err := files.Read(context.Background(), ref, nil, func(r io.Reader) error {
		var err error
		got, err = io.ReadAll(r)
		return err
	})
	if err != nil {
		t.Fatalf("%s: %v", ref.Path, err)
	}
	return got
}

// checkContents reads every file of the contents image back as after its
// last layer, and layer 0's passwd, the copy a later layer replaced.
func checkContents(t *testing.T, img *model.Image, files *Files, want map[string][]byte) {
	t.Helper()
	last := len(img.Layers) - 1
	for p, b := range want {
		if got := readAll(t, files, fileRef(t, img, p, last)); !bytes.Equal(got, b) {
			t.Errorf("%s: %d bytes, want %d (%.40q)", p, len(got), len(b), got)
		}
	}
	if got := readAll(t, files, fileRef(t, img, "etc/passwd", 0)); string(got) != passwd0 {
		t.Errorf("layer 0's passwd: %q", got)
	}
}

// Every layout gives every file's bytes back, kept or read again, and the
// earlier copies of a path too; the plain layouts give them in place.
func TestFilesThroughEveryLayout(t *testing.T) {
	im, want := contentsImage(t)
	for name, ref := range layouts(t, im) {
		t.Run(name, func(t *testing.T) {
			img, files, kept := loadWithFiles(t, ref, DefaultKeepBudget)
			checkContents(t, img, files, want)
			last := len(img.Layers) - 1
			// Kept: the text files, once per content; not the binaries.
			for _, p := range []string{"etc/passwd", "etc/app.conf", "srv/a.txt"} {
				if _, ok := files.Kept(fileRef(t, img, p, last)); !ok {
					t.Errorf("%s is not kept", p)
				}
			}
			for _, p := range []string{"bin/tool", "opt/blob.bin"} {
				if _, ok := files.Kept(fileRef(t, img, p, last)); ok {
					t.Errorf("the binary %s is kept", p)
				}
			}
			if got, want := kept.Used(), int64(len(passwd0)+len(passwd1)+len(conf0)+len(conf2)+len(same)); got != want {
				t.Errorf("%d bytes kept, want %d: each content once", got, want)
			}
			// In place where the blobs are plain tars in a file.
			r, c, ok, err := files.Section(context.Background(), fileRef(t, img, "opt/blob.bin", last))
			inPlace := strings.Contains(name, "legacy docker save") || strings.Contains(name, "plain")
			switch {
			case err != nil:
				t.Fatal(err)
			case ok != inPlace:
				t.Errorf("in place: %v, want %v", ok, inPlace)
			case ok:
				defer c.Close()
				got := make([]byte, 1000)
				if _, err := r.ReadAt(got, 4<<20); err != nil || !bytes.Equal(got, want["opt/blob.bin"][4<<20:4<<20+1000]) {
					t.Errorf("the range in place holds other bytes (%v)", err)
				}
			}
		})
	}
}

// The budget bounds what is kept; 0 keeps nothing, and the files are then
// read again.
func TestKeptBudget(t *testing.T) {
	im, _ := contentsImage(t)
	ref := testarchive.WriteFile(t, "c.tar", legacyArchive(t, im))
	_, _, kept := loadWithFiles(t, ref, int64(len(passwd0)+len(conf0)))
	if kept.Used() > kept.Budget() || kept.Used() == 0 {
		t.Errorf("kept %d of a budget of %d", kept.Used(), kept.Budget())
	}
	img, files, kept := loadWithFiles(t, ref, 0)
	if kept != nil || kept.Used() != 0 {
		t.Fatalf("a budget of 0 keeps %d bytes", kept.Used())
	}
	if got := readAll(t, files, fileRef(t, img, "etc/passwd", 1)); string(got) != passwd1 {
		t.Errorf("passwd read again: %q", got)
	}
}

// Bytes that changed since the load are an error, never content.
func TestFilesChangedAfterLoad(t *testing.T) {
	im, _ := contentsImage(t)
	for name, ref := range map[string]string{
		"in place":    testarchive.WriteFile(t, "c.tar", legacyArchive(t, im)),
		"gzip stream": testarchive.WriteFile(t, "c.tar.gz", compressed(t, legacyArchive(t, im), Gzip)),
	} {
		t.Run(name, func(t *testing.T) {
			img, files, _ := loadWithFiles(t, ref, 0)
			f := fileRef(t, img, "etc/app.conf", 2)
			path := strings.TrimPrefix(ref, "docker-archive:")
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if name == "gzip stream" {
				b = compressed(t, bytes.Replace(legacyArchive(t, im), []byte(conf2), []byte(strings.ToUpper(conf2)), 1), Gzip)
			} else {
				b = bytes.Replace(b, []byte(conf2), []byte(strings.ToUpper(conf2)), 1)
			}
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			err = files.Read(context.Background(), f, nil, func(r io.Reader) error { _, err := io.ReadAll(r); return err })
			if err == nil || !strings.Contains(err.Error(), "not those lx read before") {
				t.Errorf("changed bytes: %v", err)
			}
		})
	}
}

// A file of the engine is read again from a second save, up to its layer.
func TestEngineReadFile(t *testing.T) {
	testengine.Each(t, func(t *testing.T, e testengine.Engine) {
		src := engineFor(t, "lx-fixture/seed:latest", e.Host)
		img, err := Analyze(context.Background(), src, nil)
		if err != nil {
			t.Fatal(err)
		}
		files := NewFiles(nil)
		files.SetSource(src)
		var reads int
		var got []byte
		f := fileRef(t, img, "data/two", len(img.Layers)-1)
		err = files.Read(context.Background(), f, func(int64, int64) { reads++ }, func(r io.Reader) error {
			got, err = io.ReadAll(r)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1<<20 || bytes.Count(got, []byte{0}) != len(got) || reads == 0 {
			t.Errorf("/data/two: %d bytes, %d of them zero, %d progress reports", len(got), bytes.Count(got, []byte{0}), reads)
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := files.Read(ctx, f, nil, func(r io.Reader) error { return nil }); !errors.Is(err, context.Canceled) {
			t.Errorf("a cancelled read: %v", err)
		}
	})
}

// From a registry, a file is read from its one layer blob fetched again
// (and only as far as the file: the rest of the blob is not asked for),
// the small text ones kept on the way.
func TestRegistryReadFile(t *testing.T) {
	noDockerConfig(t)
	reg := startTestRegistry(t)
	im, want := contentsImage(t)
	for _, comp := range []Compression{Gzip, Plain} {
		reg.push(t, "lx/contents", comp.String(), comp, im)
		t.Run(comp.String(), func(t *testing.T) {
			img, files, kept := loadWithFiles(t, RegistryPrefix+reg.addr+"/lx/contents:"+comp.String(), DefaultKeepBudget)
			last := len(img.Layers) - 1
			for p, b := range want {
				if got := readAll(t, files, fileRef(t, img, p, last)); !bytes.Equal(got, b) {
					t.Errorf("%s: %d bytes, want %d", p, len(got), len(b))
				}
			}
			if _, ok := files.Kept(fileRef(t, img, "etc/passwd", last)); !ok || kept.Used() == 0 {
				t.Error("nothing kept from the registry's blobs")
			}
		})
	}
}

// A container's files: the image's from the engine's save, the writable
// layer's from the archive API (a hardlink's bytes are its target's).
func TestContainerReadFile(t *testing.T) {
	_, host := startFakeContainers(t)
	src, err := Open(ContainerPrefix+"web", Options{Engine: EngineOptions{Host: host}})
	if err != nil {
		t.Fatal(err)
	}
	img, err := Analyze(context.Background(), src, nil)
	if err != nil {
		t.Fatal(err)
	}
	files := NewFiles(nil)
	files.SetSource(src)
	for p, want := range map[string]string{
		"bin-amd64": strings.Repeat("amd64", 100),
		"data/log2": string(make([]byte, 1000)),
	} {
		if got := readAll(t, files, fileRef(t, img, p, 2)); string(got) != want {
			t.Errorf("%s in the writable layer: %d bytes, want %d", p, len(got), len(want))
		}
	}
	if got := readAll(t, files, fileRef(t, img, "etc/os", 1)); string(got) != "base" {
		t.Errorf("etc/os of the image: %q", got)
	}
}
