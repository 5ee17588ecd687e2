package ui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"
	"reflect"
	"strings"
	"testing"

	"lx.dev/lx/model"
)

// rowNames lists the tree's rows as indented names (or whole paths).
func rowNames(a *App) []string {
	var out []string
	for _, r := range treeOf(a).rows {
		if r.flat {
			out = append(out, model.DisplayPath(a.img.img.Path(r.node)))
			continue
		}
		out = append(out, strings.Repeat(" ", int(r.depth))+a.img.img.Name(r.node))
	}
	return out
}

// atRmLayer is the seed image on its last layer, the tree focused.
func atRmLayer(t *testing.T) *App {
	t.Helper()
	a := newTestApp(t, true, 140, 36)
	loaded(t, a, seed(t))
	keys(a, "] ] ] ] ] ] tab")
	return a
}

func selectRow(t *testing.T, a *App, name string) {
	t.Helper()
	for i, n := range rowNames(a) {
		if strings.TrimSpace(n) == name {
			treeOf(a).l.to(i)
			return
		}
	}
	t.Fatalf("no row %q in %q", name, rowNames(a))
}

func TestTreeToggles(t *testing.T) {
	a := atRmLayer(t)
	keys(a, "-")
	if got, want := rowNames(a), []string{"bin", "data", "etc", "tmp", "usr", "var"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("collapsed: %q, want %q", got, want)
	}
	selectRow(t, a, "data")
	keys(a, "right")
	if got := rowNames(a); len(got) != 8 || got[2] != " one" || got[3] != " two" {
		t.Fatalf("data opened: %q", got)
	}
	keys(a, "down down left")
	if n, _ := treeOf(a).selectedNode(); a.img.img.Name(n) != "data" {
		t.Fatalf("left on two went to %q, want its directory", a.img.img.Name(n))
	}
	keys(a, "left")
	if len(rowNames(a)) != 6 {
		t.Fatalf("left on an open directory does not close it: %q", rowNames(a))
	}
	keys(a, "space")
	if len(rowNames(a)) != 8 {
		t.Fatalf("space does not open it again: %q", rowNames(a))
	}
	keys(a, "s")
	if got := rowNames(a); got[0] != "data" {
		t.Fatalf("by size: %q, want data (2 MiB) first", got)
	}
	keys(a, "s u")
	if got, want := rowNames(a), []string{"data", " one"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("hide unchanged: %q, want %q", got, want)
	}
	keys(a, "u c")
	if got, want := rowNames(a), []string{"/data", "/data/one"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("changes only: %q, want %q", got, want)
	}
	keys(a, "c +")
	if got := rowNames(a); len(got) != 15 {
		t.Fatalf("expand all: %d rows %q, want every path (15)", len(got), got)
	}
}

func TestFilter(t *testing.T) {
	a := atRmLayer(t)
	keys(a, "/")
	typeText(a, "two")
	if got, want := rowNames(a), []string{"data", " two"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("filter two: %q, want %q", got, want)
	}
	keys(a, "ctrl+u")
	typeText(a, "^etc/p")
	if got, want := rowNames(a), []string{"etc", " passwd"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("filter ^etc/p: %q, want %q", got, want)
	}
	keys(a, "ctrl+u")
	typeText(a, "bin/[")
	if !strings.Contains(screen(a), "not a valid regex") {
		t.Fatalf("an invalid regex is not said:\n%s", screen(a))
	}
	keys(a, "ctrl+u")
	typeText(a, "one")
	keys(a, "enter") // the filter stays, the keys move again
	if got, want := rowNames(a), []string{"data", " one"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("filter one at layer 6: %q, want %q", got, want)
	}
	keys(a, "[ [ [ [")
	if got, want := rowNames(a), []string{"data", " one"}; !reflect.DeepEqual(got, want) || treeOf(a).k != 2 {
		t.Fatalf("filter one at layer %d: %q, want %q at layer 2", treeOf(a).k, got, want)
	}
	keys(a, "[")
	if got := rowNames(a); len(got) != 0 || !strings.Contains(screen(a), "no path matches") {
		t.Fatalf("filter one at layer 1: %q, want nothing", got)
	}
	keys(a, "esc")
	if len(rowNames(a)) == 0 {
		t.Fatal("esc does not clear the filter")
	}
}

// TestFilterSearchesOffTheUpdateLoop: a keystroke's search is a command;
// until it answers, the previous matches stay on screen, and a search a
// later keystroke made stale answers nothing.
func TestFilterSearchesOffTheUpdateLoop(t *testing.T) {
	a := atRmLayer(t)
	keys(a, "/")
	typeText(a, "^etc/")
	before := []string{"etc", " passwd", " shadow"}
	if got := rowNames(a); !reflect.DeepEqual(got, before) {
		t.Fatalf("filter ^etc/: %q, want %q", got, before)
	}
	_, search := a.Update(press("s"))
	if got := rowNames(a); !reflect.DeepEqual(got, before) || !strings.Contains(screen(a), "passwd") {
		t.Fatalf("before its search answers, the keystroke changed the rows: %q, want %q", got, before)
	}
	send(a, run(search)...)
	if got, want := rowNames(a), []string{"etc", " shadow"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("filter ^etc/s answered: %q, want %q", got, want)
	}

	_, stale := a.Update(press("h"))
	_, last := a.Update(press("a"))
	if msgs := run(stale); len(msgs) != 0 {
		t.Fatalf("a stale search answered %v", msgs)
	}
	send(a, run(last)...)
	if got, want := rowNames(a), []string{"etc", " shadow"}; !reflect.DeepEqual(got, want) || treeOf(a).filter.forText != "^etc/sha" {
		t.Fatalf("filter ^etc/sha: %q for %q, want %q", got, treeOf(a).filter.forText, want)
	}
}

func TestMetadataStepShowsNoMarkers(t *testing.T) {
	a := newTestApp(t, true, 140, 36)
	loaded(t, a, seed(t))
	keys(a, "down") // CMD ["sh"]: no layer
	if treeOf(a).own || treeOf(a).k != 0 || !strings.Contains(screen(a), "this step changes no files") {
		t.Fatalf("metadata step: k=%d own=%v\n%s", treeOf(a).k, treeOf(a).own, screen(a))
	}
}

// Pasting (the terminal's bracketed paste) types into the filter, and the
// paste key asks the terminal for its clipboard, whose answer is typed too.
func TestPasteIntoFilter(t *testing.T) {
	a := atRmLayer(t)
	keys(a, "/")
	send(a, tea.PasteMsg{Content: "tw"})
	if got, want := rowNames(a), []string{"data", " two"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("after pasting tw: %q, want %q", got, want)
	}
	_, cmd := a.Update(press("ctrl+v"))
	if cmd == nil || fmt.Sprint(cmd()) != fmt.Sprint(tea.ReadClipboard()) {
		t.Fatal("the paste key does not read the clipboard")
	}
	keys(a, "ctrl+u")
	send(a, tea.ClipboardMsg{Content: "^etc/p"})
	if got, want := rowNames(a), []string{"etc", " passwd"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("after the clipboard's ^etc/p: %q, want %q", got, want)
	}
}

// Each layer's changes below every directory and in path order are worked
// out as the layers arrive, off the update loop; a first visit finds them.
func TestTreeStudiesLayersAhead(t *testing.T) {
	a := newTestApp(t, true, 160, 45)
	img := seed(t)
	loaded(t, a, img)
	tr := treeOf(a)
	for k := range img.Layers {
		if _, ok := tr.belowOf[k]; !ok {
			t.Errorf("layer %d: its changes below each directory are not worked out ahead", k)
		}
		if _, ok := tr.changesOf[k]; !ok {
			t.Errorf("layer %d: its changes in path order are not worked out ahead", k)
		}
		if _, ok := tr.kindsOf[k]; !ok {
			t.Errorf("layer %d: the kinds its view lists are not worked out ahead", k)
		}
	}
	// A visit takes the study as it is: the same map, not one made again.
	below := tr.belowOf[3]
	send(a, selectLayerMsg{3})
	if fmt.Sprintf("%p", tr.below) != fmt.Sprintf("%p", below) {
		t.Errorf("visiting layer 3 worked its study out again")
	}
}

// The rows a layer's studied kinds give are the rows the model's answers
// give, every directory open, in every layer.
func TestTreeStudiedKindsGiveTheSameRows(t *testing.T) {
	a := newTestApp(t, true, 160, 45)
	img := seed(t)
	loaded(t, a, img)
	keys(a, "tab +")
	tr := treeOf(a)
	for k := range img.Layers {
		send(a, selectLayerMsg{k})
		studied := fmt.Sprint(tr.rows)
		kinds := tr.kindsOf
		tr.kindsOf = map[int][]model.Kind{}
		tr.rebuild()
		if asked := fmt.Sprint(tr.rows); asked != studied {
			t.Errorf("layer %d: rows from the study %s, from the model %s", k, studied, asked)
		}
		tr.kindsOf = kinds
	}
}

// A big layer shown before its study is in shows at once, its changes
// not yet opened; they open, and the cursor goes to the first, when the
// study comes. Its changes only say they are being worked out meanwhile.
func TestBigLayerShowsBeforeItsStudy(t *testing.T) {
	a := newTestApp(t, true, 80, 24)
	loaded(t, a, appBuild(t))
	keys(a, "tab")
	tr := treeOf(a)
	tr.belowFrom = nil // every study dropped
	tr.loopStudy = 0   // and every layer big
	sizes := a.img.img.DirSizes()
	sizes.At(tr.sizes.Layer())
	tr.sizes = sizes // no layer's crossing of the sizes worked out
	_, study := a.Update(selectLayerMsg{2})
	if tr.k != 2 || !tr.unstudied(2) {
		t.Fatalf("the tree shows layer %d (layer 2 unstudied: %v), want layer 2 awaiting its study", tr.k, tr.unstudied(2))
	}
	if _, ok := tr.belowOf[2]; ok {
		t.Fatal("the visit worked the layer's study out on the update loop")
	}
	s := screen(a)
	if !strings.Contains(s, "Filesystem after layer 2") || !strings.Contains(s, "▸ opt") {
		t.Errorf("layer 2 is not shown at once, opt closed:\n%s", s)
	}
	if strings.Contains(s, "KiB  ├▸ opt") || strings.Contains(s, "1000 B  ├▸ bin") {
		t.Errorf("directories show sizes before the crossings of the layers to them are worked out:\n%s", s)
	}
	a.Update(press("c"))
	if s := screen(a); !strings.Contains(s, "working out what layer 2 changed…") {
		t.Errorf("changes only does not say the changes are being worked out:\n%s", s)
	}
	a.Update(press("c"))
	send(a, run(study)...)
	if tr.unstudied(2) {
		t.Errorf("the study came and the tree still awaits layer 2")
	}
	if n, _ := tr.selectedNode(); a.img.img.Path(n) != "opt/app/node_modules" {
		t.Errorf("once the study came the cursor is on %q, want the first change opt/app/node_modules", a.img.img.Path(n))
	}
	if s := screen(a); !strings.Contains(s, "node_modules +") || !strings.Contains(s, "2.9 KiB  ├▾ opt") {
		t.Errorf("the layer's changes did not open, or opt's size did not show, when the studies came:\n%s", s)
	}
}
