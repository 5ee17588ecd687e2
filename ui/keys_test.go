package ui

import (
	"reflect"
	"sort"

	"charm.land/bubbles/v2/key"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"lx.dev/lx/model/report"
	"lx.dev/lx/theme"
)

func TestRebind(t *testing.T) {
	k := DefaultKeyMap()
	if err := k.Rebind(map[string][]string{"quit": {"x", "ctrl+q"}, "nextLayer": {"n"}}); err != nil {
		t.Fatal(err)
	}
	if got := k.Quit.Keys(); strings.Join(got, " ") != "x ctrl+q" || k.Quit.Help().Key != "x/Ctrl-Q" || k.Quit.Help().Desc != "quit" {
		t.Errorf("quit: keys %v help %+v", got, k.Quit.Help())
	}
	if err := k.Rebind(map[string][]string{"jump": {"j"}}); err == nil || !strings.Contains(err.Error(), "unknown action") {
		t.Errorf("an unknown action: %v", err)
	}
	if err := k.Rebind(map[string][]string{"quit": nil}); err == nil {
		t.Error("an action with no keys is accepted")
	}
}

// Every field of the key map is defined by exactly one row of the key
// table, so every binding has an action name, help text and a group: a
// field added without its row fails here.
func TestKeyTableDefinesEveryField(t *testing.T) {
	var k KeyMap
	rows := map[*key.Binding]string{}
	for _, d := range keyTable {
		f := d.field(&k)
		if prev, ok := rows[f]; ok {
			t.Errorf("actions %s and %s fill the same field", prev, d.action)
		}
		rows[f] = d.action
		if d.desc == "" || d.group == "" || len(d.keys) == 0 {
			t.Errorf("action %s lacks keys, help, or a group with a scope: %+v", d.action, d)
		}
	}
	v := reflect.ValueOf(&k).Elem()
	for i := range v.NumField() {
		f := v.Field(i).Addr().Interface().(*key.Binding)
		if _, ok := rows[f]; !ok {
			t.Errorf("KeyMap.%s has no row in the key table", v.Type().Field(i).Name)
		}
	}
	names := ActionNames()
	if len(names) != len(keyTable) || !sort.StringsAreSorted(names) {
		t.Errorf("action names %v", names)
	}
	for i := 1; i < len(names); i++ {
		if names[i] == names[i-1] {
			t.Errorf("action %s defined twice", names[i])
		}
	}
}

// Every action answers keys somewhere: the scopes the configuration's
// checks use cover the key table.
func TestKeyScopesCoverEveryAction(t *testing.T) {
	seen := map[string]bool{}
	for _, scope := range KeyScopes() {
		for _, a := range scope {
			seen[a] = true
		}
	}
	for _, a := range ActionNames() {
		if !seen[a] {
			t.Errorf("action %s is in no scope", a)
		}
	}
	if len(DefaultBindings()) != len(keyTable) {
		t.Errorf("%d default bindings for %d actions", len(DefaultBindings()), len(keyTable))
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
	d, ok := a.overlays[len(a.overlays)-1].Overlay.(*exportDialog)
	if !ok {
		t.Fatal("e does not open the export dialog")
	}
	if d.formats[d.format] != report.HTML || !strings.HasPrefix(d.path.value(), "/reports/lx-report-") || !strings.HasSuffix(d.path.value(), ".html") {
		t.Errorf("the dialog proposes %s as %s", d.path.value(), d.formats[d.format])
	}
}
