package ui

import (
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"lx.dev/lx/internal/fixture"
	"lx.dev/lx/model"
	"lx.dev/lx/model/report"
	"lx.dev/lx/theme"
)

var testClock = func() time.Time { return time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC) }

// newTestApp is an explorer of w×h cells in a fixed theme and clock.
func newTestApp(t testing.TB, dark bool, w, h int) *App {
	t.Helper()
	choice := theme.LightTheme
	if dark {
		choice = theme.DarkTheme
	}
	a := New(Options{Ref: "seed.docker.tar", Theme: choice, Profile: colorprofile.TrueColor, Now: testClock})
	send(a, tea.WindowSizeMsg{Width: w, Height: h})
	return a
}

// loaded feeds the app a whole analysis as the loader would: the config,
// each layer as it is applied, then the analysed image.
func loaded(t testing.TB, a *App, img *model.Image) {
	t.Helper()
	send(a, ConfigMsg{Config: img.Config})
	for i := range img.Layers {
		send(a, AppliedMsg{Applied: i + 1, Total: len(img.Layers), Image: img})
	}
	send(a, Loaded(img, nil))
}

// growing feeds the app the seed image as a stream does: its config, then
// its first n layers applied one by one to a growing image, each with the
// figures so far. It returns the builder, to go on or finish.
func growing(t testing.TB, a *App, n int) *model.Builder {
	t.Helper()
	cfg, layers := fixture.SeedLayers()
	b := model.NewBuilder(cfg)
	send(a, ConfigMsg{Config: cfg})
	for i := range n {
		if _, err := b.AddLayer(layers[i]); err != nil {
			t.Fatal(err)
		}
		snap := b.Image().Snapshot()
		send(a, AppliedMsg{Applied: i + 1, Total: len(layers), Image: b.Image(), Snapshot: snap, Hints: report.Build(snap, report.Options{}).Hints})
	}
	return b
}

func seed(t testing.TB) *model.Image {
	t.Helper()
	img, err := fixture.Seed()
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func send(a *App, msgs ...tea.Msg) {
	for _, m := range msgs {
		_, cmd := a.Update(m)
		// Run what the update asked for (a search, a jump, an export) and
		// deliver the answers, as the program would.
		send(a, run(cmd)...)
	}
}

func run(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	switch msg := cmd().(type) {
	case tea.BatchMsg:
		var out []tea.Msg
		for _, c := range msg {
			out = append(out, run(c)...)
		}
		return out
	case nil:
		return nil
	default:
		if msg == tea.Quit() {
			return nil
		}
		return []tea.Msg{msg}
	}
}

// The panes, as tests look inside them (App itself never does).
func treeOf(a *App) *treePane     { return a.panes[paneTree].(*treePane) }
func layersOf(a *App) *layersPane { return a.panes[paneLayers].(*layersPane) }

// jumpedTo fails unless a jump showed path p (as the model names it) in
// the tree after layer k: every overlay closed, the tree focused on p,
// the layer list on k.
func jumpedTo(t testing.TB, a *App, p string, k int) {
	t.Helper()
	if len(a.overlays) != 0 || a.focus != paneTree {
		t.Fatalf("overlays %d, focus %d; want the tree focused", len(a.overlays), a.focus)
	}
	n, ok := treeOf(a).selectedNode()
	if !ok || a.img.view().Path(n) != p || treeOf(a).k != k {
		t.Fatalf("tree on %q at layer %d, want %s at layer %d", a.img.view().Path(n), treeOf(a).k, p, k)
	}
	if row, _ := layersOf(a).selected(); row.layer != k {
		t.Fatalf("layer list on layer %d, want %d", row.layer, k)
	}
}

// selected is the layer list's selected row and its index.
func (p *layersPane) selected() (stepRow, int) {
	if len(p.img.rows) == 0 {
		return stepRow{step: -1, layer: -1}, -1
	}
	return p.img.rows[p.l.cursor], p.l.cursor
}

// keys turns "] ] w enter" into key presses.
func keys(a *App, spec string) {
	for _, k := range strings.Fields(spec) {
		send(a, press(k))
	}
}

func press(k string) tea.KeyPressMsg {
	codes := map[string]rune{
		"enter": tea.KeyEnter, "esc": tea.KeyEscape, "tab": tea.KeyTab, "space": tea.KeySpace,
		"up": tea.KeyUp, "down": tea.KeyDown, "left": tea.KeyLeft, "right": tea.KeyRight,
		"pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown, "home": tea.KeyHome, "end": tea.KeyEnd,
		"backspace": tea.KeyBackspace,
	}
	switch {
	case k == "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case strings.HasPrefix(k, "ctrl+"):
		return tea.KeyPressMsg{Code: rune(k[5]), Mod: tea.ModCtrl}
	}
	if c, ok := codes[k]; ok {
		return tea.KeyPressMsg{Code: c}
	}
	r := []rune(k)[0]
	return tea.KeyPressMsg{Code: r, Text: k}
}

// typeText types text into whatever has the keys.
func typeText(a *App, text string) {
	for _, r := range text {
		send(a, tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

// screen is the view without styling, for assertions.
func screen(a *App) string { return ansi.Strip(a.View().Content) }

func regexpMatch(re, s string) bool { return regexp.MustCompile(re).MatchString(s) }

// related gives an image what an engine's image list says of the seed:
// built on busybox:latest (1 layer, 1 step), its layers held by others.
func related(img *model.Image) *model.Image {
	img.Config.Relations = model.Relations{
		Base:     &model.BaseImage{Ref: "busybox:latest", ID: "sha256:bb", Layers: 1, Steps: 2},
		SharedBy: [][]string{{"app:1", "busybox:latest", "lx-fixture/app-build:latest"}, {"app:1"}, {"app:1"}, {}, {}, {}, {}},
	}
	return img
}
