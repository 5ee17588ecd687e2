// Package ui is lx's interactive explorer: a Bubble Tea program of small
// screens (layers, details, tree, waste list, export dialog, help), each
// keeping the Screen contract, laid out and routed by App.
package ui

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"lx.dev/lx/model"
	"lx.dev/lx/theme"
)

// Common is what every screen shares: the styles, the keys and the clock.
// One value, owned by App.
type Common struct {
	Styles *theme.Styles
	Keys   *KeyMap
	Now    func() time.Time

	ExportFormat string // the export dialog's first choice
	ExportDir    string // where the export dialog proposes to write
	PlainTree    bool   // the tree indents without connector lines

	// Path is the path under the tree's cursor and the layer the tree
	// shows: what the history overlay tells. The tree keeps it.
	Path pathRef

	// Contents reads the image's files (the viewer, x, Y); nil when none
	// can be read.
	Contents Contents

	outbox []tea.Msg // what screens tell App, delivered in order (see post)
}

// pathRef names a path in the filesystem after a layer; ok is false when
// there is none (the tree is empty).
type pathRef struct {
	node  model.NodeID
	layer int
	ok    bool
}

// post sends a message to App, which delivers it once the current update
// is done, in the order posted. Screens tell each other what changed this
// way, not through commands: commands run on goroutines and their answers
// can arrive in any order, so a stale selection could land last.
func (c *Common) post(msg tea.Msg) { c.outbox = append(c.outbox, msg) }

// fit truncates or pads a rendered line to exactly w cells.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	n := ansi.StringWidth(s)
	if n > w {
		s = ansi.Truncate(s, w, "…")
		n = ansi.StringWidth(s)
	}
	if n < w {
		s += strings.Repeat(" ", w-n)
	}
	return s
}

// frame draws a rounded box of w×h cells with a title in its top border,
// the body lines fitted inside.
func (c *Common) frame(title string, focused bool, w, h int, body []string) string {
	if w < 2 || h < 2 {
		return ""
	}
	bs, ts := c.Styles.Border, c.Styles.Title
	if focused {
		bs, ts = c.Styles.BorderFocus, c.Styles.TitleFocus
	}
	inner := w - 2
	var b strings.Builder
	if title != "" && inner > 4 {
		t := ansi.Truncate(" "+title+" ", inner-2, "…")
		b.WriteString(bs.Render("╭─") + ts.Render(t) + bs.Render(strings.Repeat("─", inner-1-ansi.StringWidth(t))+"╮"))
	} else {
		b.WriteString(bs.Render("╭" + strings.Repeat("─", inner) + "╮"))
	}
	side := bs.Render("│")
	for i := range h - 2 {
		b.WriteByte('\n')
		line := ""
		if i < len(body) {
			line = body[i]
		}
		b.WriteString(side + fit(line, inner) + side)
	}
	b.WriteByte('\n')
	b.WriteString(bs.Render("╰" + strings.Repeat("─", inner) + "╯"))
	return b.String()
}

// list is the cursor and scroll offset of a list of n rows shown in h
// lines; every move keeps the cursor on screen.
type list struct {
	cursor, offset, n, h int
}

func (l *list) setLen(n int) {
	l.n = n
	l.clamp()
}

func (l *list) setHeight(h int) {
	l.h = max(h, 1)
	l.clamp()
}

func (l *list) move(d int) { l.cursor += d; l.clamp() }
func (l *list) to(i int)   { l.cursor = i; l.clamp() }
func (l *list) page() int  { return max(l.h-1, 1) }

// scroll moves the window without moving the cursor off screen.
func (l *list) scroll(d int) {
	l.offset = min(max(l.offset+d, 0), max(l.n-l.h, 0))
	l.cursor = min(max(l.cursor, l.offset), l.offset+l.h-1)
	l.clamp()
}

func (l *list) clamp() {
	l.cursor = min(max(l.cursor, 0), max(l.n-1, 0))
	if l.cursor < l.offset {
		l.offset = l.cursor
	}
	if l.cursor >= l.offset+l.h {
		l.offset = l.cursor - l.h + 1
	}
	l.offset = min(max(l.offset, 0), max(l.n-l.h, 0))
}

// visible is the index range of rows on screen.
func (l *list) visible() (int, int) {
	return l.offset, min(l.offset+l.h, l.n)
}

// navigate applies the movement keys to a list: the cursor moves. It
// tells whether the key was one of them.
func (l *list) navigate(k *KeyMap, msg tea.KeyPressMsg) bool {
	d, ok := l.delta(k, msg)
	if ok {
		l.move(d)
	}
	return ok
}

// scrollKeys applies the movement keys to a list read as a page (help,
// details): the window moves, the top line is the cursor.
func (l *list) scrollKeys(k *KeyMap, msg tea.KeyPressMsg) bool {
	d, ok := l.delta(k, msg)
	if ok {
		l.scroll(d)
	}
	return ok
}

// delta is how far a movement key moves: a line, a page, or to an end.
func (l *list) delta(k *KeyMap, msg tea.KeyPressMsg) (int, bool) {
	switch {
	case key.Matches(msg, k.Up):
		return -1, true
	case key.Matches(msg, k.Down):
		return 1, true
	case key.Matches(msg, k.PageUp):
		return -l.page(), true
	case key.Matches(msg, k.PageDown):
		return l.page(), true
	case key.Matches(msg, k.Home):
		return -l.n, true
	case key.Matches(msg, k.End):
		return l.n, true
	}
	return 0, false
}

// cursorRow fits a row to w cells and, when it is the cursor's, draws it
// selected (its own colours give way to the selection's).
func (c *Common) cursorRow(line string, w int, cursor, focused bool) string {
	line = fit(line, w)
	if !cursor {
		return line
	}
	st := c.Styles.SelectedBlur
	if focused {
		st = c.Styles.Selected
	}
	return st.Render(ansi.Strip(line))
}
