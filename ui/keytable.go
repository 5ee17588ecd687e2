package ui

import (
	"strings"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
)

// keyNames spells Bubble Tea's key names the way keyboards print them.
var keyNames = map[string]string{
	"up": "↑", "down": "↓", "left": "←", "right": "→",
	"pgup": "PgUp", "pgdown": "PgDn", "home": "Home", "end": "End",
	"tab": "Tab", "space": "Space", "enter": "Enter", "esc": "Esc",
	"backspace": "Backspace", "delete": "Delete", "insert": "Insert",
}

var modifierNames = map[string]string{
	"ctrl": "Ctrl", "alt": "Alt", "shift": "Shift", "meta": "Meta", "hyper": "Hyper", "super": "Super",
}

// keyName is one key as a keyboard prints it: "ctrl+c" is "Ctrl-C",
// "pgdown" "PgDn", "shift+tab" "Shift-Tab".
func keyName(k string) string {
	mods, base := splitKey(k)
	if n, ok := keyNames[base]; ok {
		base = n
	} else if len(mods) > 0 && utf8.RuneCountInString(base) == 1 {
		base = strings.ToUpper(base)
	} else if strings.HasPrefix(base, "f") && len(base) > 1 {
		base = strings.ToUpper(base)
	}
	parts := make([]string, 0, len(mods)+1)
	for _, m := range mods {
		parts = append(parts, modifierNames[m])
	}
	return strings.Join(append(parts, base), "-")
}

// splitKey separates "ctrl+alt+x" into its modifiers and its key; a "+"
// key stays itself ("+", "ctrl++").
func splitKey(k string) (mods []string, base string) {
	rest := k
	for {
		i := strings.IndexByte(rest, '+')
		if i <= 0 || i == len(rest)-1 {
			return mods, rest
		}
		mods = append(mods, rest[:i])
		rest = rest[i+1:]
	}
}

// relabel is a binding with the same keys and another description, for a
// footer that says what the key does here ("Enter write").
func relabel(b key.Binding, desc string) key.Binding {
	h := b.Help()
	b.SetHelp(h.Key, desc)
	return b
}

// shortKey is the first key of a binding, for the footer's short help.
func shortKey(b key.Binding) string {
	if ks := b.Keys(); len(ks) > 0 {
		return keyName(ks[0])
	}
	return ""
}

// KeyTable is the key map as a Markdown table, by topic, with each
// binding's action name (the configuration's), as the README shows it: a
// test keeps the two equal.
func (k *KeyMap) KeyTable() string {
	var b strings.Builder
	b.WriteString("| where | keys | does | action |\n| --- | --- | --- | --- |\n")
	for _, d := range keyTable {
		kb := *d.field(k)
		b.WriteString("| " + d.group + " | " + keyList(kb) + " | " + kb.Help().Desc + " | `" + d.action + "` |\n")
	}
	return b.String()
}

func keyList(kb key.Binding) string {
	var names []string
	for _, k := range kb.Keys() {
		names = append(names, "`"+keyName(k)+"`")
	}
	return strings.Join(names, ", ")
}
