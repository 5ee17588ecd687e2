package ui

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// diffLayersPane lists the layers of both images of a comparison, one
// row a layer: the common prefix first (the same layer in both), then A's
// other layers, then those only B holds; each says whether the other
// image holds it too. Moving the cursor tells the details which layer to
// describe.
type diffLayersPane struct {
	passive
	c       *Common
	d       *diffState
	l       list
	w, h    int
	focused bool
	sent    int // the row the last diffLayerSelectedMsg named, -1 before any
}

func newDiffLayersPane(c *Common, d *diffState) *diffLayersPane {
	return &diffLayersPane{c: c, d: d, sent: -1}
}

// diffLayerSelectedMsg says which row of the diff's layer list is
// selected.
type diffLayerSelectedMsg struct{ Row layerPair }

func (p *diffLayersPane) SetSize(w, h int) {
	p.w, p.h = w, h
	p.l.setHeight(h - 3) // borders and the column header
}

func (p *diffLayersPane) KeyHelp() []key.Binding {
	k := p.c.Keys
	return []key.Binding{relabel(k.Down, "next layer"), relabel(k.Up, "previous")}
}

func (p *diffLayersPane) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case focusMsg:
		p.focused = msg.focused
		if msg.focused {
			p.sent = -1 // the details go back to the layer
		}
	case imageChangedMsg:
		p.l.setLen(len(p.d.rows))
		p.sent = -1 // the rows may be new: say the selection again
	case moveLayerMsg:
		p.l.move(msg.Delta)
	case tea.KeyPressMsg:
		p.l.navigate(p.c.Keys, msg)
	}
	return p.announce()
}

// announce tells the details when the selected row changed.
func (p *diffLayersPane) announce() tea.Cmd {
	if len(p.d.rows) == 0 || p.l.cursor == p.sent {
		return nil
	}
	p.sent = p.l.cursor
	p.c.post(diffLayerSelectedMsg{Row: p.d.rows[p.l.cursor]})
	return nil
}

func (p *diffLayersPane) Scroll(d int) { p.l.scroll(d) }

func (p *diffLayersPane) Click(_, y int) tea.Cmd {
	if y >= 2 && y < p.h-1 {
		p.l.to(p.l.offset + y - 2)
	}
	return p.announce()
}

// diffLayerCols lays out the columns: the layer's index in A and in B,
// whether both hold it, its size, its command; full sizes when wide, a
// compact form when narrow.
type diffLayerCols struct {
	index, shared, size string // formats
	sizeOf              func(int64) string
}

var (
	wideDiffLayerCols   = diffLayerCols{index: "%5s%5s  ", shared: "%-7s  ", size: "%11s  ", sizeOf: size}
	narrowDiffLayerCols = diffLayerCols{index: "%3s%3s ", shared: "%-6s ", size: "%6s ", sizeOf: compactSize}
)

func (c diffLayerCols) head() string {
	return fmt.Sprintf(c.index, "A", "B") + fmt.Sprintf(c.shared, "SHARED") + fmt.Sprintf(c.size, "SIZE") + "COMMAND"
}

func (p *diffLayersPane) View() string {
	s := p.c.Styles
	cols := wideDiffLayerCols
	if p.w < narrowLayers {
		cols = narrowDiffLayerCols
	}
	body := []string{s.Header.Render(cols.head())}
	lo, hi := p.l.visible()
	for i := lo; i < hi; i++ {
		body = append(body, p.row(i, cols))
	}
	if len(p.d.rows) == 0 {
		body = append(body, s.Dim.Render("  reading the images' configs…"))
	}
	return p.c.frame(p.title(), p.focused, p.w, p.h, body)
}

func (p *diffLayersPane) title() string {
	a, b := p.d.side[sideA], p.d.side[sideB]
	t := fmt.Sprintf("Layers · A %d, B %d", len(a.layers), len(b.layers))
	if a.known && b.known {
		t += fmt.Sprintf(" · %d shared", len(p.d.shared))
	}
	if len(p.d.rows) > p.l.h {
		t += fmt.Sprintf(" · %d/%d", p.l.cursor+1, len(p.d.rows))
	}
	return t
}

func (p *diffLayersPane) row(i int, cols diffLayerCols) string {
	s := p.c.Styles
	r := p.d.rows[i]
	index := func(k int) string {
		if k < 0 {
			return "·"
		}
		return fmt.Sprint(k)
	}
	shared, st := "both", s.Text
	switch {
	case !p.d.side[sideA].known || !p.d.side[sideB].known:
		shared, st = "…", s.Dim
	case r.prefix:
	case r.shared():
		shared, st = "both ↕", s.Changed // the same layer, elsewhere in the other image
	case r.a >= 0:
		shared, st = "A only", s.Deleted
	default:
		shared, st = "B only", s.Added
	}
	l := p.d.layer(r)
	sz := "…"
	if p.d.has(r) {
		sz = cols.sizeOf(l.SizeBytes)
	}
	line := s.Text.Render(fmt.Sprintf(cols.index, index(r.a), index(r.b))) + st.Render(fmt.Sprintf(cols.shared, shared)) +
		s.Text.Render(fmt.Sprintf(cols.size, sz)+layerInstruction(l))
	return p.c.cursorRow(line, p.w-2, i == p.l.cursor, p.focused)
}
