package ui

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/golden"

	"lx.dev/lx/internal/fixture"
	"lx.dev/lx/model"
	"lx.dev/lx/theme"
)

// newTestDiff is a diff explorer of w×h cells in a fixed theme and clock.
func newTestDiff(t testing.TB, dark bool, w, h int) *App {
	t.Helper()
	choice := theme.LightTheme
	if dark {
		choice = theme.DarkTheme
	}
	a := NewDiff(Options{Theme: choice, Profile: colorprofile.TrueColor, Now: testClock}, "a.tar", "b.tar")
	send(a, tea.WindowSizeMsg{Width: w, Height: h})
	return a
}

func fixtureImage(t testing.TB, f func() (*model.Image, error)) *model.Image {
	t.Helper()
	img, err := f()
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// compared feeds the diff explorer two whole loads as the loaders would:
// each side's config and layers, then the comparison.
func compared(t testing.TB, a *App, imgA, imgB *model.Image) {
	t.Helper()
	for side, img := range [2]*model.Image{imgA, imgB} {
		send(a, DiffSideMsg{Side: side, Msg: ConfigMsg{Config: img.Config}})
		for i := range img.Layers {
			send(a, DiffSideMsg{Side: side, Msg: AppliedMsg{Applied: i + 1, Total: len(img.Layers), Image: img}})
		}
	}
	send(a, DiffLoaded(imgA, imgB, nil))
}

// baseToSeed is busybox (the seed's base) against the seed.
func baseToSeed(t testing.TB, a *App) {
	compared(t, a, fixtureImage(t, fixture.SeedBase), fixtureImage(t, fixture.Seed))
}

// seedToRebuilt is the seed against the seed rebuilt from another
// Dockerfile: every kind of change.
func seedToRebuilt(t testing.TB, a *App) {
	compared(t, a, fixtureImage(t, fixture.Seed), fixtureImage(t, fixture.SeedRebuilt))
}

// TestDiffGolden renders the diff explorer's states, dark and light, at
// 80×24 and wide, each reached by key presses.
func TestDiffGolden(t *testing.T) {
	cases := []struct {
		name string
		w, h int
		run  func(t *testing.T, a *App)
	}{
		{"base_seed_80x24", 80, 24, func(t *testing.T, a *App) { baseToSeed(t, a) }},
		{"base_seed_wide", 140, 36, func(t *testing.T, a *App) { baseToSeed(t, a); keys(a, "tab") }},
		{"rebuilt_tree_80x24", 80, 24, func(t *testing.T, a *App) { seedToRebuilt(t, a); keys(a, "tab") }},
		{"rebuilt_tree_wide", 160, 40, func(t *testing.T, a *App) { seedToRebuilt(t, a); keys(a, "down down tab down down") }},
		{"rebuilt_details_80x24", 80, 24, func(t *testing.T, a *App) { seedToRebuilt(t, a); keys(a, "tab down down down down tab") }},
		{"rebuilt_changes_wide", 140, 36, func(t *testing.T, a *App) { seedToRebuilt(t, a); keys(a, "tab c s") }},
		{"rebuilt_removed_open", 140, 36, func(t *testing.T, a *App) { seedToRebuilt(t, a); keys(a, "tab end space") }},
		{"rebuilt_filter", 140, 36, func(t *testing.T, a *App) {
			seedToRebuilt(t, a)
			keys(a, "tab /")
			typeText(a, "data")
		}},
		{"export", 100, 30, func(t *testing.T, a *App) { baseToSeed(t, a); keys(a, "e") }},
		{"loading", 100, 30, func(t *testing.T, a *App) {
			base := fixtureImage(t, fixture.SeedBase)
			cfg, _ := fixture.SeedLayers()
			send(a, DiffSideMsg{Side: sideA, Msg: ConfigMsg{Config: base.Config}}, DiffSideMsg{Side: sideA, Msg: AppliedMsg{Applied: 1, Total: 1, Image: base}})
			send(a, DiffSideMsg{Side: sideB, Msg: ConfigMsg{Config: cfg}}, DiffSideMsg{Side: sideB, Msg: ProgressMsg{Read: 3 << 20, Total: 6 << 20}})
		}},
	}
	for _, mode := range []string{"dark", "light"} {
		t.Run(mode, func(t *testing.T) {
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					a := newTestDiff(t, mode == "dark", c.w, c.h)
					c.run(t, a)
					out := a.View().Content
					checkSize(t, out, c.w, c.h)
					golden.RequireEqual(t, out)
				})
			}
		})
	}
}

// The check: busybox against the seed shares 1 layer, shows
// /data/two added and no /data/one.
func TestDiffBaseToSeedOnScreen(t *testing.T) {
	a := newTestDiff(t, true, 80, 24)
	baseToSeed(t, a)
	s := screen(a)
	for _, want := range []string{"1 shared", "0  0 both", "B only", "+2 · size +4.0M · waste +3.0M"} {
		if !strings.Contains(s, want) {
			t.Errorf("the screen lacks %q:\n%s", want, s)
		}
	}
	if !regexpMatch(`A\s+—\s+1\.0M\s+\+1\.0M\s+.*two`, s) {
		t.Errorf("the tree does not show /data/two added:\n%s", s)
	}
	var paths []string
	for i := range diffTreeOf(a).rows {
		diffTreeOf(a).l.to(i)
		paths = append(paths, selectedPath(a))
	}
	if strings.Join(paths, " ") != "data data/two" {
		t.Errorf("the tree lists %q, want data and data/two (no data/one)", paths)
	}
}

func TestDiffLayerRows(t *testing.T) {
	a := newTestDiff(t, true, 140, 36)
	seedToRebuilt(t, a)
	var got []string
	for _, r := range a.diff.rows {
		p := ""
		if r.prefix {
			p = "p"
		}
		got = append(got, fmt.Sprintf("%d,%d,%s", r.a, r.b, p))
	}
	// The prefix (base, mkdir), A's other layers (its dd one is B's 3),
	// then what only B holds.
	want := "0,0,p 1,1,p 2,3, 3,-1, 4,-1, 5,-1, 6,-1, -1,2, -1,4, -1,5,"
	if strings.Join(got, " ") != want {
		t.Errorf("rows %q, want %q", strings.Join(got, " "), want)
	}
	if s := screen(a); !strings.Contains(s, "both ↕") || !strings.Contains(s, "A only") || !strings.Contains(s, "3 shared") {
		t.Errorf("the layer list does not say which layers are shared:\n%s", s)
	}
}

func diffTreeOf(a *App) *diffTreePane { return a.panes[paneTree].(*diffTreePane) }

// selectedPath is the path under the diff tree's cursor.
func selectedPath(a *App) string {
	r, ok := diffTreeOf(a).selected()
	if !ok {
		return ""
	}
	if r.key.inRemoved() {
		return a.diff.diff.A.Path(r.key.node)
	}
	return a.diff.diff.Path(int(r.key.i))
}

func TestDiffTreeKeys(t *testing.T) {
	a := newTestDiff(t, true, 140, 36)
	seedToRebuilt(t, a)
	keys(a, "tab")
	if got := selectedPath(a); got != "app" {
		t.Fatalf("the cursor starts on %q, want app", got)
	}
	// /var, only in A, opens onto what it held.
	keys(a, "end")
	if got := selectedPath(a); got != "var" {
		t.Fatalf("end: %q", got)
	}
	keys(a, "space down")
	if got := selectedPath(a); got != "var/spool" || !diffTreeOf(a).rows[diffTreeOf(a).l.cursor].key.inRemoved() {
		t.Fatalf("inside /var: %q", got)
	}
	if s := screen(a); !regexpMatch(`D\s+0B\s+—\s+└─ spool`, s) {
		t.Errorf("the removed directory's child is not shown as deleted:\n%s", s)
	}
	// Left goes to the parent, then closes it.
	keys(a, "left left")
	if got := selectedPath(a); got != "var" || diffTreeOf(a).isOpen(diffTreeOf(a).rows[diffTreeOf(a).l.cursor].key) {
		t.Fatalf("left left: on %q", got)
	}
	// The changes list, biggest change first: /data (+2 MiB) leads.
	keys(a, "c s home")
	if got := selectedPath(a); got != "data" {
		t.Errorf("by size change, first %q, want data", got)
	}
	if n := len(diffTreeOf(a).rows); n != a.diff.diff.Changes() {
		t.Errorf("the changes list has %d rows, want the %d changes", n, a.diff.diff.Changes())
	}
	keys(a, "c s")
	// The filter narrows to the matches and the directories above them.
	keys(a, "/")
	typeText(a, "two")
	var rows []string
	for i := range diffTreeOf(a).rows {
		diffTreeOf(a).l.to(i)
		rows = append(rows, selectedPath(a))
	}
	if strings.Join(rows, " ") != "data data/two" {
		t.Errorf("filtered rows %q, want data data/two", rows)
	}
	keys(a, "esc")
	if n := len(diffTreeOf(a).rows); n < 9 {
		t.Errorf("esc left %d rows", n)
	}
}

func TestDiffDetailsShowBothSides(t *testing.T) {
	a := newTestDiff(t, true, 140, 36)
	seedToRebuilt(t, a)
	keys(a, "tab down down down down") // /data/two
	if got := selectedPath(a); got != "data/two" {
		t.Fatalf("on %q", got)
	}
	s := screen(a)
	for _, want := range []string{"changed: content, mode 0777→0644", "-rwxrwxrwx 0777", "-rw-r--r-- 0644", "1.0 MiB", "2.0 MiB", "B, layer 4:"} {
		if !strings.Contains(s, want) {
			t.Errorf("the details lack %q:\n%s", want, s)
		}
	}
}

func TestDiffExportWritesTheComparison(t *testing.T) {
	dir := t.TempDir()
	a := NewDiff(Options{Theme: theme.DarkTheme, Profile: colorprofile.TrueColor, Now: testClock, ExportFormat: "json", ExportDir: dir}, "a.tar", "b.tar")
	send(a, tea.WindowSizeMsg{Width: 100, Height: 30})
	baseToSeed(t, a)
	keys(a, "e enter")
	files, _ := filepath.Glob(filepath.Join(dir, "lx-diff-*.json"))
	if len(files) != 1 {
		t.Fatalf("files written: %q", files)
	}
	b, _ := os.ReadFile(files[0])
	var doc struct {
		SharedLayers []json.RawMessage `json:"sharedLayers"`
		Changes      []struct{ Path string }
	}
	if err := json.Unmarshal(b, &doc); err != nil || len(doc.SharedLayers) != 1 || len(doc.Changes) != 2 || doc.Changes[1].Path != "/data/two" {
		t.Fatalf("%s: %v\n%s", files[0], err, b)
	}
	if !strings.Contains(files[0], "lx-diff-busybox-latest-vs-seed-latest-2025-03-04") {
		t.Errorf("file name %s", files[0])
	}
}

func TestDiffFailedLoad(t *testing.T) {
	a := newTestDiff(t, true, 100, 30)
	send(a, DiffLoaded(nil, nil, errors.New("b.tar: layer.tar of 5f3a…: unexpected EOF")))
	if a.ExitCode() != 2 || !strings.Contains(screen(a), "unexpected EOF") {
		t.Fatalf("exit %d:\n%s", a.ExitCode(), screen(a))
	}
}

func TestDiffIdentical(t *testing.T) {
	a := newTestDiff(t, true, 100, 30)
	seed := fixtureImage(t, fixture.Seed)
	compared(t, a, seed, fixtureImage(t, fixture.Seed))
	keys(a, "tab")
	if s := screen(a); !strings.Contains(s, "no difference") || !strings.Contains(s, "no change") {
		t.Errorf("an image against itself:\n%s", s)
	}
}

// Help lists the keys the diff explorer answers: not the waste list's.
func TestDiffHelpLeavesOutTheWasteKeys(t *testing.T) {
	a := newTestDiff(t, true, 140, 40)
	baseToSeed(t, a)
	keys(a, "w")
	if len(a.overlays) != 0 {
		t.Fatal("w opened an overlay")
	}
	keys(a, "?")
	s := screen(a)
	if strings.Contains(s, "wasted copies") || strings.Contains(s, "hide unchanged") || !strings.Contains(s, "export report") {
		t.Errorf("help:\n%s", s)
	}
	if b := newTestApp(t, true, 140, 40); !b.c.Keys.Waste.Enabled() {
		t.Error("the diff explorer turned the explorer's waste key off")
	}
}

// Every size from 80×24 up fits the terminal exactly, whatever has the
// focus; below it the explorer says so.
func TestDiffResizeNeverOverflows(t *testing.T) {
	a := newTestDiff(t, true, 160, 45)
	seedToRebuilt(t, a)
	for _, focus := range []string{"", "tab", "tab", "tab"} {
		keys(a, focus+" end")
		for _, sz := range [][2]int{{80, 24}, {200, 60}, {79, 24}, {120, 30}, {119, 40}, {81, 25}, {30, 10}, {100, 24}} {
			send(a, tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
			checkSize(t, a.View().Content, sz[0], sz[1])
		}
	}
}

// Quitting while the images load exits 0: the cancelled load's answer is
// no failure.
func TestDiffQuitWhileLoading(t *testing.T) {
	a := newTestDiff(t, true, 100, 30)
	send(a, DiffSideMsg{Side: sideA, Msg: StatusMsg{Text: "pulling busybox"}})
	keys(a, "q")
	send(a, DiffLoaded(nil, nil, errors.New("context canceled")))
	if a.ExitCode() != 0 {
		t.Errorf("exit %d after quitting", a.ExitCode())
	}
}
