package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"lx.dev/lx/model"
	"lx.dev/lx/model/report"
)

// JumpMsg asks to show a path in the filesystem after a layer: the waste
// list's Enter.
type JumpMsg struct {
	Node  model.NodeID
	Layer int
}

// wasteList lists every wasted copy, biggest first, with the fix hints
// under it.
type wasteList struct {
	passive
	c    *Common
	img  *image
	l    list
	w, h int

	wrapped      []string // the fix hints wrapped to wrapW (see wrappedHints)
	wrapW, wrapN int
}

const wasteID OverlayID = "waste"

func newWasteList(c *Common, img *image) Overlay {
	p := &wasteList{c: c, img: img}
	p.l.setLen(p.rows())
	return p
}

func (p *wasteList) ID() OverlayID { return wasteID }

func (p *wasteList) Area(w, h int) (int, int) { return min(w-4, 120), h - 4 }

func (p *wasteList) rows() int {
	if p.img.img == nil {
		return 0
	}
	return len(p.img.img.Waste)
}

func (p *wasteList) SetSize(w, h int) {
	p.w, p.h = w, h
	p.wrappedHints(w - 2)
	p.l.setHeight(p.listHeight())
}

// hintsShown bounds the fix hints the waste list wraps and shows.
const hintsShown = 10

// hintsHeight is the part of the pane under the list kept for the fix
// hints: up to a third of it, never more than the hints need.
func (p *wasteList) hintsHeight() int {
	if len(p.img.hints) == 0 || p.h < 16 {
		return 0
	}
	return min(p.h/3, 1+len(p.wrapped))
}

// listHeight is the rows the list shows: the pane less its borders,
// header, footer and the hints.
func (p *wasteList) listHeight() int { return p.h - 4 - p.hintsHeight() }

func (p *wasteList) KeyHelp() []key.Binding {
	k := p.c.Keys
	return []key.Binding{k.Up, k.Down, relabel(k.Enter, "show in the tree"), relabel(k.Back, "close")}
}

func (p *wasteList) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case imageChangedMsg:
		p.l.setLen(p.rows())
		p.wrapW = 0
		p.SetSize(p.w, p.h)
	case tea.KeyPressMsg:
		img := p.img.img
		if p.l.navigate(p.c.Keys, msg) || !key.Matches(msg, p.c.Keys.Enter) || img == nil || len(img.Waste) == 0 {
			return nil
		}
		w := img.Waste[p.l.cursor]
		return func() tea.Msg { return JumpMsg{Node: w.Node, Layer: w.MadeBy} }
	}
	return nil
}

func (p *wasteList) Scroll(d int) { p.l.scroll(d) }

func (p *wasteList) Click(_, y int) tea.Cmd {
	if y >= 2 && y < 2+p.l.h {
		p.l.to(p.l.offset + y - 2)
	}
	return nil
}

func (p *wasteList) View() string {
	if p.h < 5 {
		return ""
	}
	s := p.c.Styles
	img := p.img.img
	inner := p.w - 2
	rest := max(inner-9-2-11-2-4, 30)
	pathW := rest * 2 / 5
	layerW := (rest - pathW) / 2
	cell := func(sz, cause, path, made, killed string) string {
		return fmt.Sprintf("%9s  %-11s  %s  %s  %s", sz, cause, fit(path, pathW), fit(made, layerW), fit(killed, layerW))
	}
	body := []string{s.Header.Render(cell("SIZE", "CAUSE", "PATH", "MADE BY", "KILLED BY"))}
	title := "Wasted copies"
	if img != nil {
		title = fmt.Sprintf("Wasted copies · %d, %s", len(img.Waste), size(img.WastedBytes))
		lo, hi := p.l.visible()
		for i := lo; i < hi; i++ {
			w := img.Waste[i]
			path := model.DisplayPath(w.Path)
			line := s.Text.Render(fmt.Sprintf("%9s  ", size(w.Bytes))) +
				causeStyle(s, w.Cause).Render(fmt.Sprintf("%-11s", w.Cause)) +
				s.Text.Render("  "+fit(path, pathW)+"  "+fit(p.layerName(w.MadeBy), layerW)+"  "+fit(p.layerName(w.KilledBy), layerW))
			body = append(body, p.c.cursorRow(line, inner, i == p.l.cursor, true))
		}
		if len(img.Waste) == 0 {
			body = append(body, s.Good.Render("No waste: every copy this image ships is in its final filesystem."))
		}
	}
	hints := p.hintLines(inner, p.hintsHeight())
	for len(body) < p.h-3-len(hints) {
		body = append(body, "")
	}
	body = append(body[:p.h-3-len(hints)], hints...)
	foot := keyHint(p.c.Keys.Enter, "shows the copy in the tree") + " · " + keyHint(p.c.Keys.Back, "closes")
	if img != nil && len(img.Waste) > 0 {
		if w := img.Waste[p.l.cursor]; w.Cause == model.Recopied {
			foot = "changed: " + report.Change(w.Meta) + " · " + foot
		} else if w.ReturnedIn >= 0 {
			foot = fmt.Sprintf("came back in layer %d · %s", w.ReturnedIn, foot)
		}
	}
	body = append(body[:p.h-3], s.Dim.Render(foot))
	return p.c.frame(title, true, p.w, p.h, body)
}

// hintLines renders the fix hints in n lines of width w: a heading, then
// the wrapped hints, as many lines as fit.
func (p *wasteList) hintLines(w, n int) []string {
	if n == 0 {
		return nil
	}
	s := p.c.Styles
	out := []string{s.Header.Render(fit("FIX HINTS", w))}
	for _, line := range p.wrapped {
		if len(out) == n {
			break
		}
		out = append(out, s.Text.Render(line))
	}
	return out
}

// wrappedHints wraps the first fix hints to width w, plain; again only
// when the width or the hints change (SetSize, a new image), never in View.
func (p *wasteList) wrappedHints(w int) []string {
	hints := p.img.hints[:min(len(p.img.hints), hintsShown)]
	if p.wrapW == w && p.wrapN == len(hints) {
		return p.wrapped
	}
	p.wrapped, p.wrapW, p.wrapN = nil, w, len(hints)
	for i, h := range hints {
		text := strings.ReplaceAll(fmt.Sprintf("%d. %s %s: %s.", i+1, size(h.Bytes), h.Text, h.Advice), "`", "")
		for j, line := range strings.Split(ansi.Wrap(text, w-3, " "), "\n") {
			if j > 0 {
				line = "   " + line
			}
			p.wrapped = append(p.wrapped, line)
		}
	}
	return p.wrapped
}

func (p *wasteList) layerName(k int) string {
	if k < 0 || k >= len(p.img.layers) {
		return fmt.Sprint(k)
	}
	return fmt.Sprintf("%d %s", k, oneLine(p.img.layers[k].Command))
}
