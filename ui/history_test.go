package ui

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"lx.dev/lx/internal/fixture"
	"lx.dev/lx/model"
)

// historyOf opens the history of path p (as the model names it) from
// the tree, in the filesystem after layer k.
func historyOf(t *testing.T, a *App, p string, k int) {
	t.Helper()
	n, ok := a.img.view().Lookup(p)
	if !ok {
		t.Fatalf("no %s in the image", p)
	}
	send(a, JumpMsg{Node: n, Layer: k})
	keys(a, "H")
	if len(a.overlays) != 1 || a.overlays[0].ID() != historyID {
		t.Fatalf("H did not open the history of %s:\n%s", p, screen(a))
	}
}

// The check: H on /data/one in the seed lists layers 2 (A),
// 3 (C, mode) and 6 (D), in that order, each with its step, its size and
// what became of its copy.
func TestHistorySeedDataOne(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {140, 36}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			a := newTestApp(t, true, sz[0], sz[1])
			loaded(t, a, seed(t))
			keys(a, "] ] ] ] ] ] tab") // the rm layer: the cursor on its change, /data/one
			keys(a, "H")
			s := screen(a)
			rows := regexp.MustCompile(`(?m)^.*│\s+(\d+)  ([ACDc])  (.*?)\s{2,}(\S.*?)?\s*│`).FindAllStringSubmatch(s, -1)
			var got []string
			for _, r := range rows {
				got = append(got, r[1]+" "+r[2]+" "+strings.TrimSpace(r[3]))
			}
			want := []string{"2 A added", "3 C mode 0644→0777", "6 D deleted"}
			if strings.Join(got, "; ") != strings.Join(want, "; ") {
				t.Fatalf("history rows %q, want %q:\n%s", got, want, s)
			}
			for _, w := range []string{
				"History of /data/one", "✗ recopied by layer 3", "✗ removed by layer 6",
				"RUN dd if=/dev/zero bs=1024 count=1024 of=/data/one", "RUN chmod -R 0777 /data", "RUN rm /data/one",
				"gone since layer 6", "layer 6: deleted by a whiteout (.wh.one)",
			} {
				if !strings.Contains(s, w) {
					t.Errorf("the history lacks %q:\n%s", w, s)
				}
			}
		})
	}
}

// Enter on a row shows the path in the tree after that layer; Esc, q and
// H again close the history.
func TestHistoryEnterAndClose(t *testing.T) {
	a := newTestApp(t, true, 140, 36)
	loaded(t, a, seed(t))
	keys(a, "] ] ] ] ] ] tab H up enter") // the cursor starts on layer 6; up: layer 3
	jumpedTo(t, a, "data/one", 3)
	for _, close := range []string{"esc", "q", "H"} {
		keys(a, "H")
		if len(a.overlays) != 1 {
			t.Fatalf("H did not open the history")
		}
		keys(a, close)
		if len(a.overlays) != 0 {
			t.Errorf("%s did not close the history", close)
		}
	}
}

// A path that a layer rewrites again and again has a history longer than
// the screen: it scrolls by keys and by the wheel, and a click selects a
// row.
func TestHistoryScrollsAndClicks(t *testing.T) {
	layers := [][]model.Entry{{dirEntry("var")}}
	for i := range 30 {
		layers = append(layers, []model.Entry{fileEntry("var/log.txt", int64(100+i), uint64(i))})
	}
	a := newTestApp(t, true, 80, 24)
	loaded(t, a, buildImage(t, "log", layers...))
	historyOf(t, a, "var/log.txt", 1)
	v := a.overlays[0].Overlay.(*historyView)
	s := screen(a)
	if !strings.Contains(s, "History of /var/log.txt · 1/30") || !strings.Contains(s, "30 copies") || !strings.Contains(s, "29 wasted") {
		t.Fatalf("the title does not say where the cursor is among 30 rows:\n%s", s)
	}
	keys(a, "end")
	if s = screen(a); !strings.Contains(s, "· 30/30") || !regexp.MustCompile(`30  C  new content\s+129 B  live`).MatchString(s) {
		t.Fatalf("end does not reach the last, live copy:\n%s", s)
	}
	keys(a, "home")
	r := a.overlays[0].r
	send(a, tea.MouseWheelMsg{X: r.x + 5, Y: r.y + 5, Button: tea.MouseWheelDown})
	if v.l.offset != 3 {
		t.Fatalf("the wheel scrolled to %d, want 3", v.l.offset)
	}
	// The rows start under the summary and the header; each has two lines.
	send(a, tea.MouseClickMsg{X: r.x + 5, Y: r.y + 1 + historyHead + 2*2 + 1, Button: tea.MouseLeft})
	if v.l.cursor != v.l.offset+2 {
		t.Fatalf("a click on the third row's second line put the cursor on %d, want %d", v.l.cursor, v.l.offset+2)
	}
	keys(a, "enter")
	if treeOf(a).k != v.events[v.l.cursor].Layer {
		t.Errorf("enter after a click shows layer %d, want %d", treeOf(a).k, v.events[v.l.cursor].Layer)
	}
}

// While the image loads, the history lists the layers in so far, says
// so, and grows as layers come in: a copy live so far dies when the layer
// that kills it lands.
func TestHistoryGrowsDuringALoad(t *testing.T) {
	a := newTestApp(t, true, 120, 30)
	b := growing(t, a, 3)
	historyOf(t, a, "data/one", 2)
	s := screen(a)
	if !strings.Contains(s, "History of /data/one so far") || !strings.Contains(s, "live so far") || regexp.MustCompile(`3  C`).MatchString(s) {
		t.Fatalf("the history of 3 layers in:\n%s", s)
	}
	_, layers := fixture.SeedLayers()
	for i := 3; i < len(layers); i++ {
		if _, err := b.AddLayer(layers[i]); err != nil {
			t.Fatal(err)
		}
		snap := b.Image().Snapshot()
		send(a, AppliedMsg{Applied: i + 1, Total: len(layers), Image: b.Image(), Snapshot: snap})
	}
	s = screen(a)
	if !strings.Contains(s, "✗ recopied by layer 3") || !strings.Contains(s, "✗ removed by layer 6") || !regexp.MustCompile(`6  D  deleted`).MatchString(s) {
		t.Fatalf("the history did not grow with the layers:\n%s", s)
	}
}

// With no path under the tree's cursor (nothing is in yet), H says so and
// opens nothing.
func TestHistoryWithoutAPath(t *testing.T) {
	a := newTestApp(t, true, 120, 30)
	keys(a, "H")
	if len(a.overlays) != 0 || !strings.Contains(screen(a), "no path to tell the history of") {
		t.Fatalf("H with no path:\n%s", screen(a))
	}
}
