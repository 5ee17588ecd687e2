package source

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"unicode/utf8"

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
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := ReadLayer(bytes.NewReader(data))
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans lines: %q", err)
			}
			return
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

// collectSink checks the Sink contract as it is fed.
type collectSink struct {
	t      *testing.T
	cfg    *model.Config
	layers int
}

func (s *collectSink) Config(cfg model.Config) error {
	if s.cfg != nil {
		s.t.Error("Config called twice")
	}
	s.cfg = &cfg
	return nil
}

func (s *collectSink) Layer(i int, l Layer) error {
	if s.cfg == nil || i != s.layers || i >= len(s.cfg.DiffIDs) || l.DiffID != s.cfg.DiffIDs[i] {
		s.t.Errorf("layer %d (%s) out of order or unbound", i, l.DiffID)
	}
	s.layers++
	return nil
}

func FuzzReadArchive(f *testing.F) {
	small := testImage{tag: "f:1", layers: [][]byte{tarOf(f, fileM("a", 0o644, "x")), tarOf(f, fileM(".wh.a", 0, ""))}, steps: []step{{"1", true}, {"2", true}}}
	f.Add(legacyArchive(f, small))
	f.Add(ociArchive(f, Gzip, true, small))
	f.Add(ociArchive(f, Zstd, false, small))
	f.Fuzz(func(t *testing.T, data []byte) {
		s := &collectSink{t: t}
		err := ReadArchive(context.Background(), bytes.NewReader(data), Options{}, "fuzz.tar", s)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans lines: %q", err)
			}
			return
		}
		if s.cfg == nil || s.layers != len(s.cfg.DiffIDs) {
			t.Errorf("success without every layer delivered: config %v, %d layers", s.cfg != nil, s.layers)
		}
	})
}
