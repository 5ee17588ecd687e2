package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"lx.dev/lx/theme"
)

func TestRebind(t *testing.T) {
	k := DefaultKeyMap()
	if err := k.Rebind(map[string][]string{"quit": {"x", "ctrl+q"}, "nextLayer": {"n"}}); err != nil {
		t.Fatal(err)
	}
	if got := k.Quit.Keys(); strings.Join(got, " ") != "x ctrl+q" || k.Quit.Help().Key != "x/ctrl+q" || k.Quit.Help().Desc != "quit" {
		t.Errorf("quit: keys %v help %+v", got, k.Quit.Help())
	}
	if err := k.Rebind(map[string][]string{"jump": {"j"}}); err == nil || !strings.Contains(err.Error(), "unknown action") {
		t.Errorf("an unknown action: %v", err)
	}
	if err := k.Rebind(map[string][]string{"quit": nil}); err == nil {
		t.Error("an action with no keys is accepted")
	}
}

// Every binding can be rebound: the names cover the whole key map.
func TestActionNamesCoverTheKeyMap(t *testing.T) {
	k := DefaultKeyMap()
	seen := map[string]bool{}
	for _, g := range k.Groups() {
		for _, b := range g.Bindings {
			seen[b.Help().Desc] = true
		}
	}
	acts := k.actions()
	if len(acts) != len(ActionNames()) {
		t.Fatalf("%d actions, %d names", len(acts), len(ActionNames()))
	}
	for _, b := range acts {
		delete(seen, b.Help().Desc)
	}
	if len(seen) > 0 {
		t.Errorf("bindings in help that no action names: %v", seen)
	}
}

// The configuration's rebinding reaches the keys the app answers to, and
// its export defaults reach the dialog.
func TestOptionsKeysAndExportDefaults(t *testing.T) {
	k := DefaultKeyMap()
	if err := k.Rebind(map[string][]string{"waste": {"W"}}); err != nil {
		t.Fatal(err)
	}
	a := New(Options{Ref: "seed", Theme: theme.DarkTheme, Keys: k, ExportFormat: "html", ExportDir: "/reports", Now: testClock})
	send(a, tea.WindowSizeMsg{Width: 120, Height: 40})
	loaded(t, a, seed(t))
	keys(a, "w")
	if len(a.overlays) != 0 {
		t.Error("w still opens the waste list after it was rebound to W")
	}
	keys(a, "W")
	if len(a.overlays) != 1 {
		t.Fatal("W does not open the waste list")
	}
	keys(a, "esc e")
	d, ok := a.overlays[len(a.overlays)-1].(*exportDialog)
	if !ok {
		t.Fatal("e does not open the export dialog")
	}
	if d.formats[d.format] != "html" || !strings.HasPrefix(d.path, "/reports/lx-report-") || !strings.HasSuffix(d.path, ".html") {
		t.Errorf("the dialog proposes %s as %s", d.path, d.formats[d.format])
	}
}
