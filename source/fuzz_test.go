package source

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"lx.dev/lx/internal/hostile"
	"lx.dev/lx/internal/testarchive"
	"lx.dev/lx/model"
)

// The readers take bytes from anywhere; whatever they are given, they
// answer with a layer or an error, never a panic, and what they answer
// holds the model's promises.

func FuzzReadLayer(f *testing.F) {
	seed := seedImage(f)
	for _, l := range seed.layers {
		f.Add(l)
		f.Add(compressed(f, l, Gzip))
		f.Add(compressed(f, l, Zstd))
	}
	f.Add(make([]byte, 1024))
	layers, _ := hostileSeeds(f)
	for _, b := range layers {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := ReadLayer(bytes.NewReader(data))
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans lines: %q", err)
			}
			return
		}
		b := model.NewBuilder(model.Config{DiffIDs: []string{l.DiffID}})
		if _, err := b.AddLayer(l.Entries); err != nil {
			t.Fatal(err)
		}
		if img, err := b.Finish(); err != nil || img.CheckInvariants() != nil {
			t.Errorf("the layer's image: %v %v", err, img.CheckInvariants())
		}
		if !strings.HasPrefix(l.DiffID, "sha256:") || len(l.DiffID) != 71 {
			t.Errorf("diffID %q", l.DiffID)
		}
		for _, e := range l.Entries {
			if (e.Path == "" && e.Kind != model.KindOpaque) || strings.HasPrefix(e.Path, "/") || hasDotDot(e.Path) || strings.Contains(e.Path, "//") {
				t.Errorf("unclean path %q", e.Path)
			}
			if e.Kind == model.KindRegular && e.Size < 0 {
				t.Errorf("%q: size %d", e.Path, e.Size)
			}
			if !utf8.ValidString(model.DisplayPath(e.Path)) {
				t.Errorf("display path of %q is not UTF-8", e.Path)
			}
		}
	})
}

// collectSink checks the Sink contract as it is fed, and builds the image.
type collectSink struct {
	t      *testing.T
	cfg    *model.Config
	seen   map[int]bool
	layers int
	build  *analysis
}

func newCollectSink(t *testing.T) *collectSink {
	return &collectSink{t: t, seen: map[int]bool{}, build: newAnalysis(nil)}
}

func (s *collectSink) Config(cfg model.Config) error {
	if s.cfg != nil {
		s.t.Error("Config called twice")
	}
	s.cfg = &cfg
	return s.build.Config(cfg)
}

func (s *collectSink) Layer(i int, l Layer) error {
	if s.cfg == nil || s.seen[i] || i >= len(s.cfg.DiffIDs) || l.DiffID != s.cfg.DiffIDs[i] {
		s.t.Errorf("layer %d (%s) twice, before the config, or unbound", i, l.DiffID)
	}
	s.seen[i] = true
	s.layers++
	return s.build.Layer(i, l)
}

func (s *collectSink) Observe(Event) {}

// finish waits for the layers to be applied and finishes the image.
func (s *collectSink) finish() (*model.Image, error) {
	if err := s.build.stop(); err != nil {
		return nil, err
	}
	return s.build.b.Finish()
}

// archiveSeeds seeds an archive reader's target: a small image in every
// layout (the pre-1.10 one too), the shapes other tools write (a nested
// index, manifests listing no image), and the hostile corpus.
func archiveSeeds(f *testing.F) {
	small := testImage{tag: "f:1", layers: [][]byte{tarOf(f, fileM("a", 0o644, "x")), tarOf(f, fileM(".wh.a", 0, ""))}, steps: []step{{"1", true}, {"2", true}}}
	arm := small
	arm.arch = "arm64"
	none := testarchive.Legacy(f) // manifest.json is null
	for _, b := range [][]byte{
		legacyArchive(f, small),
		ociArchive(f, Gzip, true, small),
		ociArchive(f, Zstd, false, small),
		v1Archive(f, small),
		compressed(f, v1Archive(f, small), Gzip),
		testarchive.OCI(f, testarchive.OCIOptions{Nest: "f:nested"}, archived([]testImage{small, arm})...),
		none,
		testarchive.Rewritten(f, none, testarchive.Replace("manifest.json", []byte("[]"))),
		testarchive.OCI(f, testarchive.OCIOptions{}), // index.json lists no manifest
	} {
		f.Add(b)
	}
	_, archives := hostileSeeds(f)
	for _, b := range archives {
		f.Add(b)
	}
}

func FuzzReadArchive(f *testing.F) {
	archiveSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		s := newCollectSink(t)
		defer s.build.stop()
		s.check(ReadArchive(context.Background(), bytes.NewReader(data), Options{}, "fuzz.tar", nil, s))
	})
}

// FuzzReadArchiveFile reads an archive file as lx does: a plain one
// seeking (its index first), a compressed one as a stream.
func FuzzReadArchiveFile(f *testing.F) {
	archiveSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "fuzz.tar")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		s := newCollectSink(t)
		defer s.build.stop()
		s.check((&Archive{Path: p}).Load(context.Background(), s))
	})
}

// check holds a read's outcome to the Sink contract: an error in one
// line, or every layer delivered and an image that keeps the model's
// invariants.
func (s *collectSink) check(err error) {
	t := s.t
	if err != nil {
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("error spans lines: %q", err)
		}
		return
	}
	if s.cfg == nil || s.layers != len(s.cfg.DiffIDs) {
		t.Fatalf("success without every layer delivered: config %v, %d layers", s.cfg != nil, s.layers)
	}
	img, err := s.finish()
	if err != nil {
		t.Fatal(err)
	}
	if err := img.CheckInvariants(); err != nil {
		t.Errorf("invariants broken:\n%v", err)
	}
}

// hostileSeeds is the hostile corpus for the readers: every small case's
// layer blobs, plain, and the case as a legacy and an OCI archive.
func hostileSeeds(t testing.TB) (layers, archives map[string][]byte) {
	layers, archives = map[string][]byte{}, map[string][]byte{}
	for _, c := range hostile.All() {
		if c.Big {
			continue
		}
		blobs, err := c.MakeBlobs()
		if err != nil {
			t.Fatal(err)
		}
		for i, b := range blobs {
			layers[fmt.Sprintf("%s-%d", c.Name, i)] = b.Data
		}
		for _, l := range c.SavedAs() {
			a, err := c.Archive(l)
			if err != nil {
				t.Fatal(err)
			}
			archives[c.Name+"-"+string(l)] = a
		}
	}
	return layers, archives
}

// TestFuzzSeeds keeps the readers' checked-in seeds equal to the hostile
// corpus, gzip-compressed, as the readers take blobs and whole archives
// too: plain, the corpus would be megabytes of quoted zeros. The fuzz
// targets add the plain ones when they start.
func TestFuzzSeeds(t *testing.T) {
	layers, archives := hostileSeeds(t)
	for _, m := range []map[string][]byte{layers, archives} {
		for name, b := range m {
			m[name] = compressed(t, b, Gzip)
		}
	}
	hostile.CheckSeeds(t, "FuzzReadLayer", layers)
	hostile.CheckSeeds(t, "FuzzReadArchive", archives)
}
