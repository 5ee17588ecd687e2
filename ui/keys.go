package ui

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
)

// KeyMap is every binding of the explorer. Its fields are filled from
// keyTable, the one place a binding is defined: the help screen, the
// footers, the README's key table and the configuration's action names all
// come from that table.
type KeyMap struct {
	Up, Down, Left, Right            key.Binding
	PageUp, PageDown, Home, End      key.Binding
	NextPane, PrevPane               key.Binding
	NextLayer, PrevLayer             key.Binding
	Enter, Back, Quit, ForceQuit     key.Binding
	Help, Waste, Export, Filter      key.Binding
	Toggle, ExpandAll, CollapseAll   key.Binding
	ChangesOnly, HideUnchanged, Sort key.Binding
	Lines, Group, History            key.Binding
	Extract, CopyPath, CopyContent   key.Binding // a file: write it out, copy its path or content
	Diff                             key.Binding // the viewer's diff / whole file; the history's two copies
	Search, NextMatch, PrevMatch     key.Binding // in the file viewer
	FormatNext, FormatPrev           key.Binding // in the export dialog
	Confirm, Deny                    key.Binding // a yes/no question

	// Text fields (the filter, the export path).
	CharLeft, CharRight, WordLeft, WordRight key.Binding
	LineStart, LineEnd                       key.Binding
	DeleteLeft, DeleteRight, DeleteWordLeft  key.Binding
	DeleteWordRight, DeleteToStart           key.Binding
	DeleteToEnd, Paste                       key.Binding
}

// The groups of the help screen and the README table.
const (
	groupMove    = "Move"
	groupTree    = "Tree"
	groupScreens = "Screens"
	groupFiles   = "Files"
	groupViewer  = "File viewer"
	groupExport  = "Export dialog"
	groupText    = "Text fields"
)

// keyDef is one binding: its action name (the configuration's key), its
// default keys, what it does, its group, and the field it fills.
type keyDef struct {
	action string
	keys   []string
	desc   string
	group  string
	field  func(*KeyMap) *key.Binding
}

// keyTable defines every binding, in the order help lists them.
var keyTable = []keyDef{
	{"up", []string{"up", "k"}, "up", groupMove, func(k *KeyMap) *key.Binding { return &k.Up }},
	{"down", []string{"down", "j"}, "down", groupMove, func(k *KeyMap) *key.Binding { return &k.Down }},
	{"pageUp", []string{"pgup"}, "page up", groupMove, func(k *KeyMap) *key.Binding { return &k.PageUp }},
	{"pageDown", []string{"pgdown"}, "page down", groupMove, func(k *KeyMap) *key.Binding { return &k.PageDown }},
	{"home", []string{"home", "g"}, "first", groupMove, func(k *KeyMap) *key.Binding { return &k.Home }},
	{"end", []string{"end", "G"}, "last", groupMove, func(k *KeyMap) *key.Binding { return &k.End }},
	{"nextPane", []string{"tab"}, "next pane", groupMove, func(k *KeyMap) *key.Binding { return &k.NextPane }},
	{"prevPane", []string{"shift+tab"}, "previous pane", groupMove, func(k *KeyMap) *key.Binding { return &k.PrevPane }},
	{"nextLayer", []string{"]"}, "next layer", groupMove, func(k *KeyMap) *key.Binding { return &k.NextLayer }},
	{"prevLayer", []string{"["}, "previous layer", groupMove, func(k *KeyMap) *key.Binding { return &k.PrevLayer }},

	{"left", []string{"left", "h"}, "collapse / to parent", groupTree, func(k *KeyMap) *key.Binding { return &k.Left }},
	{"right", []string{"right", "l"}, "expand", groupTree, func(k *KeyMap) *key.Binding { return &k.Right }},
	{"toggle", []string{"space"}, "expand / collapse", groupTree, func(k *KeyMap) *key.Binding { return &k.Toggle }},
	{"expandAll", []string{"+", "="}, "expand all", groupTree, func(k *KeyMap) *key.Binding { return &k.ExpandAll }},
	{"collapseAll", []string{"-"}, "collapse all", groupTree, func(k *KeyMap) *key.Binding { return &k.CollapseAll }},
	{"changesOnly", []string{"c"}, "layer changes / whole fs", groupTree, func(k *KeyMap) *key.Binding { return &k.ChangesOnly }},
	{"hideUnchanged", []string{"u"}, "hide unchanged", groupTree, func(k *KeyMap) *key.Binding { return &k.HideUnchanged }},
	{"sort", []string{"s"}, "sort by name / size", groupTree, func(k *KeyMap) *key.Binding { return &k.Sort }},
	{"filter", []string{"/"}, "filter paths", groupTree, func(k *KeyMap) *key.Binding { return &k.Filter }},
	{"lines", []string{"L"}, "tree lines / plain indent", groupTree, func(k *KeyMap) *key.Binding { return &k.Lines }},
	{"history", []string{"H"}, "history of the path", groupTree, func(k *KeyMap) *key.Binding { return &k.History }},

	{"waste", []string{"w"}, "wasted copies", groupScreens, func(k *KeyMap) *key.Binding { return &k.Waste }},
	{"group", []string{"v"}, "waste list: every copy / by directory / by step", groupScreens, func(k *KeyMap) *key.Binding { return &k.Group }},
	{"export", []string{"e"}, "export report", groupScreens, func(k *KeyMap) *key.Binding { return &k.Export }},
	{"help", []string{"?"}, "help", groupScreens, func(k *KeyMap) *key.Binding { return &k.Help }},
	{"enter", []string{"enter"}, "open / jump / confirm", groupScreens, func(k *KeyMap) *key.Binding { return &k.Enter }},
	{"back", []string{"esc"}, "close / clear", groupScreens, func(k *KeyMap) *key.Binding { return &k.Back }},
	{"quit", []string{"q"}, "quit", groupScreens, func(k *KeyMap) *key.Binding { return &k.Quit }},
	{"forceQuit", []string{"ctrl+c"}, "quit, even while typing", groupScreens, func(k *KeyMap) *key.Binding { return &k.ForceQuit }},

	{"extract", []string{"x"}, "write the file out (extract)", groupFiles, func(k *KeyMap) *key.Binding { return &k.Extract }},
	{"copyPath", []string{"y"}, "copy the path to the clipboard", groupFiles, func(k *KeyMap) *key.Binding { return &k.CopyPath }},
	{"copyContent", []string{"Y"}, "copy the content (≤ 1 MiB) or the step's command", groupFiles, func(k *KeyMap) *key.Binding { return &k.CopyContent }},
	{"diff", []string{"d"}, "diff / whole file; in the history: diff two copies", groupFiles, func(k *KeyMap) *key.Binding { return &k.Diff }},

	{"search", []string{"/"}, "search the file", groupViewer, func(k *KeyMap) *key.Binding { return &k.Search }},
	{"nextMatch", []string{"n"}, "next match", groupViewer, func(k *KeyMap) *key.Binding { return &k.NextMatch }},
	{"prevMatch", []string{"N"}, "previous match", groupViewer, func(k *KeyMap) *key.Binding { return &k.PrevMatch }},

	{"formatNext", []string{"tab", "down"}, "next format", groupExport, func(k *KeyMap) *key.Binding { return &k.FormatNext }},
	{"formatPrev", []string{"shift+tab", "up"}, "previous format", groupExport, func(k *KeyMap) *key.Binding { return &k.FormatPrev }},
	{"confirm", []string{"y"}, "yes, replace the file", groupExport, func(k *KeyMap) *key.Binding { return &k.Confirm }},
	{"deny", []string{"n"}, "no, keep it", groupExport, func(k *KeyMap) *key.Binding { return &k.Deny }},

	{"charLeft", []string{"left", "ctrl+b"}, "cursor left", groupText, func(k *KeyMap) *key.Binding { return &k.CharLeft }},
	{"charRight", []string{"right", "ctrl+f"}, "cursor right", groupText, func(k *KeyMap) *key.Binding { return &k.CharRight }},
	{"wordLeft", []string{"alt+left", "ctrl+left", "alt+b"}, "word left", groupText, func(k *KeyMap) *key.Binding { return &k.WordLeft }},
	{"wordRight", []string{"alt+right", "ctrl+right", "alt+f"}, "word right", groupText, func(k *KeyMap) *key.Binding { return &k.WordRight }},
	{"lineStart", []string{"home", "ctrl+a"}, "start of line", groupText, func(k *KeyMap) *key.Binding { return &k.LineStart }},
	{"lineEnd", []string{"end", "ctrl+e"}, "end of line", groupText, func(k *KeyMap) *key.Binding { return &k.LineEnd }},
	{"deleteLeft", []string{"backspace", "ctrl+h"}, "delete left", groupText, func(k *KeyMap) *key.Binding { return &k.DeleteLeft }},
	{"deleteRight", []string{"delete", "ctrl+d"}, "delete right", groupText, func(k *KeyMap) *key.Binding { return &k.DeleteRight }},
	{"deleteWordLeft", []string{"alt+backspace", "ctrl+w"}, "delete word left", groupText, func(k *KeyMap) *key.Binding { return &k.DeleteWordLeft }},
	{"deleteWordRight", []string{"alt+delete", "alt+d"}, "delete word right", groupText, func(k *KeyMap) *key.Binding { return &k.DeleteWordRight }},
	{"deleteToStart", []string{"ctrl+u"}, "delete to start", groupText, func(k *KeyMap) *key.Binding { return &k.DeleteToStart }},
	{"deleteToEnd", []string{"ctrl+k"}, "delete to end", groupText, func(k *KeyMap) *key.Binding { return &k.DeleteToEnd }},
	{"paste", []string{"ctrl+v"}, "paste (or the terminal's paste)", groupText, func(k *KeyMap) *key.Binding { return &k.Paste }},
}

// DefaultKeyMap is the explorer's bindings, as keyTable defines them.
func DefaultKeyMap() *KeyMap {
	k := &KeyMap{}
	for _, d := range keyTable {
		*d.field(k) = binding(d.keys, d.desc)
	}
	return k
}

// binding makes a binding whose help shows every key, as keyboards print
// them ("↑/k").
func binding(keys []string, desc string) key.Binding {
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = keyName(k)
	}
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(strings.Join(names, "/"), desc))
}

// ActionNames lists the actions a configuration can rebind, sorted.
func ActionNames() []string {
	names := make([]string, len(keyTable))
	for i, d := range keyTable {
		names[i] = d.action
	}
	sort.Strings(names)
	return names
}

// DefaultBindings is every action's default keys, by action name.
func DefaultBindings() map[string][]string {
	out := make(map[string][]string, len(keyTable))
	for _, d := range keyTable {
		out[d.action] = append([]string(nil), d.keys...)
	}
	return out
}

// Rebind gives the named actions new keys (as Bubble Tea names them: "q",
// "ctrl+c", "pgdown", "space"); help shows the new keys. It refuses an
// unknown action and an action with no keys; what a configuration file
// may bind is checked before, against DefaultBindings and KeyScopes
// (internal/config), where the file's lines are known.
func (k *KeyMap) Rebind(keys map[string][]string) error {
	byAction := map[string]keyDef{}
	for _, d := range keyTable {
		byAction[d.action] = d
	}
	for _, name := range slices.Sorted(maps.Keys(keys)) {
		d, ok := byAction[name]
		switch {
		case !ok:
			return fmt.Errorf("unknown action %q (known: %s)", name, strings.Join(ActionNames(), ", "))
		case len(keys[name]) == 0:
			return fmt.Errorf("%s: no keys given", name)
		}
		*d.field(k) = binding(keys[name], d.desc)
	}
	return nil
}

// KeyScopes are the sets of actions that answer keys at the same time, so
// that one key may serve only one action of a set: the panes (moving, the
// tree, the screens, a file's keys), the file viewer (moving, the screens,
// a file's keys, its own, and left and right, which scroll it sideways),
// and the dialogs while a name is typed. Ctrl-C's action quits from
// anywhere, so it belongs to all.
func KeyScopes() [][]string {
	var panes, viewer, dialog []string
	for _, d := range keyTable {
		switch d.group {
		case groupMove, groupScreens, groupFiles:
			panes = append(panes, d.action)
			viewer = append(viewer, d.action)
		case groupTree:
			panes = append(panes, d.action)
		case groupViewer:
			viewer = append(viewer, d.action)
		case groupExport, groupText:
			dialog = append(dialog, d.action)
		}
	}
	return [][]string{panes, append(viewer, "left", "right"), append(dialog, "enter", "back", "forceQuit")}
}

// Groups is the key map by topic, for the help screen.
func (k *KeyMap) Groups() []KeyGroup {
	var out []KeyGroup
	for _, d := range keyTable {
		if len(out) == 0 || out[len(out)-1].Title != d.group {
			out = append(out, KeyGroup{Title: d.group})
		}
		g := &out[len(out)-1]
		g.Bindings = append(g.Bindings, *d.field(k))
	}
	return out
}

// KeyGroup is a titled set of bindings.
type KeyGroup struct {
	Title    string
	Bindings []key.Binding
}
