package ui

import (
	"strings"
	"testing"

	"lx.dev/lx/internal/fixture"
	"lx.dev/lx/model"
	"lx.dev/lx/model/report"
)

func containerImage(t testing.TB) *model.Image {
	t.Helper()
	img, err := fixture.Container()
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// growingContainer feeds the app the container as its source does: the
// config with the writable layer on top, the image's layers applied, the
// writable layer still being read.
func growingContainer(t testing.TB, a *App) {
	t.Helper()
	cfg, layers := fixture.ContainerLayers()
	b := model.NewBuilder(cfg)
	send(a, ConfigMsg{Config: cfg})
	for i := range len(layers) - 1 {
		if _, err := b.AddLayer(layers[i]); err != nil {
			t.Fatal(err)
		}
		snap := b.Image().Snapshot()
		send(a, AppliedMsg{Applied: i + 1, Total: len(layers), Image: b.Image(), Snapshot: snap, Hints: report.Build(snap, report.Options{}).Hints})
	}
}

func TestContainerOpensOnItsWritableLayer(t *testing.T) {
	a := newTestApp(t, true, 240, 50) // wide enough that no line wraps
	loaded(t, a, containerImage(t))
	screenHas(t, a,
		"2 164.0 KiB 2 1 1 · 64.0 KiB container web (running)", // the row: A/C/D, size, the copy it killed
		"Filesystem after layer 2",
		"ps -s size 164.0 KiB · virtual 1.2 MiB",
		"container web (running), of lx-fixture/big64:latest",
		"size 164.0 KiB (167,936 bytes), docker ps -s",
		"virtual 1.2 MiB (1,265,795 bytes), with the image")
	s := screen(a)
	if strings.Contains(s, "RUN container") || strings.Contains(s, "diffID") {
		t.Errorf("the writable layer is told as an image layer:\n%s", s)
	}
	// Moving off it and back is as for any layer; an image opens on its
	// first step as before.
	keys(a, "[ ]")
	if !strings.Contains(screen(a), "Filesystem after layer 2") {
		t.Errorf("[ ] did not come back to the writable layer:\n%s", screen(a))
	}
	b := newTestApp(t, true, 140, 36)
	loaded(t, b, seed(t))
	if !strings.Contains(screen(b), "Filesystem after layer 0") {
		t.Errorf("an image does not open on its first layer:\n%s", screen(b))
	}
}

// While the writable layer is read, its tree says so.
func TestContainerWritableLayerWhileRead(t *testing.T) {
	a := newTestApp(t, true, 300, 36)
	growingContainer(t, a)
	screenHas(t, a, "the container's writable layer shows once the engine has listed its changes and sent what they hold, and the image's layers are in (2 of 3 applied)")
}

// screenHas fails unless the screen, its runs of spaces made one, holds
// every one of wants.
func screenHas(t *testing.T, a *App, wants ...string) {
	t.Helper()
	s := screen(a)
	flat := strings.Join(strings.Fields(s), " ")
	for _, w := range wants {
		if !strings.Contains(flat, w) {
			t.Errorf("the screen lacks %q:\n%s", w, s)
		}
	}
}

// The SHARED column says nothing of the writable layer: no image holds it.
func TestContainerSharedCell(t *testing.T) {
	img := containerImage(t)
	img.Config.Relations = model.Relations{SharedBy: [][]string{{"lx-fixture/seed:latest"}, {}}}
	a := newTestApp(t, true, 140, 36)
	loaded(t, a, img)
	if regexpMatch(`164\.0 KiB.*-1\s+container web`, screen(a)) {
		t.Errorf("the writable layer's SHARED cell is -1:\n%s", screen(a))
	}
	screenHas(t, a, "0 1007.4 KiB 12 0 0 · · 1 ADD", "1 64.0 KiB 2 0 0 64.0 KiB · · COPY big64", "2 164.0 KiB 2 1 1 · 64.0 KiB container web (running)")
}

// The history overlay (H) and the diff explorer name the writable layer
// by its container, not as a RUN step.
func TestContainerLayerNamedEverywhere(t *testing.T) {
	a := newTestApp(t, true, 140, 36)
	loaded(t, a, containerImage(t))
	keys(a, "tab H")
	screenHas(t, a, "container web (running)")
	if strings.Contains(screen(a), "RUN container") {
		t.Errorf("the history overlay:\n%s", screen(a))
	}
	for _, k := range []string{"", "tab", "tab end", "tab end tab"} {
		d := newTestDiff(t, true, 140, 36)
		compared(t, d, containerImage(t), seed(t))
		keys(d, k)
		if s := screen(d); strings.Contains(s, "RUN container") || !strings.Contains(s, "container web (running)") && k == "" {
			t.Errorf("the diff explorer after %q:\n%s", k, s)
		}
	}
}
