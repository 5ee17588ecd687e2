package ui

import tea "charm.land/bubbletea/v2"

// page is a pane of text read by scrolling (the details), its lines made
// when what it shows changes.
type page struct {
	passive
	l       list
	lines   []string
	w, h    int
	focused bool
}

func (p *page) setSize(w, h int) {
	p.w, p.h = w, h
	p.l.setHeight(h - 2)
}

func (p *page) setLines(lines []string) {
	p.lines = lines
	p.l.setLen(len(lines))
}

func (p *page) Scroll(d int) { p.l.scroll(d) }

// take does what every page does with a message: it hears whether it has
// the focus, and scrolls by the movement keys. It tells whether msg was
// one of those.
func (p *page) take(k *KeyMap, msg tea.Msg) bool {
	switch msg := msg.(type) {
	case focusMsg:
		p.focused = msg.focused
	case tea.KeyPressMsg:
		p.l.scrollKeys(k, msg)
	default:
		return false
	}
	return true
}

// view draws the page in its frame; path says it describes a path.
func (p *page) view(c *Common, path bool) string {
	title := "Details"
	if path {
		title = "Details · path"
	}
	lo, hi := p.l.visible()
	return c.frame(title, p.focused, p.w, p.h, p.lines[lo:hi])
}
