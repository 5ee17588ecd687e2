package ui

import "charm.land/bubbles/v2/key"

// pathList is what the explorer's tree and the diff's share: a list of
// rows under a column header in a frame, which a filter typed at its foot
// narrows.
type pathList struct {
	passive
	filter  filter
	l       list
	w, h    int
	focused bool
}

func (p *pathList) SetSize(w, h int) {
	p.w, p.h = w, h
	p.l.setHeight(p.listHeight())
	p.filter.input.setWidth(w - 20)
}

// listHeight is the rows' lines: the frame less its borders, the column
// header and the filter's line when it shows.
func (p *pathList) listHeight() int {
	h := p.h - 3
	if p.filter.shown() {
		h--
	}
	return max(h, 1)
}

// filterHelp is what the footer offers while the filter is typed; ok
// tells whether it is.
func (p *pathList) filterHelp(k *KeyMap) (binds []key.Binding, ok bool) {
	if !p.filter.editing() {
		return nil, false
	}
	return []key.Binding{relabel(k.Enter, "keep the filter"), relabel(k.Back, "clear it")}, true
}

// Capturing tells whether the pane takes every key (the filter is typed).
func (p *pathList) Capturing() bool { return p.filter.editing() }

func (p *pathList) Scroll(d int) { p.l.scroll(d) }

// clickRow puts the cursor on the row clicked at line y of the pane; it
// tells whether y is a row.
func (p *pathList) clickRow(y int) bool {
	if y < 2 || y >= 2+p.l.h {
		return false
	}
	p.l.to(p.l.offset + y - 2)
	return true
}
