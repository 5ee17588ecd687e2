package ui

import (
	"bytes"
	"regexp"
	"strings"
	"sync/atomic"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"lx.dev/lx/model"
)

// filter narrows the tree to the paths matching a substring, or a regular
// expression when the text has regex syntax in it. It matches the path
// relative to the root ("usr/lib/x"); the directories above every match
// stay shown.
type filter struct {
	input textField
	text  string
	re    *regexp.Regexp
	err   string // the text is not a valid regex: it is matched as text

	k       int // the layer keep was computed for
	matched []model.NodeID
	keep    map[model.NodeID]bool
	forText string // the text keep was computed for

	// The last search asked, until it answers: a search runs off the
	// update loop while the previous matches stay on screen, and one a
	// later search (or clear) makes stale stops early and answers nothing.
	asked     bool
	askedText string
	askedK    int
	gen       *atomic.Uint64 // the last search's number
}

func newFilter(c *Common) filter { return filter{input: newTextField(c, ""), gen: &atomic.Uint64{}} }

func (f *filter) editing() bool { return f.input.focused() }
func (f *filter) shown() bool   { return f.editing() || f.text != "" }
func (f *filter) active() bool  { return f.text != "" }

// applied tells whether rows are filtered: a search has answered.
func (f *filter) applied() bool { return f.text != "" && f.keep != nil }

// start begins typing the filter.
func (f *filter) start() { f.input.focus() }

func (f *filter) clear() {
	f.input.blur()
	f.input.set("")
	f.text, f.re, f.err = "", nil, ""
	f.k, f.matched, f.keep, f.forText = 0, nil, nil, ""
	f.asked = false
	f.gen.Add(1) // a search on its way is stale
}

// update takes a key or a paste while the filter is typed: Enter keeps the
// filter and stops typing, Back drops it. It tells whether the text
// changed.
func (f *filter) update(k *KeyMap, msg tea.Msg) (bool, tea.Cmd) {
	if m, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(m, k.Enter):
			f.input.blur()
			return false, nil
		case key.Matches(m, k.Back):
			changed := f.text != ""
			f.clear()
			return changed, nil
		}
	}
	changed, cmd := f.input.update(k, msg)
	if changed {
		f.text = f.input.value()
		f.compile()
	}
	return changed, cmd
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
	gen     uint64
	text    string
	k       int
	matched []model.NodeID
	keep    map[model.NodeID]bool
}

// search returns the command that finds the paths of layer k's view that
// match, unless they are in or on their way. When the text only grew (a
// substring typed further), the new matches are among the old ones, so
// only those are checked again: each keystroke narrows.
func (f *filter) search(img *model.Image, k int) tea.Cmd {
	if f.keep != nil && f.k == k && f.forText == f.text {
		return nil
	}
	if f.asked && f.askedK == k && f.askedText == f.text {
		return nil
	}
	text, re := f.text, f.re
	var among []model.NodeID
	if f.keep != nil && f.k == k && re == nil && f.forText != "" &&
		strings.Contains(text, f.forText) && !strings.ContainsAny(f.forText, regexChars) {
		among = f.matched
	}
	f.asked, f.askedText, f.askedK = true, text, k
	gen, last := f.gen.Add(1), f.gen
	return func() tea.Msg {
		stale := func() bool { return last.Load() != gen }
		m := filterMsg{gen: gen, text: text, k: k}
		match := filter{text: text, re: re}
		if among != nil {
			for _, n := range among {
				if stale() {
					return nil
				}
				if match.matchString(img.Path(n)) {
					m.matched = append(m.matched, n)
				}
			}
		} else {
			m.matched = img.Match(k, func(p []byte) bool { return !stale() && match.matchBytes(p) })
		}
		if stale() {
			return nil
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

// take keeps a search's answer if it is still the current question in
// the view of layer k.
func (f *filter) take(m filterMsg, k int) bool {
	if m.gen != f.gen.Load() {
		return false // a later search was asked, or the filter cleared
	}
	f.asked = false
	if m.k != k || m.text != f.text || !f.active() {
		return false
	}
	f.k, f.forText, f.matched, f.keep = m.k, m.text, m.matched, m.keep
	return true
}
