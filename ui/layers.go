package ui

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// layersPane lists every history step; moving its cursor selects the
// step whose filesystem the tree shows and the details describe.
type layersPane struct {
	passive
	c       *Common
	img     *image
	l       list
	w, h    int
	focused bool
	sent    int // the row the last stepSelectedMsg named, -1 before any
}

func newLayersPane(c *Common, img *image) *layersPane {
	return &layersPane{c: c, img: img, sent: -1}
}

// stepSelectedMsg says which step the layer list selects; App passes it
// on to every screen. Layer is the filesystem the step sees (the last
// layer at or above it), Own whether the step made that layer.
type stepSelectedMsg struct {
	Row   stepRow
	Layer int
	Own   bool
}

// moveLayerMsg moves the selection to the next (Delta > 0) or previous row
// that owns a layer; selectLayerMsg to layer Layer's row.
type (
	moveLayerMsg   struct{ Delta int }
	selectLayerMsg struct{ Layer int }
)

func (p *layersPane) SetSize(w, h int) {
	p.w, p.h = w, h
	p.l.setHeight(h - 3) // borders and the column header
}

func (p *layersPane) KeyHelp() []key.Binding {
	k := p.c.Keys
	return []key.Binding{relabel(k.NextLayer, "next layer"), relabel(k.PrevLayer, "previous")}
}

func (p *layersPane) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case focusMsg:
		p.focused = msg.focused
		if msg.focused {
			p.sent = -1 // the details go back to the step
		}
	case imageChangedMsg:
		first := p.l.n == 0
		p.l.setLen(len(p.img.rows))
		p.sent = -1 // the rows may be new: say the selection again
		if k := p.img.writableLayer(); first && k >= 0 {
			p.l.to(p.img.rowOfLayer(k)) // a container opens on its writable layer
		}
	case moveLayerMsg:
		p.stepLayer(msg.Delta)
	case selectLayerMsg:
		if i := p.img.rowOfLayer(msg.Layer); i >= 0 {
			p.l.to(i)
		}
	case tea.KeyPressMsg:
		p.l.navigate(p.c.Keys, msg)
	}
	return p.announce()
}

// announce tells App when the selected row changed.
func (p *layersPane) announce() tea.Cmd {
	if len(p.img.rows) == 0 || p.l.cursor == p.sent {
		return nil
	}
	p.sent = p.l.cursor
	row := p.img.rows[p.l.cursor]
	p.c.post(stepSelectedMsg{Row: row, Layer: p.img.layerAsOf(p.l.cursor), Own: row.layer >= 0})
	return nil
}

// stepLayer moves to the next (d > 0) or previous row that owns a layer,
// staying put at the ends.
func (p *layersPane) stepLayer(d int) {
	for i := p.l.cursor + d; i >= 0 && i < len(p.img.rows); i += d {
		if p.img.rows[i].layer >= 0 {
			p.l.to(i)
			return
		}
	}
}

func (p *layersPane) Scroll(d int) { p.l.scroll(d) }

func (p *layersPane) Click(_, y int) tea.Cmd {
	if y >= 2 && y < p.h-1 {
		p.l.to(p.l.offset + y - 2)
	}
	return p.announce()
}

// layerCols lays out the layer list's columns: full sizes when wide, a
// compact form when narrow (80 columns keep every column).
type layerCols struct {
	head  string
	row   string // index, size, A, C, D; then the two waste cells
	waste string
	size  func(int64) string
}

var (
	wideLayerCols = layerCols{
		head:  "  #       SIZE     A     C     D     WASTED     KILLED  COMMAND",
		row:   "%3s  %9s  %4s  %4s  %4s  ",
		waste: "%9s  %9s  ",
		size:  size,
	}
	narrowLayerCols = layerCols{
		head:  "  #   SIZE    A    C    D WASTED KILLED COMMAND",
		row:   "%3s %6s %4s %4s %4s ",
		waste: "%6s %6s ",
		size:  compactSize,
	}
	narrowLayers = 100 // below this pane width, the compact columns
)

func (p *layersPane) cols() layerCols {
	if p.w < narrowLayers {
		return narrowLayerCols
	}
	return wideLayerCols
}

func (p *layersPane) View() string {
	s := p.c.Styles
	cols := p.cols()
	body := []string{s.Header.Render(cols.head)}
	lo, hi := p.l.visible()
	for i := lo; i < hi; i++ {
		body = append(body, p.row(i, cols))
	}
	title := "Layers · " + plural(len(p.img.steps), "step", "steps") + ", " + plural(len(p.img.layers), "layer", "layers")
	if len(p.img.rows) > p.l.h {
		title += fmt.Sprintf(" · %d/%d", p.l.cursor+1, len(p.img.rows))
	}
	if len(p.img.rows) == 0 {
		body = append(body, s.Dim.Render("  reading the image config…"))
	}
	return p.c.frame(title, p.focused, p.w, p.h, body)
}

func (p *layersPane) row(i int, cols layerCols) string {
	s := p.c.Styles
	r := p.img.rows[i]
	cmd := p.img.instruction(r)
	var line string
	if r.layer < 0 {
		line = s.Dim.Render(fmt.Sprintf(cols.row+cols.waste, "", "—", "", "", "", "", "") + cmd)
	} else {
		l := p.img.layers[r.layer]
		sz, a, c, d, made, killed := "…", "…", "…", "…", "…", "…"
		waste := s.Text
		if p.img.has(r.layer) {
			sz = cols.size(l.SizeBytes)
			a, c, d = count(l.Added), count(l.Changed), count(l.Deleted)
			made, killed = wasteCell(l.WastedMade, cols.size), wasteCell(l.WastedKilled, cols.size)
			if l.WastedMade > 0 || l.WastedKilled > 0 {
				waste = s.Removed
			}
		}
		line = s.Text.Render(fmt.Sprintf(cols.row, fmt.Sprint(r.layer), sz, a, c, d)) +
			waste.Render(fmt.Sprintf(cols.waste, made, killed)) + s.Text.Render(cmd)
	}
	return p.c.cursorRow(line, p.w-2, i == p.l.cursor, p.focused)
}

func wasteCell(n int64, size func(int64) string) string {
	if n == 0 {
		return "·"
	}
	return size(n)
}
