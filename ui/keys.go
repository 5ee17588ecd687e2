package ui

import (
	"fmt"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
)

// KeyMap is every binding of the explorer, in one place: help is generated
// from it and the README's key table follows it.
type KeyMap struct {
	Up, Down, Left, Right            key.Binding
	PageUp, PageDown, Home, End      key.Binding
	NextPane, PrevPane               key.Binding
	NextLayer, PrevLayer             key.Binding
	Enter, Back, Quit, Help          key.Binding
	Waste, Export, Filter            key.Binding
	Toggle, ExpandAll, CollapseAll   key.Binding
	ChangesOnly, HideUnchanged, Sort key.Binding
	FormatNext                       key.Binding // in the export dialog
}

// DefaultKeyMap is the explorer's bindings.
func DefaultKeyMap() *KeyMap {
	b := func(keys []string, help, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return &KeyMap{
		Up:            b([]string{"up", "k"}, "↑/k", "up"),
		Down:          b([]string{"down", "j"}, "↓/j", "down"),
		Left:          b([]string{"left", "h"}, "←/h", "collapse / to parent"),
		Right:         b([]string{"right", "l"}, "→/l", "expand"),
		PageUp:        b([]string{"pgup"}, "pgup", "page up"),
		PageDown:      b([]string{"pgdown"}, "pgdn", "page down"),
		Home:          b([]string{"home", "g"}, "home/g", "first"),
		End:           b([]string{"end", "G"}, "end/G", "last"),
		NextPane:      b([]string{"tab"}, "tab", "next pane"),
		PrevPane:      b([]string{"shift+tab"}, "shift+tab", "previous pane"),
		NextLayer:     b([]string{"]"}, "]", "next layer"),
		PrevLayer:     b([]string{"["}, "[", "previous layer"),
		Enter:         b([]string{"enter"}, "enter", "open / jump / confirm"),
		Back:          b([]string{"esc"}, "esc", "close / clear"),
		Quit:          b([]string{"q", "ctrl+c"}, "q", "quit"),
		Help:          b([]string{"?"}, "?", "help"),
		Waste:         b([]string{"w"}, "w", "wasted copies"),
		Export:        b([]string{"e"}, "e", "export report"),
		Filter:        b([]string{"/"}, "/", "filter paths"),
		Toggle:        b([]string{"space"}, "space", "expand / collapse"),
		ExpandAll:     b([]string{"+", "="}, "+", "expand all"),
		CollapseAll:   b([]string{"-"}, "-", "collapse all"),
		ChangesOnly:   b([]string{"c"}, "c", "layer changes / whole fs"),
		HideUnchanged: b([]string{"u"}, "u", "hide unchanged"),
		Sort:          b([]string{"s"}, "s", "sort by name / size"),
		FormatNext:    b([]string{"tab", "shift+tab", "up", "down"}, "tab/↑/↓", "format"),
	}
}

// actions names every binding, as the configuration file's keys: section
// spells them.
func (k *KeyMap) actions() map[string]*key.Binding {
	return map[string]*key.Binding{
		"up": &k.Up, "down": &k.Down, "left": &k.Left, "right": &k.Right,
		"pageUp": &k.PageUp, "pageDown": &k.PageDown, "home": &k.Home, "end": &k.End,
		"nextPane": &k.NextPane, "prevPane": &k.PrevPane, "nextLayer": &k.NextLayer, "prevLayer": &k.PrevLayer,
		"enter": &k.Enter, "back": &k.Back, "quit": &k.Quit, "help": &k.Help,
		"waste": &k.Waste, "export": &k.Export, "filter": &k.Filter,
		"toggle": &k.Toggle, "expandAll": &k.ExpandAll, "collapseAll": &k.CollapseAll,
		"changesOnly": &k.ChangesOnly, "hideUnchanged": &k.HideUnchanged, "sort": &k.Sort,
		"formatNext": &k.FormatNext,
	}
}

// ActionNames lists the actions a configuration can rebind, sorted.
func ActionNames() []string {
	var names []string
	for n := range DefaultKeyMap().actions() {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Rebind gives the named actions new keys (as Bubble Tea names them: "q",
// "ctrl+c", "pgdown", "space"); help shows the new keys.
func (k *KeyMap) Rebind(keys map[string][]string) error {
	acts := k.actions()
	for name, ks := range keys {
		b, ok := acts[name]
		if !ok {
			return fmt.Errorf("unknown action %q (known: %s)", name, strings.Join(ActionNames(), ", "))
		}
		if len(ks) == 0 {
			return fmt.Errorf("%s: no keys given", name)
		}
		*b = key.NewBinding(key.WithKeys(ks...), key.WithHelp(strings.Join(ks, "/"), b.Help().Desc))
	}
	return nil
}

// Groups is the key map by topic, for the help screen.
func (k *KeyMap) Groups() []KeyGroup {
	return []KeyGroup{
		{"Move", []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End, k.NextPane, k.PrevPane, k.NextLayer, k.PrevLayer}},
		{"Tree", []key.Binding{k.Left, k.Right, k.Toggle, k.ExpandAll, k.CollapseAll, k.ChangesOnly, k.HideUnchanged, k.Sort, k.Filter}},
		{"Screens", []key.Binding{k.Waste, k.Export, k.Help, k.Enter, k.Back, k.Quit}},
		{"Export dialog", []key.Binding{k.FormatNext}},
	}
}

// KeyGroup is a titled set of bindings.
type KeyGroup struct {
	Title    string
	Bindings []key.Binding
}
