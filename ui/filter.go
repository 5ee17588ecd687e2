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

// applied tells whether rows are filtered: a search has answered.
func (f *filter) applied() bool { return f.text != "" && f.keep != nil }

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

// filterMsg brings the matches of a filter text in one layer's view.
type filterMsg struct {
	text    string
	k       int
	matched []model.NodeID
	keep    map[model.NodeID]bool
}

// search returns the command that finds the paths of layer k's view that
// match. When the text only grew (a substring typed further), the new
// matches are among the old ones, so only those are checked again: each
// keystroke narrows.
func (f *filter) search(img *model.Image, k int) tea.Cmd {
	if f.keep != nil && f.k == k && f.forText == f.text {
		return nil
	}
	text, re := f.text, f.re
	var among []model.NodeID
	if f.keep != nil && f.k == k && re == nil && f.forText != "" &&
		strings.Contains(text, f.forText) && !strings.ContainsAny(f.forText, regexChars) {
		among = f.matched
	}
	return func() tea.Msg {
		m := filterMsg{text: text, k: k}
		match := filter{text: text, re: re}
		if among != nil {
			for _, n := range among {
				if match.matchString(img.Path(n)) {
					m.matched = append(m.matched, n)
				}
			}
		} else {
			m.matched = img.Match(k, match.matchBytes)
		}
		m.keep = make(map[model.NodeID]bool, len(m.matched))
		for _, n := range m.matched {
			for ; n != model.Root && !m.keep[n]; n = img.Parent(n) {
				m.keep[n] = true
			}
		}
		return m
	}
}

// take keeps a search's answer if it is still the current question.
func (f *filter) take(m filterMsg) bool {
	if m.text != f.text || !f.active() {
		return false
	}
	f.k, f.forText, f.matched, f.keep = m.k, m.text, m.matched, m.keep
	return true
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
