package ui

import (
	"fmt"
	"strings"
	"unicode"
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

// namedKeys are the keys Bubble Tea names by a word.
var namedKeys = func() map[string]bool {
	m := map[string]bool{
		"enter": true, "tab": true, "backspace": true, "esc": true, "space": true,
		"up": true, "down": true, "left": true, "right": true, "begin": true,
		"find": true, "insert": true, "delete": true, "select": true,
		"pgup": true, "pgdown": true, "home": true, "end": true,
	}
	for i := 1; i <= 35; i++ {
		m[fmt.Sprintf("f%d", i)] = true
	}
	return m
}()

var modifierOrder = []string{"ctrl", "alt", "shift", "meta", "hyper", "super"}

// checkKeyName tells whether a terminal can send a key by that name, as
// Bubble Tea spells it: modifiers in its order (ctrl+alt+shift+…), then a
// named key or one printable character.
func checkKeyName(k string) error {
	mods, base := splitKey(k)
	last := -1
	for _, m := range mods {
		at := -1
		for i, o := range modifierOrder {
			if o == m {
				at = i
			}
		}
		switch {
		case at < 0:
			return fmt.Errorf("unknown key %q: %q is not a modifier (ctrl, alt, shift, meta, hyper, super)", k, m)
		case at <= last:
			return fmt.Errorf("unknown key %q: write the modifiers in the order ctrl+alt+shift+…", k)
		}
		last = at
	}
	if namedKeys[base] {
		return nil
	}
	if r, n := utf8.DecodeRuneInString(base); n == len(base) && r != utf8.RuneError && unicode.IsPrint(r) && r != ' ' {
		return nil
	}
	return fmt.Errorf("unknown key %q (a key is one character, or a name such as enter, esc, tab, space, up, pgdown, home, f1; with ctrl+, alt+ or shift+ before it)", k)
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
