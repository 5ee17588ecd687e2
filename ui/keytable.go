package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
)

// keyNames spells Bubble Tea's key names the way keyboards print them.
var keyNames = map[string]string{
	"up": "↑", "down": "↓", "left": "←", "right": "→",
	"pgup": "PgUp", "pgdown": "PgDn", "home": "Home", "end": "End",
	"tab": "Tab", "shift+tab": "Shift-Tab", "space": "Space",
	"enter": "Enter", "esc": "Esc", "ctrl+c": "Ctrl-C",
}

// KeyTable is the key map as a Markdown table, by topic, as the README
// shows it: a test keeps the two equal.
func (k *KeyMap) KeyTable() string {
	var b strings.Builder
	b.WriteString("| where | keys | does |\n| --- | --- | --- |\n")
	for _, g := range k.Groups() {
		for _, kb := range g.Bindings {
			b.WriteString("| " + g.Title + " | " + keyList(kb) + " | " + kb.Help().Desc + " |\n")
		}
	}
	return b.String()
}

func keyList(kb key.Binding) string {
	var names []string
	for _, k := range kb.Keys() {
		if n, ok := keyNames[k]; ok {
			k = n
		}
		names = append(names, "`"+k+"`")
	}
	return strings.Join(names, ", ")
}
