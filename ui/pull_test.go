package ui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"lx.dev/lx/internal/fixture"
	"lx.dev/lx/model"
)

// pulledSeed is the seed image as a registry gives it: every layer's blob
// digest and pull size, a fifth of its tar.
func pulledSeed(t *testing.T) *model.Image {
	t.Helper()
	cfg, layers := fixture.SeedLayers()
	cfg.Layers = nil
	tar := func(l []model.Entry) int64 {
		n := int64(10 << 10)
		for _, e := range l {
			n += e.Size
		}
		return n
	}
	for k, l := range layers {
		cfg.Layers = append(cfg.Layers, model.LayerBlob{Digest: fmt.Sprintf("sha256:%064x", k+1), CompressedSize: tar(l) / 5})
	}
	img, err := fixture.Build(cfg, layers, func(k int) int64 { return tar(layers[k]) })
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// The layer list shows each layer's pull size beside its size when the
// source knows them, at 80 columns and wide; the waste list and its hints
// say what each copy costs a pull, estimated.
func TestGoldenPull(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {160, 45}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			a := newTestApp(t, true, sz[0], sz[1])
			loaded(t, a, pulledSeed(t))
			keys(a, "] ] ]")
			out := a.View().Content
			checkSize(t, out, sz[0], sz[1])
			s := ansi.Strip(out)
			for _, want := range []string{"PULL", "WASTED", "KILLED", "RUN chmod"} {
				if !strings.Contains(s, want) {
					t.Errorf("%q is not on screen:\n%s", want, s)
				}
			}
			golden.RequireEqual(t, out)

			keys(a, "w")
			out = a.View().Content
			checkSize(t, out, sz[0], sz[1])
			s = ansi.Strip(out)
			for _, want := range []string{"≈PULL", "a pull, estimated", "/data/one"} {
				if !strings.Contains(s, want) {
					t.Errorf("%q is not in the waste list:\n%s", want, s)
				}
			}
		})
	}
}
