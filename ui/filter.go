package ui

import (
	"bytes"
	"regexp"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"lx.dev/lx/model"
)

// filter narrows the tree to the paths matching a substring, or a regular
// expression when the text has regex syntax in it. It matches the path
// relative to the root ("usr/lib/x"); the directories above every match
// stay shown.
type filter struct {
	editing bool
	text    string
	re      *regexp.Regexp
	err     string // the text is not a valid regex: it is matched as text

	k       int // the layer keep was computed for
	matched []model.NodeID
	keep    map[model.NodeID]bool
	forText string // the text keep was computed for
}

func (f *filter) shown() bool  { return f.editing || f.text != "" }
func (f *filter) active() bool { return f.text != "" }

func (f *filter) clear() {
	*f = filter{}
}

// key edits the text; it tells whether the text changed.
func (f *filter) key(k *KeyMap, msg tea.KeyPressMsg) bool {
	switch {
	case key.Matches(msg, k.Enter):
		f.editing = false
		return false
	case key.Matches(msg, k.Back):
		changed := f.text != ""
		f.clear()
		return changed
	}
	text, changed := editLine(f.text, msg)
	if !changed {
		return false
	}
	f.text = text
	f.compile()
	return true
}

const regexChars = `\.*+?()[]{}|^$`

func (f *filter) compile() {
	f.re, f.err = nil, ""
	if !strings.ContainsAny(f.text, regexChars) {
		return
	}
	re, err := regexp.Compile(f.text)
	if err != nil {
		f.err = "not a valid regex, matched as text"
		return
	}
	f.re = re
}

func (f *filter) matchBytes(b []byte) bool {
	if f.re != nil {
		return f.re.Match(b)
	}
	return bytes.Contains(b, []byte(f.text))
}

func (f *filter) matchString(s string) bool {
	if f.re != nil {
		return f.re.MatchString(s)
	}
	return strings.Contains(s, f.text)
}

// match finds the paths of layer k's view that match. When the text only
// grew (a substring typed further), the new matches are among the old
// ones, so only those are checked again: each keystroke narrows.
func (f *filter) match(img *model.Image, k int) {
	if f.keep != nil && f.k == k && f.forText == f.text {
		return
	}
	narrow := f.keep != nil && f.k == k && f.re == nil && f.forText != "" &&
		strings.Contains(f.text, f.forText) && !strings.ContainsAny(f.forText, regexChars)
	if narrow {
		var out []model.NodeID
		for _, n := range f.matched {
			if f.matchString(img.Path(n)) {
				out = append(out, n)
			}
		}
		f.matched = out
	} else {
		f.matched = img.Match(k, f.matchBytes)
	}
	f.k, f.forText = k, f.text
	f.keep = make(map[model.NodeID]bool, len(f.matched))
	for _, n := range f.matched {
		for ; n != model.Root && !f.keep[n]; n = img.Parent(n) {
			f.keep[n] = true
		}
	}
}

// editLine applies a key to a one-line text field: typing, backspace,
// ctrl+u. It tells whether the text changed.
func editLine(s string, msg tea.KeyPressMsg) (string, bool) {
	switch msg.String() {
	case "backspace":
		r := []rune(s)
		if len(r) == 0 {
			return s, false
		}
		return string(r[:len(r)-1]), true
	case "ctrl+u":
		return "", s != ""
	}
	if msg.Text == "" || msg.Mod&(tea.ModCtrl|tea.ModAlt) != 0 {
		return s, false
	}
	return s + msg.Text, true
}
