package ui

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// openSharersMsg asks for the list of the images that hold a layer: the
// layer list's Enter on its SHARED count.
type openSharersMsg struct{ Layer int }

// sharersList lists the other local images that hold one layer: the same
// layer on the same layers below, one copy on disk for them all.
type sharersList struct {
	passive
	c     *Common
	img   *image
	layer int
	l     list
	w, h  int
}

const sharersID OverlayID = "sharers"

func newSharersList(c *Common, img *image, layer int) Overlay {
	p := &sharersList{c: c, img: img, layer: layer}
	p.l.setLen(len(p.names()))
	return p
}

func (p *sharersList) names() []string {
	if rel := p.img.cfg.Relations; p.layer < len(rel.SharedBy) {
		return rel.SharedBy[p.layer]
	}
	return nil
}

func (p *sharersList) ID() OverlayID { return sharersID }

func (p *sharersList) Area(w, h int) (int, int) {
	return min(w-4, 80), min(h-4, len(p.names())+5)
}

func (p *sharersList) SetSize(w, h int) {
	p.w, p.h = w, h
	p.l.setHeight(h - 4)
}

func (p *sharersList) KeyHelp() []key.Binding {
	return []key.Binding{relabel(p.c.Keys.Back, "close")}
}

func (p *sharersList) Update(msg tea.Msg) tea.Cmd {
	if msg, ok := msg.(tea.KeyPressMsg); ok {
		if key.Matches(msg, p.c.Keys.Back, p.c.Keys.Enter) {
			return closeOverlay(p.c, sharersID)
		}
		p.l.navigate(p.c.Keys, msg)
	}
	return nil
}

func (p *sharersList) Scroll(d int) { p.l.scroll(d) }

func (p *sharersList) View() string {
	s := p.c.Styles
	names := p.names()
	body := []string{s.Dim.Render(fit("one copy on disk for them all: this layer, on the same layers below", p.w-2))}
	lo, hi := p.l.visible()
	for i := lo; i < hi; i++ {
		body = append(body, p.c.cursorRow(s.Text.Render(names[i]), p.w-2, i == p.l.cursor, true))
	}
	for len(body) < p.h-3 {
		body = append(body, "")
	}
	body = append(body, s.Dim.Render(fit("Esc closes", p.w-2)))
	title := fmt.Sprintf("Layer %d · held by %s", p.layer, plural(len(names), "other image", "other images"))
	return p.c.frame(title, true, p.w, p.h, body)
}
