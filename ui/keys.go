package ui

import "charm.land/bubbles/v2/key"

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
