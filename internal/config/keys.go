package config

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// KeyMap is the explorer's key map as plain data, to check a keys:
// section against: what the explorer would reject, or take and never act on.
type KeyMap struct {
	// Defaults is every action's default keys.
	Defaults map[string][]string
	// Scopes are the sets of actions that answer keys at the same time;
	// one key may do only one action of a set. Nil is one set of them all.
	Scopes [][]string
}

// CheckKeys reports the first problem of the keys: section, by line: an
// unknown action, a key name Bubble Tea never reports, or a key that does
// two actions at once. Errors read "FILE:LINE: keys.ACTION: problem".
func (c Config) CheckKeys(km KeyMap) error {
	actions := make([]string, 0, len(c.Keys))
	for a := range c.Keys {
		actions = append(actions, a)
	}
	sort.Slice(actions, func(i, j int) bool { return c.keyLines[actions[i]].action < c.keyLines[actions[j]].action })
	known := slices.Sorted(maps.Keys(km.Defaults))
	for _, a := range actions {
		if _, ok := km.Defaults[a]; !ok {
			return fmt.Errorf("%s:%d: keys.%s: unknown action (known: %s)", c.From, c.keyLines[a].action, a, strings.Join(known, ", "))
		}
		for i, k := range c.Keys[a] {
			if err := CheckKeyName(k); err != nil {
				return fmt.Errorf("%s:%d: keys.%s: %w", c.From, c.keyLine(a, i), a, err)
			}
		}
	}
	for _, a := range actions {
		for i, k := range c.Keys[a] {
			if err := c.keyClash(km, a, k, c.keyLine(a, i)); err != nil {
				return fmt.Errorf("%s:%d: keys.%s: %w", c.From, c.keyLine(a, i), a, err)
			}
		}
	}
	return nil
}

// keyLine is the line of an action's i-th key.
func (c Config) keyLine(action string, i int) int {
	l := c.keyLines[action]
	if i < len(l.keys) {
		return l.keys[i]
	}
	return l.action
}

// keyClash says which other action key k, bound to action on line, also
// does at the same time, if any. Of two lines of the file that bind one
// key, the later is the one in error.
func (c Config) keyClash(km KeyMap, action, k string, line int) error {
	scopes := km.Scopes
	if scopes == nil {
		scopes = [][]string{slices.Sorted(maps.Keys(km.Defaults))}
	}
	for _, scope := range scopes {
		if !slices.Contains(scope, action) {
			continue
		}
		for _, other := range scope {
			if other == action || !slices.Contains(c.effectiveKeys(km, other), k) {
				continue
			}
			where := "by default"
			if keys, set := c.Keys[other]; set {
				otherLine := c.keyLine(other, slices.Index(keys, k))
				if otherLine > line {
					continue
				}
				where = fmt.Sprintf("line %d", otherLine)
			}
			return fmt.Errorf("%q also does %s (%s); give one of them another key", k, other, where)
		}
	}
	return nil
}

// effectiveKeys are an action's keys: the file's, else its defaults.
func (c Config) effectiveKeys(km KeyMap, action string) []string {
	if keys, ok := c.Keys[action]; ok {
		return keys
	}
	return km.Defaults[action]
}

// modifiers are the modifier prefixes of a key name, in the order Bubble
// Tea writes them.
var modifiers = []string{"ctrl", "alt", "shift", "meta", "hyper", "super"}

// namedKeys are the keys Bubble Tea names rather than prints (f1 to f63
// are checked apart).
var namedKeys = []string{
	"up", "down", "left", "right", "pgup", "pgdown", "home", "end",
	"tab", "enter", "esc", "space", "backspace", "delete", "insert",
	"begin", "find", "select", "capslock", "scrolllock", "numlock",
	"printscreen", "pause", "menu", "mute", "lowervol", "raisevol",
	"mediaplay", "mediapause", "mediaplaypause", "mediareverse", "mediastop",
	"mediafastforward", "mediarewind", "medianext", "mediaprev", "mediarecord",
}

// CheckKeyName tells whether Bubble Tea can report a key by this name:
// one printable character ("q", "G", "?"), or a named key ("pgdown",
// "f5"), after modifiers in Bubble Tea's order ("ctrl+alt+shift+…").
func CheckKeyName(name string) error {
	rest, mods := name, []int{}
	for {
		found := false
		for i, m := range modifiers {
			if after, ok := strings.CutPrefix(rest, m+"+"); ok && after != "" {
				rest, mods, found = after, append(mods, i), true
				break
			}
		}
		if !found {
			break
		}
	}
	if !sort.IntsAreSorted(mods) || hasRepeat(mods) {
		return fmt.Errorf("%q is not a key: write each modifier once, in the order %s (as in ctrl+shift+a)", name, strings.Join(modifiers, "+"))
	}
	switch {
	case rest == " ":
		return fmt.Errorf("%q is not a key: write space", name)
	case utf8.RuneCountInString(rest) == 1:
		r, _ := utf8.DecodeRuneInString(rest)
		if !unicode.IsPrint(r) {
			return fmt.Errorf("%q is not a key: %U is not a printable character", name, r)
		}
		if len(mods) == 1 && mods[0] == slices.Index(modifiers, "shift") {
			return fmt.Errorf("%q is never reported: shift with a character is the character it types (write %s)", name, shiftedHint(r))
		}
		return nil
	case slices.Contains(namedKeys, rest) || isFunctionKey(rest):
		return nil
	case slices.Contains(namedKeys, strings.ToLower(rest)) || isFunctionKey(strings.ToLower(rest)):
		return fmt.Errorf("%q is not a key: key names are lower case (%s)", name, strings.TrimSuffix(name, rest)+strings.ToLower(rest))
	}
	return fmt.Errorf("%q is not a key: %q is neither one character nor a key name (up, down, left, right, pgup, pgdown, home, end, tab, enter, esc, space, backspace, delete, insert, f1 to f63…), after modifiers ctrl+, alt+, shift+ in that order", name, rest)
}

func hasRepeat(xs []int) bool {
	for i := 1; i < len(xs); i++ {
		if xs[i] == xs[i-1] {
			return true
		}
	}
	return false
}

func shiftedHint(r rune) string {
	if up := unicode.ToUpper(r); up != r {
		return string(up)
	}
	return "the character shift gives, as in A or !"
}

// isFunctionKey tells f1 to f63 apart.
func isFunctionKey(s string) bool {
	n, ok := strings.CutPrefix(s, "f")
	if !ok || n == "" || n[0] == '0' || len(n) > 2 {
		return false
	}
	v := 0
	for _, d := range n {
		if d < '0' || d > '9' {
			return false
		}
		v = v*10 + int(d-'0')
	}
	return v >= 1 && v <= 63
}
