package model

import (
	"slices"
	"testing"
	"time"
)

// A container's filesystem: its image's layers, then its writable layer,
// which no history step made.
func containerConfig(images int, history ...History) Config {
	cfg := Config{History: history, Container: &Container{ID: "c0ffee", Name: "web", State: "running", Created: time.Unix(1700000000, 0), SizeRw: 10, SizeRootFs: 20}}
	for i := range images {
		cfg.DiffIDs = append(cfg.DiffIDs, "sha256:"+string(rune('a'+i)))
	}
	cfg.DiffIDs = append(cfg.DiffIDs, "")
	return cfg
}

func TestOutlineOfAContainer(t *testing.T) {
	// One history step more than the image has layers: it must not be
	// taken for the writable layer's.
	cfg := containerConfig(2, History{CreatedBy: "ADD x"}, History{CreatedBy: "CMD sh", EmptyLayer: true}, History{CreatedBy: "COPY y"}, History{CreatedBy: "RUN stray"})
	layers, steps, warnings := Outline(cfg)
	if len(layers) != 3 || len(steps) != 4 {
		t.Fatalf("%d layers, %d steps; want 3 and 4", len(layers), len(steps))
	}
	w := layers[2]
	if !w.Container || w.Step != -1 || w.Command != "container web (running)" || !w.Created.Equal(cfg.Container.Created) || w.Blob.CompressedSize != -1 {
		t.Errorf("writable layer = %+v", w)
	}
	if layers[0].Container || layers[1].Container || layers[1].Command != "COPY y" || steps[3].Layer != -1 {
		t.Errorf("image layers = %+v, steps = %+v", layers[:2], steps)
	}
	if len(warnings) != 0 {
		t.Errorf("warnings %q: the writable layer needs no history", warnings)
	}
	// A history short of the image's layers is warned about, counting the
	// image's layers only.
	_, _, warnings = Outline(containerConfig(2, History{CreatedBy: "ADD x"}))
	if want := []string{"history covers 1 of 2 layers; the others have no command"}; !slices.Equal(warnings, want) {
		t.Errorf("warnings %q, want %q", warnings, want)
	}
}

// The writable layer is accounted like any layer: a file rewritten with
// the same bytes is recopied, with other bytes overwritten; a deleted
// image file is D, and its bytes stay shipped (removed).
func TestWritableLayerWaste(t *testing.T) {
	cfg := containerConfig(2, History{CreatedBy: "ADD busybox"}, History{CreatedBy: "COPY big64"})
	image := layers(
		[]Entry{dir("bin", 0o755), file("bin/vi", 0o755, "vi applet"), dir("opt", 0o755)},
		[]Entry{dir("opt", 0o755), blob("opt/big64", 0o644, 65536, 64), blob("opt/other", 0o644, 100, 7)},
	)
	writable := []Entry{
		dir("bin", 0o755), wh("bin/vi"),
		dir("opt", 0o755), blob("opt/big64", 0o644, 65536, 64), blob("opt/other", 0o644, 50, 8),
		dir("root", 0o700), blob("root/new100k", 0o644, 102400, 100),
	}
	img := buildFrom(t, cfg, append(image, writable))
	want := []string{"A root", "A root/new100k", "C opt/big64", "C opt/other", "D bin/vi", "c bin", "c opt"} // c: listed again, metadata only
	if got := markers(img, 2); !slices.Equal(got, want) {
		t.Errorf("writable layer markers %q, want %q", got, want)
	}
	var got []string
	for _, w := range img.Waste {
		got = append(got, w.Path+" "+w.Cause.String()+" "+string(rune('0'+w.MadeBy))+"→"+string(rune('0'+w.KilledBy)))
	}
	wantWaste := []string{"opt/big64 recopied 1→2", "opt/other overwritten 1→2", "bin/vi removed 0→2"}
	if !slices.Equal(got, wantWaste) {
		t.Errorf("waste %q, want %q", got, wantWaste)
	}
	l := img.Layers[2]
	if l.SizeBytes != 65536+50+102400 || l.WastedKilled != 65536+100+9 || l.Added != 2 || l.Changed != 2 || l.Deleted != 1 {
		t.Errorf("writable layer figures %+v", l)
	}
}

// A writable layer is in no store: two containers' writable layers (both
// diffID "") are not one shared layer.
func TestWritableLayersAreNotShared(t *testing.T) {
	got := SharedLayers([]string{"sha256:a", "sha256:b", ""}, []string{"sha256:a", "sha256:b", ""})
	if len(got) != 2 || CommonPrefix(got) != 2 {
		t.Errorf("shared %+v, want the two image layers only", got)
	}
	got = SharedLayers([]string{"sha256:a", ""}, []string{"sha256:b", ""})
	if len(got) != 0 {
		t.Errorf("shared %+v, want none", got)
	}
}
