package ui

import (
	"fmt"

	"errors"
	"lx.dev/lx/theme"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
)

// TestGolden renders the main states, dark and light, each reached by key
// presses from a fresh explorer.
func TestGolden(t *testing.T) {
	cases := []struct {
		name string
		w, h int
		run  func(t *testing.T, a *App)
	}{
		{"layers_tree", 140, 36, func(t *testing.T, a *App) { loaded(t, a, seed(t)); keys(a, "] ] ] ] ] ]") }},
		{"recopy", 140, 36, func(t *testing.T, a *App) { loaded(t, a, seed(t)); keys(a, "] ] ]") }},
		{"changes_only", 140, 36, func(t *testing.T, a *App) { loaded(t, a, seed(t)); keys(a, "] ] ] tab c") }},
		{"filter", 140, 36, func(t *testing.T, a *App) {
			loaded(t, a, seed(t))
			keys(a, "] ] ] ] ] ] tab /")
			typeText(a, "tw")
		}},
		{"waste", 140, 36, func(t *testing.T, a *App) { loaded(t, a, seed(t)); keys(a, "w down") }},
		{"export", 140, 36, func(t *testing.T, a *App) { loaded(t, a, seed(t)); keys(a, "e") }},
		{"help", 140, 40, func(t *testing.T, a *App) { loaded(t, a, seed(t)); keys(a, "?") }},
		// A container opens on its writable layer; the details give its
		// size and virtual size.
		{"container", 140, 36, func(t *testing.T, a *App) { loaded(t, a, containerImage(t)) }},
		{"container_narrow", 80, 24, func(t *testing.T, a *App) { loaded(t, a, containerImage(t)) }},
		{"container_narrow_details", 80, 24, func(t *testing.T, a *App) { loaded(t, a, containerImage(t)); keys(a, "shift+tab") }},
		{"container_reading", 80, 24, func(t *testing.T, a *App) { growingContainer(t, a) }},
		{"stacked", 90, 28, func(t *testing.T, a *App) { loaded(t, a, seed(t)); keys(a, "] ] ] ] ] ]") }},
		{"history", 140, 36, func(t *testing.T, a *App) { loaded(t, a, seed(t)); keys(a, "] ] ] ] ] ] tab H up") }},
		{"history_narrow", 80, 24, func(t *testing.T, a *App) { loaded(t, a, seed(t)); keys(a, "] ] ] ] ] ] tab H") }},
		{"history_loading", 120, 30, func(t *testing.T, a *App) { growing(t, a, 4); keys(a, "] ] tab H") }},
		{"too_small", 70, 20, func(t *testing.T, a *App) { loaded(t, a, seed(t)) }},
		{"loading", 120, 30, func(t *testing.T, a *App) {
			growing(t, a, 3)
			send(a, BoundMsg{Index: 4}, ProgressMsg{Read: 3 << 20, Total: 6 << 20, Rate: 1.5 * (1 << 20)})
			keys(a, "down down")
		}},
		{"base_shared", 140, 36, func(t *testing.T, a *App) { loaded(t, a, related(seed(t))); keys(a, "down down") }},
		{"base_shared_narrow", 80, 24, func(t *testing.T, a *App) { loaded(t, a, related(seed(t))) }},
		{"sharers", 100, 30, func(t *testing.T, a *App) { loaded(t, a, related(seed(t))); keys(a, "enter") }},
		{"failed", 100, 24, func(t *testing.T, a *App) {
			send(a, LoadedMsg{Err: errors.New("seed.tar: layer.tar of 5f3a…: unexpected EOF")})
		}},
	}
	for _, mode := range []string{"dark", "light"} {
		t.Run(mode, func(t *testing.T) {
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					a := newTestApp(t, mode == "dark", c.w, c.h)
					c.run(t, a)
					out := a.View().Content
					checkSize(t, out, c.w, c.h)
					golden.RequireEqual(t, out)
				})
			}
		})
	}
}

// checkSize asserts the view has the terminal's lines and none wider.
func checkSize(t *testing.T, out string, w, h int) {
	t.Helper()
	lines := strings.Split(out, "\n")
	if len(lines) != h {
		t.Errorf("%d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		if n := ansi.StringWidth(l); n > w {
			t.Errorf("line %d is %d cells wide, more than %d: %q", i, n, w, ansi.Strip(l))
			break
		}
	}
}

func TestRmLayerShowsDOnOne(t *testing.T) {
	a := newTestApp(t, true, 140, 36)
	loaded(t, a, seed(t))
	keys(a, "] ] ] ] ] ] ] ] ]") // saturates on the last layer
	s := screen(a)
	if !strings.Contains(s, "Filesystem after layer 6") || !regexpMatch(`D\s+-rwxrwxrwx.*\bone\b`, s) {
		t.Fatalf("layer 6 does not show D on one:\n%s", s)
	}
	keys(a, "[ [ [ [ [ [ [ [ [")
	if !strings.Contains(screen(a), "Filesystem after layer 0") {
		t.Fatalf("[ does not saturate at layer 0:\n%s", screen(a))
	}
}

func TestEscClosesTopmostOverlayOnly(t *testing.T) {
	a := newTestApp(t, true, 140, 36)
	loaded(t, a, seed(t))
	keys(a, "w ?")
	if len(a.overlays) != 2 {
		t.Fatalf("%d overlays, want waste and help", len(a.overlays))
	}
	keys(a, "esc")
	if len(a.overlays) != 1 || !strings.Contains(screen(a), "Wasted copies") {
		t.Fatalf("esc did not leave the waste list open:\n%s", screen(a))
	}
	keys(a, "esc")
	if len(a.overlays) != 0 {
		t.Fatal("esc did not close the waste list")
	}
}

func TestWasteEnterJumpsToTheCopy(t *testing.T) {
	a := newTestApp(t, true, 140, 36)
	loaded(t, a, seed(t))
	keys(a, "w down enter") // the removed copy of /data/one, made by layer 3
	jumpedTo(t, a, "data/one", 3)
	if !strings.Contains(screen(a), "✗ removed by layer 6") {
		t.Fatalf("the copy's fate is not said:\n%s", screen(a))
	}
}

func TestQuitAndFailedLoad(t *testing.T) {
	a := newTestApp(t, true, 100, 30)
	if _, cmd := a.Update(press("q")); cmd == nil || cmd() != tea.Quit() {
		t.Fatal("q does not quit")
	}
	b := newTestApp(t, true, 100, 30)
	send(b, LoadedMsg{Err: errors.New("boom")})
	if !strings.Contains(screen(b), "boom") || b.ExitCode() != 2 {
		t.Fatalf("failed load: exit %d, screen:\n%s", b.ExitCode(), screen(b))
	}
	if _, cmd := b.Update(press("x")); cmd == nil || cmd() != tea.Quit() {
		t.Fatal("a key after a failed load does not quit")
	}
}

func TestMouse(t *testing.T) {
	a := newTestApp(t, true, 140, 36)
	loaded(t, a, seed(t))
	r := a.rects[paneLayers]
	send(a, tea.MouseClickMsg{X: 5, Y: r.y + 2 + 3, Button: tea.MouseLeft}) // fourth row: layer 2
	if row, _ := layersOf(a).selected(); row.layer != 2 {
		t.Fatalf("click selected layer %d, want 2", row.layer)
	}
	tr := a.rects[paneTree]
	send(a, tea.MouseClickMsg{X: tr.x + 3, Y: tr.y + 2, Button: tea.MouseLeft})
	if a.focus != paneTree || treeOf(a).l.cursor != 0 {
		t.Fatalf("click on the tree: focus %d cursor %d", a.focus, treeOf(a).l.cursor)
	}
}

// The wheel scrolls the pane under the pointer, on a list longer than the
// pane (every path of the seed open in a 24-line terminal), and the
// overlay on top when it is over it.
func TestMouseWheel(t *testing.T) {
	a := newTestApp(t, true, 80, 24)
	loaded(t, a, seed(t))
	keys(a, "] ] ] ] ] ] tab +")
	tree := treeOf(a)
	if len(tree.rows) <= tree.l.h {
		t.Fatalf("%d rows fit in %d lines: the test needs a longer list", len(tree.rows), tree.l.h)
	}
	tr := a.rects[paneTree]
	send(a, tea.MouseWheelMsg{X: tr.x + 3, Y: tr.y + 3, Button: tea.MouseWheelDown})
	if tree.l.offset != 3 {
		t.Fatalf("the wheel scrolled the tree to %d, want 3", tree.l.offset)
	}
	send(a, tea.MouseWheelMsg{X: tr.x + 3, Y: tr.y + 3, Button: tea.MouseWheelUp})
	if tree.l.offset != 0 {
		t.Fatalf("the wheel up left the tree at %d", tree.l.offset)
	}
	keys(a, "?") // help is longer than 24 lines: it scrolls under the wheel
	top := a.overlays[len(a.overlays)-1]
	send(a, tea.MouseWheelMsg{X: top.r.x + 2, Y: top.r.y + 2, Button: tea.MouseWheelDown})
	if h := top.Overlay.(*helpView); h.l.offset != 3 {
		t.Fatalf("the wheel scrolled help to %d, want 3", h.l.offset)
	}
}

func TestResizeNeverOverflows(t *testing.T) {
	a := newTestApp(t, true, 160, 45)
	loaded(t, a, seed(t))
	keys(a, "] ] w")
	for _, sz := range [][2]int{{80, 24}, {200, 60}, {79, 24}, {120, 30}, {119, 40}, {81, 25}, {30, 10}, {100, 24}} {
		send(a, tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		checkSize(t, a.View().Content, sz[0], sz[1])
	}
}

// TestGoldenNoColor: without colours (NO_COLOR) the markers are letters,
// the selection reverse video, and no colour sequence is written.
func TestGoldenNoColor(t *testing.T) {
	a := New(Options{Ref: "seed.docker.tar", Theme: "dark", Profile: colorprofile.Ascii, Now: testClock})
	send(a, tea.WindowSizeMsg{Width: 140, Height: 36})
	loaded(t, a, seed(t))
	keys(a, "] ] ] ] ] ] tab")
	out := a.View().Content
	if strings.Contains(out, "38;2") || strings.Contains(out, "48;2") {
		t.Error("colour sequences without colours")
	}
	golden.RequireEqual(t, out)
}

// The waste list ends with the fix hints: the steps to change and how.
func TestWasteListShowsFixHints(t *testing.T) {
	a := newTestApp(t, true, 140, 44)
	loaded(t, a, seed(t))
	keys(a, "w")
	s := screen(a)
	for _, want := range []string{
		"FIX HINTS",
		"1. 2.0 MiB RUN rm /data/one deletes /data/one, whose bytes every pull still ships twice",
		"2. 1.0 MiB RUN chmod -R 0777 /data recopied /data/two (1.0 MiB)",
		"use COPY --chmod",
	} {
		if !strings.Contains(strings.Join(strings.Fields(s), " "), want) {
			t.Errorf("the waste list lacks %q:\n%s", want, s)
		}
	}
	// The list itself still shows every copy above the hints.
	if n := strings.Count(s, "recopied"); n < 2 {
		t.Errorf("%d recopied rows, want the two copies listed", n)
	}
}

// Stacked overlays each keep their own rectangle: help over the waste list
// leaves the list's title and border where they were, and closing help
// shows the list exactly as it was.
func TestStackedOverlays(t *testing.T) {
	for _, sz := range [][2]int{{160, 60}, {85, 26}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			a := newTestApp(t, true, sz[0], sz[1])
			loaded(t, a, seed(t))
			keys(a, "w")
			before := screen(a)
			waste := a.overlays[0].r
			keys(a, "?")
			if len(a.overlays) != 2 || a.overlays[0].r != waste {
				t.Fatalf("help moved the waste list: %+v, was %+v", a.overlays[0].r, waste)
			}
			lines := strings.Split(screen(a), "\n")
			if help := a.overlays[1].r; help.y > waste.y && !strings.Contains(lines[waste.y], "Wasted copies") {
				t.Errorf("the waste list's title is hidden under help:\n%s", screen(a))
			}
			if !strings.Contains(lines[len(lines)-1], "close") {
				t.Errorf("the footer is overwritten: %q", lines[len(lines)-1])
			}
			golden.RequireEqual(t, a.View().Content)
			keys(a, "esc")
			if after := screen(a); after != before {
				t.Errorf("closing help does not show the waste list as it was:\n%s\nwas:\n%s", after, before)
			}
		})
	}
}

// Every hint and footer follows the key map in force: rebound keys show.
func TestHintsFollowRebinding(t *testing.T) {
	k := DefaultKeyMap()
	if err := k.Rebind(map[string][]string{"back": {"x"}, "formatNext": {"ctrl+n"}, "enter": {"o"}}); err != nil {
		t.Fatal(err)
	}
	a := New(Options{Ref: "seed", Theme: theme.DarkTheme, Keys: k, Now: testClock, Profile: colorprofile.TrueColor})
	send(a, tea.WindowSizeMsg{Width: 140, Height: 40})
	loaded(t, a, seed(t))
	keys(a, "w")
	s := screen(a)
	if !strings.Contains(s, "o show in the tree · x close") || strings.Contains(s, "esc") || strings.Contains(s, "Esc") {
		t.Errorf("the waste list's hints do not follow the rebinding:\n%s", s)
	}
	keys(a, "x e")
	s = screen(a)
	if !strings.Contains(s, "Ctrl-N format") || !strings.Contains(s, "o writes · x cancels") || strings.Contains(s, "tab/") {
		t.Errorf("the export dialog's hints do not follow the rebinding:\n%s", s)
	}
	keys(a, "x ? end") // the export dialog's keys are the last group
	if s = screen(a); !strings.Contains(s, "x closes") || !strings.Contains(s, "Ctrl-N") {
		t.Errorf("help does not show the keys in force:\n%s", s)
	}
}

// What each common terminal size shows: the layer list with every column,
// the tree with the changed paths in view, and the details within reach
// (a tab below 120 columns); at 80×24 too.
func TestGoldenSizes(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {100, 30}, {160, 45}, {200, 60}} {
		for _, focus := range []string{"tree", "details"} {
			t.Run(fmt.Sprintf("%dx%d_%s", sz[0], sz[1], focus), func(t *testing.T) {
				a := newTestApp(t, true, sz[0], sz[1])
				loaded(t, a, seed(t))
				keys(a, "] ] ] ] ] ] tab")
				if focus == "details" {
					keys(a, "tab")
				}
				out := a.View().Content
				checkSize(t, out, sz[0], sz[1])
				s := ansi.Strip(out)
				for _, want := range []string{"WASTED", "KILLED", "one", "✗ wastes layer 3's copy"} {
					if focus == "tree" && !strings.Contains(s, want) {
						t.Errorf("%q is not on screen:\n%s", want, s)
					}
				}
				if focus == "details" && !strings.Contains(s, "History") {
					t.Errorf("the details do not tell the path's history:\n%s", s)
				}
				golden.RequireEqual(t, out)
			})
		}
	}
}
