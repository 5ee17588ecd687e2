package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"lx.dev/lx/internal/fixture"
	"lx.dev/lx/model"
	"lx.dev/lx/model/report"
)

// buildImage makes an image from layers through the model, layer i made
// by the command "RUN step i".
func buildImage(t testing.TB, ref string, layers ...[]model.Entry) *model.Image {
	t.Helper()
	cfg := model.Config{Ref: ref}
	for i := range layers {
		cfg.DiffIDs = append(cfg.DiffIDs, fmt.Sprintf("sha256:%064d", i))
		cfg.History = append(cfg.History, model.History{CreatedBy: fmt.Sprintf("/bin/sh -c step %d", i)})
	}
	b := model.NewBuilder(cfg)
	for _, l := range layers {
		if _, err := b.AddLayer(l); err != nil {
			t.Fatal(err)
		}
	}
	img, err := b.Finish()
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func dirEntry(p string) model.Entry { return model.Entry{Path: p, Kind: model.KindDir, Mode: 0o755} }
func fileEntry(p string, n int64, seed uint64) model.Entry {
	return model.Entry{Path: p, Kind: model.KindRegular, Mode: 0o644, Size: n, Digest: seed}
}

// appBuild is the shape of a real build: a base, a WORKDIR, then a RUN
// that writes 300 files deep below it.
func appBuild(t testing.TB) *model.Image {
	base := []model.Entry{dirEntry("bin"), fileEntry("bin/busybox", 1000, 1), dirEntry("etc"), fileEntry("etc/passwd", 10, 2), dirEntry("tmp")}
	for i := range 40 {
		base = append(base, model.Entry{Path: fmt.Sprintf("bin/tool%d", i), Kind: model.KindSymlink, Mode: 0o777, Link: "busybox"})
	}
	work := []model.Entry{dirEntry("opt"), dirEntry("opt/app")}
	lib := "opt/app/node_modules/a/node_modules/b/lib"
	run := []model.Entry{dirEntry("opt"), dirEntry("opt/app"), dirEntry("opt/app/node_modules")}
	for i := 1; i <= 300; i++ {
		run = append(run, fileEntry(fmt.Sprintf("%s/m%d.js", lib, i), 10, uint64(100+i)))
	}
	return buildImage(t, "app-build", base, work, run)
}

// Selecting the layer that wrote 300 files shows them: the directories on
// the way open, the changed directories carry their counts, the cursor is
// on the first change; /bin, unchanged, stays closed.
func TestChangesInPlainSight(t *testing.T) {
	a := newTestApp(t, true, 80, 24)
	loaded(t, a, appBuild(t))
	keys(a, "] ] tab")
	tree := treeOf(a)
	if n, _ := tree.selectedNode(); a.img.img.Path(n) != "opt/app/node_modules" {
		t.Fatalf("the cursor is on %q, want the first change opt/app/node_modules", a.img.img.Path(n))
	}
	s := screen(a)
	for _, want := range []string{"node_modules +", "▾ app", "▸ bin"} {
		if !strings.Contains(s, want) {
			t.Errorf("%q is not on screen:\n%s", want, s)
		}
	}
	if !strings.Contains(s, "c  drwxr-xr-x") {
		t.Errorf("the touched /opt/app is not marked c:\n%s", s)
	}
	// The user moves: switching layers keeps their place.
	keys(a, "up")
	n, _ := tree.selectedNode()
	keys(a, "[ ]")
	if m, _ := tree.selectedNode(); m != n {
		t.Errorf("after a move, switching layers took the cursor from %q to %q", a.img.img.Path(n), a.img.img.Path(m))
	}
}

// However deep a path, its name stays on screen at 80 columns.
func TestDeepPathKeepsItsName(t *testing.T) {
	deep := strings.Repeat("level/", 30) + "big.bin"
	img := buildImage(t, "deep", []model.Entry{fileEntry(deep, 5, 1)})
	a := newTestApp(t, true, 80, 24)
	loaded(t, a, img)
	keys(a, "tab + end")
	if s := screen(a); !strings.Contains(s, "big.bin") {
		t.Fatalf("the deep file's name is cut:\n%s", s)
	}
}

func TestHardlinksAndEmptyDirectories(t *testing.T) {
	a := newTestApp(t, true, 140, 36)
	loaded(t, a, seed(t))
	keys(a, "] ] ] ] ] ] tab +")
	s := screen(a)
	if !strings.Contains(s, "ls => /bin/busybox") || strings.Contains(s, "ls -> /bin/busybox") {
		t.Errorf("a hardlink is not told from a symlink:\n%s", s)
	}
	if !strings.Contains(s, "tmp/") || strings.Contains(s, "▸ tmp") {
		t.Errorf("the empty /tmp looks openable:\n%s", s)
	}
}

// q closes an overlay, as Esc does; Ctrl-C still quits.
func TestQuitInAnOverlayCloses(t *testing.T) {
	a := newTestApp(t, true, 140, 36)
	loaded(t, a, seed(t))
	keys(a, "w")
	_, cmd := a.Update(press("q"))
	if len(a.overlays) != 0 || (cmd != nil && cmd() == tea.Quit()) {
		t.Fatalf("q in the waste list: %d overlays, quit %v", len(a.overlays), cmd != nil)
	}
	keys(a, "w")
	if _, cmd := a.Update(press("ctrl+c")); cmd == nil || cmd() != tea.Quit() {
		t.Fatal("Ctrl-C in an overlay does not quit")
	}
}

// A deleted directory says what its deletion wasted.
func TestDeletedDirectorySaysWhatItKilled(t *testing.T) {
	img := buildImage(t, "rmrf",
		[]model.Entry{dirEntry("cache"), fileEntry("cache/a", 3000, 1), fileEntry("cache/b", 2000, 2)},
		[]model.Entry{{Path: "cache", Kind: model.KindWhiteout}},
	)
	a := newTestApp(t, true, 140, 36)
	loaded(t, a, img)
	keys(a, "] tab")
	if s := screen(a); !regexpMatch(`D\s+drwxr-xr-x\s+0:0\s+4\.9 KiB\s+\S+ cache\s+✗ deletes 4\.9 KiB of shipped copies`, s) {
		t.Fatalf("the deleted directory does not say what it wasted:\n%s", s)
	}
}

// The waste list groups one chown -R's hundreds of copies into a row, and
// opens a group copy by copy.
func TestWasteListGroups(t *testing.T) {
	base, chown := []model.Entry{dirEntry("app")}, []model.Entry{}
	for i := range 300 {
		p := fmt.Sprintf("app/f%d", i)
		base = append(base, fileEntry(p, 10, uint64(i)))
		e := fileEntry(p, 10, uint64(i))
		e.UID, e.GID = 33, 33
		chown = append(chown, e)
	}
	a := newTestApp(t, true, 140, 40)
	loaded(t, a, buildImage(t, "chown", base, chown))
	keys(a, "w v")
	s := screen(a)
	if !regexpMatch(`2\.9 KiB\s+recopied\s+300\s+/app/`, s) || !strings.Contains(s, "by directory") {
		t.Fatalf("by directory, the 300 copies are not one row:\n%s", s)
	}
	keys(a, "v")
	if s = screen(a); !regexpMatch(`2\.9 KiB\s+recopied\s+300\s+1 RUN step 1`, s) {
		t.Fatalf("by step, the 300 copies are not one row:\n%s", s)
	}
	keys(a, "enter")
	if s = screen(a); !strings.Contains(s, "/app/f0") || !strings.Contains(s, "1/300") {
		t.Fatalf("Enter does not open the group copy by copy:\n%s", s)
	}
	keys(a, "esc")
	if len(a.overlays) != 1 || !strings.Contains(screen(a), "by killing step") {
		t.Fatal("Esc inside a group does not go back to the groups")
	}
}

// Every hint can be read: they scroll, their count shows, and a path
// rewritten by 99 steps is one hint.
func TestHintsScroll(t *testing.T) {
	layers := [][]model.Entry{{dirEntry("var")}}
	for i := range 99 {
		layers = append(layers, []model.Entry{fileEntry("var/log.txt", int64(100+i), uint64(i))})
	}
	for i := range 12 { // twelve removals by twelve steps: twelve hints
		p := fmt.Sprintf("tmp%d", i)
		layers = append(layers, []model.Entry{fileEntry(p, 50, uint64(500+i))}, []model.Entry{{Path: p, Kind: model.KindWhiteout}})
	}
	a := newTestApp(t, true, 120, 40)
	img := buildImage(t, "log", layers...)
	loaded(t, a, img)
	keys(a, "w")
	s := screen(a)
	if !strings.Contains(s, "FIX HINTS · 13 ·") || strings.Count(s, "/var/log.txt is rewritten by 98 steps") != 1 {
		t.Fatalf("13 hints (one for the log), counted:\n%s", s)
	}
	if !strings.Contains(s, "the same "+size(img.WastedBytes)+" as the list") {
		t.Errorf("the hints do not say how they relate to the list:\n%s", s)
	}
	last := "13. 50 B"
	if strings.Contains(s, last) {
		t.Fatalf("all hints fit; the test wants them to scroll:\n%s", s)
	}
	keys(a, "tab end")
	if s = screen(a); !strings.Contains(s, last) {
		t.Fatalf("the hints do not scroll to the last:\n%s", s)
	}
}

// During a load the explorer shows what is in: a layer's tree as soon as
// it is applied (and why not, before), the layer's counts, the waste so
// far, labelled so; the export waits for the whole image.
func TestScreensDuringALoad(t *testing.T) {
	a := newTestApp(t, true, 160, 40)
	b := growing(t, a, 0)
	keys(a, "e")
	if s := screen(a); len(a.overlays) != 0 || !strings.Contains(s, "the export is available once the image is read") {
		t.Fatalf("e during a load:\n%s", s)
	}
	keys(a, "w")
	if s := screen(a); len(a.overlays) != 1 || !strings.Contains(s, "The wasted copies list as layers come in (0 of 7 in)") {
		t.Fatalf("w before any layer:\n%s", s)
	}
	keys(a, "w")

	// Layer 0 selected and not in: the tree says why; then it arrives.
	if s := screen(a); !strings.Contains(s, "layer 0 is not read yet") {
		t.Fatalf("no word on layer 0 before it is in:\n%s", s)
	}
	send(a, BoundMsg{Index: 2})
	keys(a, "down down down")
	if s := screen(a); !strings.Contains(s, "layer 2 is read; it shows once the layers below it are in (0 of 7 applied)") {
		t.Fatalf("a bound layer waiting for those below:\n%s", s)
	}
	_, layers := fixture.SeedLayers()
	for k := range 4 {
		if _, err := b.AddLayer(layers[k]); err != nil {
			t.Fatal(err)
		}
		snap := b.Image().Snapshot()
		send(a, AppliedMsg{Applied: k + 1, Total: 7, Image: b.Image(), Snapshot: snap, Hints: report.Build(snap, report.Options{}).Hints})
	}
	s := screen(a)
	if !strings.Contains(s, "data/one") || !strings.Contains(s, "4/7 layers in") {
		t.Fatalf("layer 2 applied, its tree not shown:\n%s", s)
	}
	if !regexpMatch(`wasted\s+1\.0 MiB \(1,048,576 bytes\) so far`, s) {
		t.Errorf("the summary does not give the waste so far (layer 3 recopied data/one):\n%s", s)
	}
	keys(a, "w")
	if s := screen(a); !strings.Contains(s, "Wasted copies so far · 1 copy, 1.0 MiB") {
		t.Fatalf("the waste list so far:\n%s", s)
	}
	keys(a, "w")

	// The rest streams in; the figures are final and say so no more.
	for k := 4; k < 7; k++ {
		if _, err := b.AddLayer(layers[k]); err != nil {
			t.Fatal(err)
		}
		send(a, AppliedMsg{Applied: k + 1, Total: 7, Image: b.Image(), Snapshot: b.Image().Snapshot()})
	}
	img, err := b.Finish()
	if err != nil {
		t.Fatal(err)
	}
	send(a, Loaded(img, nil))
	if s := screen(a); strings.Contains(s, "so far") || !strings.Contains(s, "wasted 3.0 MiB of") {
		t.Fatalf("after the load:\n%s", s)
	}
}

// A waste list open while the load goes on takes each new snapshot
// without losing the user's place.
func TestWasteListKeepsItsPlaceAsFiguresGrow(t *testing.T) {
	a := newTestApp(t, true, 160, 40)
	b := growing(t, a, 6) // two copies wasted so far
	keys(a, "w down")
	w := a.overlays[0].Overlay.(*wasteList)
	if w.l.cursor != 1 {
		t.Fatalf("cursor %d after down", w.l.cursor)
	}
	_, layers := fixture.SeedLayers()
	if _, err := b.AddLayer(layers[6]); err != nil {
		t.Fatal(err)
	}
	send(a, AppliedMsg{Applied: 7, Total: 7, Image: b.Image(), Snapshot: b.Image().Snapshot()})
	if w.from != a.img.snap || len(w.rows) != 3 || w.l.cursor != 1 {
		t.Fatalf("after a snapshot: %d rows, cursor %d, from the newest %v", len(w.rows), w.l.cursor, w.from == a.img.snap)
	}
}

func TestPluralsAndTheBiggestWaste(t *testing.T) {
	a := newTestApp(t, true, 160, 50)
	loaded(t, a, buildImage(t, "one", []model.Entry{fileEntry("a", 5, 1)}))
	if s := screen(a); !strings.Contains(s, "1 step, 1 layer") {
		t.Errorf("no singular:\n%s", s)
	}
	b := newTestApp(t, true, 160, 50)
	loaded(t, b, seed(t))
	if s := screen(b); !regexpMatch(`Biggest wasted paths · w lists every copy[\s│]+2\.0 MiB\s+/data/one[\s│]+1\.0 MiB\s+/data/two`, s) {
		t.Errorf("the first screen does not show the biggest wasted paths:\n%s", s)
	}
}

// The progress says only what it knows: what the source does before its
// first bytes, never a total smaller than what was read, and the layers
// only once one is in.
func TestProgressTellsTheTruth(t *testing.T) {
	a := newTestApp(t, true, 120, 30)
	img := seed(t)
	if h := strings.Split(screen(a), "\n")[0]; !strings.Contains(h, "opening seed.docker.tar…") {
		t.Errorf("before anything: %q", h)
	}
	send(a, ConfigMsg{Config: img.Config})
	if h := strings.Split(screen(a), "\n")[0]; !strings.Contains(h, "waiting for the first bytes of lx-fixture/seed:latest…") || strings.Contains(h, "0 B") {
		t.Errorf("the layer list in, no byte yet: %q", h)
	}
	send(a, ProgressMsg{Read: 3 << 20, Total: 6 << 20})
	if h := strings.Split(screen(a), "\n")[0]; !strings.Contains(h, "3.0 MiB of 6.0 MiB") || strings.Contains(h, "layers in") {
		t.Errorf("halfway, no layer in: %q", h)
	}
	send(a, ProgressMsg{Read: 7 << 20, Total: 6 << 20}, AppliedMsg{Applied: 1, Total: 7, Image: img})
	if h := strings.Split(screen(a), "\n")[0]; !strings.Contains(h, "7.0 MiB") || strings.Contains(h, "of 6.0 MiB") || !strings.Contains(h, "1/7 layers in") {
		t.Errorf("past the estimate: %q", h)
	}
}

// What screens tell each other is delivered at once and in order, never
// through commands that run on goroutines and may answer out of order:
// keys pressed faster than any command could answer still leave the
// layer list, the tree and the details agreeing.
func TestScreensAgreeWithoutWaitingForCommands(t *testing.T) {
	a := newTestApp(t, true, 200, 60)
	loaded(t, a, seed(t))
	for _, k := range strings.Fields("] ] ] ] ] ] tab") {
		a.Update(press(k)) // the commands are dropped: none answers
	}
	tree := treeOf(a)
	n, _ := tree.selectedNode()
	if tree.k != 6 || a.img.img.Path(n) != "data/one" {
		t.Fatalf("the tree is at layer %d on %q, want layer 6 on data/one", tree.k, a.img.img.Path(n))
	}
	if s := screen(a); !strings.Contains(s, "Details · path") || !strings.Contains(s, "deleted by layer 6") {
		t.Fatalf("the details do not describe the tree's path:\n%s", s)
	}
}

// A source that places its layers only once its manifest is read says so
// where the tree would be, wrapped to the pane.
func TestTreeSaysWhyItWaits(t *testing.T) {
	a := newTestApp(t, true, 80, 24)
	growing(t, a, 0)
	send(a, DeferredMsg{Why: "a compressed archive cannot seek ahead to its manifest"})
	keys(a, "tab")
	s := screen(a)
	if !regexpMatch(`layer 0 shows once the manifest is read`, s) || !strings.Contains(s, "seek") {
		t.Fatalf("the tree does not say why it waits:\n%s", s)
	}
}

// Quitting while the image streams ends the load; the load's answer, that
// it was cancelled, arrives after and is no failure: the exit code stays 0.
func TestQuitDuringALoadIsNoFailure(t *testing.T) {
	a := newTestApp(t, true, 120, 30)
	growing(t, a, 2)
	keys(a, "q")
	send(a, Loaded(nil, context.Canceled))
	if a.ExitCode() != 0 || a.Err() != nil {
		t.Fatalf("exit code %d, error %v after q during a load", a.ExitCode(), a.Err())
	}
}

// The base rule is no row: a click below it selects the row drawn there,
// a click on it selects nothing; Enter on a shared layer names the images
// holding it, on a layer no other image holds opens nothing.
func TestBaseRuleAndSharers(t *testing.T) {
	a := newTestApp(t, true, 140, 36)
	loaded(t, a, related(seed(t)))
	lp := a.panes[paneLayers].(*layersPane)
	if got := lp.baseRow(); got != 2 {
		t.Fatalf("the rule is before row %d, want 2 (after busybox's layer and CMD)", got)
	}
	lp.Click(0, 5) // border, header, row 0, row 1, the rule, row 2
	if lp.l.cursor != 2 {
		t.Errorf("a click under the rule selected row %d, want 2", lp.l.cursor)
	}
	lp.Click(0, 4)
	if lp.l.cursor != 2 {
		t.Errorf("a click on the rule moved the cursor to %d", lp.l.cursor)
	}
	keys(a, "enter")
	if len(a.overlays) != 1 || !strings.Contains(screen(a), "Layer 1 · held by 1 other image") {
		t.Fatalf("Enter on layer 1 (shared by app:1):\n%s", screen(a))
	}
	keys(a, "esc down down enter")
	if len(a.overlays) != 0 {
		t.Fatalf("Enter on layer 3, held by no other image, opened:\n%s", screen(a))
	}
}
